import type { ConnectRecord } from '../api/records.ts';
import { copySchemaBasics, primitive } from '../data/builders.ts';
import { decimalToNumber, formatJavaDecimal, formatJavaFloat } from '../data/java-format.ts';
import { formatJavaNumber, isDecimal, javaClassDescription } from '../data/java-values.ts';
import { fromLogicalDate, fromLogicalTime } from '../data/logical.ts';
import {
  DataException,
  Struct,
  logicalNames,
  schemaTypes,
  type Schema,
  type SchemaType,
} from '../data/schema.ts';
import { formatTemporal } from '../data/values.ts';
import { replaceNullWithDefaultKey, type ConfigReader, type SpecFactory } from './config.ts';
import { ConfigException, invalidValue } from './errors.ts';
import { NumberFormatException } from '../api/errors.ts';
import { javaParseDouble, javaParseInteger } from './java-numbers.ts';
import { javaSplit } from './replace-field.ts';
import {
  BaseTransformation,
  SchemaCache,
  fieldValue,
  putChecked,
  requireMap,
  requireStruct,
  type Side,
} from './support.ts';

const PURPOSE = 'cast types';
const ALL_TYPES: readonly string[] = schemaTypes;
/** Cast reads the primitive types (bytes only to string) and writes the primitive types but bytes. */
const INPUT_TYPES: SchemaType[] = schemaTypes.filter((type) => !['array', 'map', 'struct'].includes(type));
const OUTPUT_TYPES: SchemaType[] = INPUT_TYPES.filter((type) => type !== 'bytes');
const javaSet = (types: SchemaType[]): string => `[${types.map((t) => t.toUpperCase()).join(', ')}]`;

/** The whole-value cast is keyed by null in Apache's map; we use this symbol-like key. */
const WHOLE_VALUE = '\u0000whole';

function parseType(text: string): SchemaType {
  const type = text.trim().toLowerCase();
  if (!ALL_TYPES.includes(type)) {
    // Apache passes (message, cause) to ConfigException(name, value): the text comes out inside out.
    throw new ConfigException(
      `Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.${text.trim().toUpperCase()} for configuration Invalid type found in casting spec: ${text.trim()}`,
    );
  }
  if (!OUTPUT_TYPES.includes(type as SchemaType)) {
    throw new ConfigException(
      `Cast transformation does not support casting to ${type.toUpperCase()}; supported types are ${javaSet(OUTPUT_TYPES)}`,
    );
  }
  return type as SchemaType;
}

/** `Cast.parseFieldTypes`. */
function parseFieldTypes(mappings: string[]): Map<string, SchemaType> {
  const casts = new Map<string, SchemaType>();
  let whole = false;
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length > 2)
      throw new ConfigException(invalidValue('renames', mappings, `Invalid rename mapping: ${mapping}`));
    if (parts.length === 1) {
      casts.set(WHOLE_VALUE, parseType(parts[0]!));
      whole = true;
    } else {
      casts.set(parts[0]!.trim(), parseType(parts[1]!));
    }
  }
  if (whole && mappings.length > 1) {
    throw new ConfigException(
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    );
  }
  return casts;
}

const keys: SpecFactory = (p) => [
  {
    name: `${p}spec`,
    type: 'LIST',
    importance: 'HIGH',
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
    validate: (value) => {
      const list = value as string[] | null;
      if (!list || list.length === 0) return 'Must specify at least one field to cast.';
      try {
        parseFieldTypes(list);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  },
  replaceNullWithDefaultKey(p),
];

/** `org.apache.kafka.connect.transforms.Cast$Key|$Value`, with Java's narrowing and parsing rules. */
export class Cast extends BaseTransformation {
  protected readonly keys = keys;
  private casts = new Map<string, SchemaType>();
  private whole: SchemaType | undefined;
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.casts = parseFieldTypes(config.list('spec'));
    this.whole = this.casts.get(WHOLE_VALUE);
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
  }

  apply(record: ConnectRecord): ConnectRecord {
    const raw = this.side.value(record);
    if (raw === null || raw === undefined) return record;
    const schema = this.side.schema(record);
    if (schema === null) {
      if (this.whole) return this.side.with(record, null, castValue(null, raw, this.whole, true));
      const value = requireMap(raw, PURPOSE);
      const updated = new Map(value);
      for (const [field, type] of this.casts)
        updated.set(field, castValue(null, value.get(field) ?? null, type, true));
      return this.side.with(record, null, updated);
    }
    const updatedSchema = this.schemaCache.get(schema, (s) => this.buildSchema(s));
    if (this.whole) return this.side.with(record, updatedSchema, castValue(schema, raw, this.whole, false));
    const value = requireStruct(raw, PURPOSE);
    const updated = new Struct(updatedSchema);
    for (const field of value.schema.fields ?? []) {
      const original = fieldValue(value, field.name, this.replaceNullWithDefault);
      const target = this.casts.get(field.name);
      putChecked(updated, field.name, target ? castValue(field.schema, original, target, false) : original);
    }
    return this.side.with(record, updatedSchema, updated);
  }

  private buildSchema(schema: Schema): Schema {
    let built: Schema;
    if (this.whole) {
      built = copySchemaBasics(schema, this.whole);
    } else {
      built = copySchemaBasics(schema, 'struct');
      built.fields = (schema.fields ?? []).map((field, index) => {
        const target = this.casts.get(field.name);
        if (!target) return field;
        const fieldSchema = primitive(target, field.schema.optional);
        if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
          fieldSchema.defaultValue = castValue(field.schema, field.schema.defaultValue, target, false);
        }
        return { name: field.name, index, schema: fieldSchema };
      });
    }
    if (schema.optional) built.optional = true;
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      built.defaultValue = castValue(schema, schema.defaultValue, built.type, false);
    }
    return built;
  }
}

function inferType(value: unknown): SchemaType | undefined {
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Struct) return 'struct';
  return undefined;
}

/**
 * `Cast.castValueToType`. Schemaless results follow our schemaless convention (integers of every width as
 * bigint, floats as number), since without a schema only the Java class tells them apart.
 */
export function castValue(
  schema: Schema | null,
  input: unknown,
  target: SchemaType,
  schemaless: boolean,
): unknown {
  if (input === null || input === undefined) return null;
  let value = input;
  const inferred = schema ? schema.type : inferType(value);
  if (inferred === undefined) {
    throw new DataException(
      `Cast transformation was passed a value of type ${javaClassDescription(value)} which is not supported by Connect's data API`,
    );
  }
  if (!INPUT_TYPES.includes(inferred)) {
    throw new DataException(
      `Cast transformation does not support casting from ${inferred.toUpperCase()}; supported types are ${javaSet(INPUT_TYPES)}`,
    );
  }
  if (schema?.name !== undefined && target !== 'string' && value instanceof Date) {
    if (schema.name === logicalNames.date) value = fromLogicalDate(value);
    else if (schema.name === logicalNames.time) value = fromLogicalTime(value);
    else if (schema.name === logicalNames.timestamp) value = BigInt(value.getTime());
  }
  try {
    const result = castTo(value, schema, target);
    if (schemaless && typeof result === 'number' && ['int8', 'int16', 'int32'].includes(target))
      return BigInt(result);
    // A schemaless Java Float prints with Float.toString; its shortest decimal as a double prints the same.
    if (schemaless && typeof result === 'number' && target === 'float32')
      return Number(formatJavaFloat(result));
    return result;
  } catch (error) {
    if (error instanceof NumberFormatException) {
      throw new DataException(`Value (${String(value)}) was out of range for requested data type`, {
        cause: error,
      });
    }
    throw error;
  }
}

function unexpected(value: unknown): never {
  throw new DataException(`Unexpected type in Cast transformation: ${javaClassDescription(value)}`);
}

/** Java `Number.longValue()` of our numeric representations. */
function longValue(value: number | bigint | { unscaled: bigint; scale: number }): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 0n;
    if (value >= 2 ** 63) return 2n ** 63n - 1n;
    if (value <= -(2 ** 63)) return -(2n ** 63n);
    return BigInt(Math.trunc(value));
  }
  const integral =
    value.scale <= 0
      ? value.unscaled * 10n ** BigInt(-value.scale)
      : value.unscaled / 10n ** BigInt(value.scale);
  return BigInt.asIntN(64, integral);
}

/** Java `Number.intValue()`: doubles saturate at int range, longs wrap. */
function intValue(value: number | bigint | { unscaled: bigint; scale: number }): number {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 0;
    return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.trunc(value)));
  }
  return Number(BigInt.asIntN(32, longValue(value)));
}

function doubleValue(value: number | bigint | { unscaled: bigint; scale: number }): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return decimalToNumber(value);
}

function castTo(value: unknown, schema: Schema | null, target: SchemaType): unknown {
  const numeric = typeof value === 'number' || typeof value === 'bigint' || isDecimal(value);
  const num = value as number | bigint | { unscaled: bigint; scale: number };
  switch (target) {
    case 'int8':
      if (numeric) return (intValue(num) << 24) >> 24;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return Number(javaParseInteger(value, 8));
      return unexpected(value);
    case 'int16':
      if (numeric) return (intValue(num) << 16) >> 16;
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return Number(javaParseInteger(value, 16));
      return unexpected(value);
    case 'int32':
      if (numeric) return intValue(num);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return Number(javaParseInteger(value, 32));
      return unexpected(value);
    case 'int64':
      if (numeric) return longValue(num);
      if (typeof value === 'boolean') return value ? 1n : 0n;
      if (typeof value === 'string') return javaParseInteger(value, 64);
      return unexpected(value);
    case 'float32':
      if (numeric) return Math.fround(doubleValue(num));
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return Math.fround(javaParseDouble(value));
      return unexpected(value);
    case 'float64':
      if (numeric) return doubleValue(num);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') return javaParseDouble(value);
      return unexpected(value);
    case 'boolean':
      if (numeric) return longValue(num) !== 0n;
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') return value.toLowerCase() === 'true';
      return unexpected(value);
    case 'string':
      if (value instanceof Date) return formatTemporal(value);
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      if (isDecimal(value)) return formatJavaDecimal(value);
      if (typeof value === 'number' || typeof value === 'bigint') return formatJavaNumber(value, schema);
      return String(value);
    default:
      throw new DataException(`${target.toUpperCase()} is not supported in the Cast transformation.`);
  }
}
