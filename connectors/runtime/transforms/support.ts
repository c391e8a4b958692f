import type { ConfigSpec } from '../api/config.ts';
import type { Props, Transformation } from '../api/plugins.ts';
import type { ConnectRecord, Header } from '../api/records.ts';
import { javaClassName } from '../data/java-values.ts';
import { DataException, Struct, type Schema } from '../data/schema.ts';
import { configureWith, toSpec, type ConfigReader, type SpecFactory } from './config.ts';

/**
 * What the built-in transforms share: the `$Key`/`$Value` side they operate on, Apache's `Requirements` checks
 * (with their messages) and a base class that parses the config spec once in `configure`.
 */
export interface Side {
  readonly name: 'Key' | 'Value';
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  with<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown): R;
}

export const KEY: Side = {
  name: 'Key',
  schema: (record) => record.keySchema,
  value: (record) => record.key,
  with: (record, schema, value) => ({ ...record, keySchema: schema, key: value }),
};

export const VALUE: Side = {
  name: 'Value',
  schema: (record) => record.valueSchema,
  value: (record) => record.value,
  with: (record, schema, value) => ({ ...record, valueSchema: schema, value }),
};

export function withHeaders<R extends ConnectRecord>(record: R, headers: Header[]): R {
  return { ...record, headers };
}

/** `Requirements.requireMap`: schemaless values must be Maps. */
export function requireMap(value: unknown, purpose: string): Map<string, unknown> {
  if (!(value instanceof Map)) {
    throw new DataException(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${javaClassName(value)}`,
    );
  }
  return value as Map<string, unknown>;
}

export function requireMapOrNull(value: unknown, purpose: string): Map<string, unknown> | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataException(`Only Struct objects supported for [${purpose}], found: ${javaClassName(value)}`);
  }
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}

/** A field's value with or without default substitution (KIP-1040's `replace.null.with.default`). */
export function fieldValue(struct: Struct, name: string, replaceNullWithDefault: boolean): unknown {
  return replaceNullWithDefault ? struct.get(name) : struct.getWithoutDefault(name);
}

/** `Struct.put` with Apache's validation of nulls in required fields. */
export function putChecked(struct: Struct, name: string, value: unknown): void {
  const field = struct.field(name);
  if (field && (value === null || value === undefined) && !field.schema.optional) {
    throw new DataException(
      `Invalid value: null used for required field: "${name}", schema type: ${field.schema.type.toUpperCase()}`,
    );
  }
  struct.put(name, value);
}

/** A schema-derived cache keyed by schema identity (Apache keeps an LRU of 16 per transform). */
export class SchemaCache {
  private readonly cache = new WeakMap<Schema, Schema>();
  get(schema: Schema, build: (schema: Schema) => Schema): Schema {
    let updated = this.cache.get(schema);
    if (!updated) {
      updated = build(schema);
      this.cache.set(schema, updated);
    }
    return updated;
  }
}

/** Base of our transforms: `config()` from the spec, `configure` parses it and hands typed values on. */
export abstract class BaseTransformation implements Transformation {
  protected abstract readonly keys: SpecFactory;

  config(): ConfigSpec {
    return toSpec(this.keys);
  }

  configure(props: Props): void {
    this.setup(configureWith(this.keys, props));
  }

  protected abstract setup(config: ConfigReader): void;

  abstract apply(record: ConnectRecord): ConnectRecord | null;

  close(): void {}
}
