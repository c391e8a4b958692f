import { ConfigException, ConnectException } from './errors.ts';

/**
 * Config specs as data (Kafka's `ConfigDef`, Redpanda Connect's field specs): each key has a type, default,
 * importance, documentation, validator and, for enums, the meaning of each value. A spec is parsed once into
 * typed values; `/connector-plugins/{p}/config`, `…/config/validate` and the generated connector docs all read
 * the same spec.
 */
export type ConfigType =
  'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** A secret: prints as `[hidden]` everywhere (toString, JSON), as Kafka's `Password` does. */
export class Password {
  constructor(readonly value: string) {}
  toString(): string {
    return '[hidden]';
  }
  toJSON(): string {
    return '[hidden]';
  }
}

export type ConfigValue = boolean | string | number | string[] | Password | null;

export interface EnumValue {
  value: string;
  meaning: string;
}

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** Absent = required (Kafka's NO_DEFAULT_VALUE). `null` = optional with no value. Strings are parsed like user input. */
  default?: ConfigValue | undefined;
  importance: Importance;
  documentation: string;
  group?: string;
  orderInGroup?: number;
  width?: 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';
  displayName?: string;
  dependents?: string[];
  /** Allowed values and what each means; checked case-insensitively unless `caseSensitive`. */
  enum?: EnumValue[];
  caseSensitive?: boolean;
  /** Numeric bounds (inclusive). */
  min?: number;
  max?: number;
  /** Extra single-key check: returns an error message, or undefined when the value is fine. */
  validate?: (value: ConfigValue) => string | undefined;
  /** Other names accepted for this key (e.g. the v1 Cosmos keys); the first one set wins. */
  aliases?: string[];
}

/** A cross-field rule: a name (for docs and tests) and a check returning errors per key. */
export interface ConfigRule {
  name: string;
  description: string;
  check: (config: ParsedConfig) => Record<string, string> | undefined;
}

export interface ConfigSpec {
  keys: ConfigKey[];
  rules?: ConfigRule[];
}

export interface ParsedConfig {
  values: Record<string, ConfigValue>;
  /** Error messages per key (Kafka's ConfigValue.errorMessages). */
  errors: Record<string, string[]>;
  /** The raw string of each key as given (or the alias it came from). */
  raw: Record<string, string | undefined>;
}

export function isRequired(key: ConfigKey): boolean {
  return !('default' in key) || key.default === undefined;
}

/** Kafka's ConfigDef.parseType: the Java messages, so validate answers as Apache does. */
export function parseValue(key: ConfigKey, input: unknown): ConfigValue {
  if (input === null || input === undefined) return null;
  const text = typeof input === 'string' ? input.trim() : input;
  const bad = (what: string): never => {
    throw new Error(`Invalid value ${String(input)} for configuration ${key.name}: ${what}`);
  };
  switch (key.type) {
    case 'BOOLEAN':
      if (typeof text === 'boolean') return text;
      if (typeof text === 'string' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
      return bad('Expected value to be either true or false');
    case 'STRING':
    case 'CLASS':
      // Kafka's ConfigDef.parseType trims STRING and CLASS values alike
      return typeof input === 'string' ? input.trim() : bad('Expected value to be a string');
    case 'PASSWORD':
      if (input instanceof Password) return input;
      return typeof input === 'string' ? new Password(input) : bad('Expected value to be a string');
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      const bits = key.type === 'SHORT' ? 16 : key.type === 'INT' ? 32 : 64;
      const number = typeof text === 'number' ? text : /^[+-]?\d+$/.test(String(text)) ? Number(text) : NaN;
      const limit = 2 ** (bits - 1);
      if (!Number.isInteger(number) || number < -limit || number >= limit) {
        return bad(`Not a number of type ${key.type}`);
      }
      return number;
    }
    case 'DOUBLE': {
      const number = typeof text === 'number' ? text : Number(text);
      if (text === '' || Number.isNaN(number)) return bad('Not a number of type DOUBLE');
      return number;
    }
    case 'LIST':
      if (Array.isArray(input)) return input.map(String);
      if (typeof input !== 'string') return bad('Expected a comma separated list');
      return input.trim() === '' ? [] : input.split(/\s*,\s*/).map((item) => item.trim());
  }
}

function checkKey(key: ConfigKey, value: ConfigValue): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') {
    if (key.min !== undefined && value < key.min)
      return `Invalid value ${value} for configuration ${key.name}: Value must be at least ${key.min}`;
    if (key.max !== undefined && value > key.max)
      return `Invalid value ${value} for configuration ${key.name}: Value must be no more than ${key.max}`;
  }
  if (key.enum && typeof value === 'string') {
    const allowed = key.enum.map((entry) => entry.value);
    const matches = key.caseSensitive
      ? allowed.includes(value)
      : allowed.some((entry) => entry.toLowerCase() === value.toLowerCase());
    if (!matches)
      return `Invalid value ${value} for configuration ${key.name}: String must be one of: ${allowed.join(', ')}`;
  }
  return key.validate?.(value);
}

/** The canonical form of an enum value as the spec spells it (`itemoverwrite` → `ItemOverwrite`). */
export function canonicalEnum(key: ConfigKey, value: string): string {
  return key.enum?.find((entry) => entry.value.toLowerCase() === value.toLowerCase())?.value ?? value;
}

/** Parses a props map against a spec: every key gets a value or an error; unknown keys are ignored. */
export function parseConfig(spec: ConfigSpec, props: Record<string, string | undefined>): ParsedConfig {
  const parsed: ParsedConfig = { values: {}, errors: {}, raw: {} };
  for (const key of spec.keys) {
    const source = [key.name, ...(key.aliases ?? [])].find((name) => props[name] !== undefined);
    const raw = source === undefined ? undefined : props[source];
    parsed.raw[key.name] = raw;
    parsed.errors[key.name] = [];
    try {
      if (raw === undefined) {
        if (isRequired(key)) {
          parsed.values[key.name] = null;
          parsed.errors[key.name]!.push(
            `Missing required configuration "${key.name}" which has no default value.`,
          );
          continue;
        }
        parsed.values[key.name] = parseValue(key, key.default);
      } else {
        parsed.values[key.name] = parseValue(key, raw);
      }
      const value = parsed.values[key.name] ?? null;
      const problem = checkKey(key, value);
      if (problem) parsed.errors[key.name]!.push(problem);
      else if (key.enum && typeof value === 'string') parsed.values[key.name] = canonicalEnum(key, value);
    } catch (error) {
      parsed.values[key.name] = null;
      parsed.errors[key.name]!.push((error as Error).message);
    }
  }
  for (const rule of spec.rules ?? []) {
    for (const [name, message] of Object.entries(rule.check(parsed) ?? {})) {
      (parsed.errors[name] ??= []).push(message);
    }
  }
  return parsed;
}

/** All errors of a parsed config in one line, for a task that was handed a config the worker did not validate. */
export function configErrorMessage(config: ParsedConfig): string {
  const problems = Object.values(config.errors).flat();
  return `Invalid connector configuration: ${problems.join('; ')}`;
}

/** A connector's or task's `start`: the parsed config, or a ConnectException listing every error in it. */
export function parseValidConfig(spec: ConfigSpec, props: Record<string, string | undefined>): ParsedConfig {
  const parsed = parseConfig(spec, props);
  if (errorCount(parsed) > 0) throw new ConnectException(configErrorMessage(parsed));
  return parsed;
}

export function errorCount(parsed: ParsedConfig): number {
  return Object.values(parsed.errors).reduce((sum, messages) => sum + messages.length, 0);
}

/**
 * The one way plugin and framework code reads a parsed config (Kafka's `AbstractConfig` getters): typed values
 * from the spec's parse, never the raw strings. A name the spec does not declare is a bug and throws.
 * `string`/`int` answer `''`/`0`-free defaults for keys that always have a value; the `nullable…` forms return
 * `null` for an optional key without one, as Java's `getString`/`getInt` do.
 */
export class ConfigReader {
  constructor(readonly parsed: ParsedConfig) {}
  value(name: string): ConfigValue {
    if (!(name in this.parsed.values)) throw new Error(`Unknown configuration ${name}`);
    return this.parsed.values[name] ?? null;
  }
  nullableString(name: string): string | null {
    return (this.value(name) as string | null) ?? null;
  }
  string(name: string): string {
    return this.nullableString(name) ?? '';
  }
  optionalString(name: string): string | undefined {
    return this.nullableString(name) ?? undefined;
  }
  nullableInt(name: string): number | null {
    return (this.value(name) as number | null) ?? null;
  }
  int(name: string): number {
    return this.value(name) as number;
  }
  boolean(name: string): boolean {
    return this.value(name) === true;
  }
  list(name: string): string[] {
    return (this.value(name) as string[] | null) ?? [];
  }
  password(name: string): string {
    return ((this.value(name) as Password | null) ?? new Password('')).value;
  }
}

/** `new AbstractConfig(spec, props)`: parsed values, or the first error thrown (Kafka's ConfigException). */
export function readConfig(spec: ConfigSpec, props: Record<string, string | undefined>): ConfigReader {
  const parsed = parseConfig(spec, props);
  for (const messages of Object.values(parsed.errors)) {
    if (messages.length > 0) throw new ConfigException(messages[0]!);
  }
  return new ConfigReader(parsed);
}
