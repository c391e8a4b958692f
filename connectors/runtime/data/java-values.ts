import { formatJavaDate, formatJavaDecimal, formatJavaDouble, formatJavaFloat } from './java-format.ts';
import { Struct, logicalNames, type Decimal, type Schema } from './schema.ts';

/**
 * Java's view of our values: which class a value would be (for error texts such as "found: java.lang.String") and
 * what `String.valueOf` prints (StringConverter, Struct.toString). Numbers need the schema to tell an int32 from a
 * float64; without one, `bigint` is a Long and `number` a Double (the schemaless JSON convention).
 */
export function isDecimal(value: unknown): value is Decimal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Decimal).unscaled === 'bigint' &&
    typeof (value as Decimal).scale === 'number'
  );
}

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** A plain object or a Map: the two forms a string-keyed map may take. */
export function isMapValue(value: unknown): value is Map<unknown, unknown> {
  return value instanceof Map;
}

const classBySchemaType: Record<string, string> = {
  int8: 'java.lang.Byte',
  int16: 'java.lang.Short',
  int32: 'java.lang.Integer',
  int64: 'java.lang.Long',
  float32: 'java.lang.Float',
  float64: 'java.lang.Double',
  boolean: 'java.lang.Boolean',
  string: 'java.lang.String',
  bytes: '[B',
  array: 'java.util.ArrayList',
  map: 'java.util.HashMap',
  struct: 'org.apache.kafka.connect.data.Struct',
};

export function javaClassName(value: unknown, schema?: Schema | null): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return 'java.util.Date';
  if (isDecimal(value)) return 'java.math.BigDecimal';
  if (schema && classBySchemaType[schema.type] && !schema.name) return classBySchemaType[schema.type]!;
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'number') return 'java.lang.Double';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (value instanceof Uint8Array) return '[B';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (value instanceof Map) return 'java.util.HashMap';
  if (value instanceof Struct) return 'org.apache.kafka.connect.data.Struct';
  return 'java.lang.Object';
}

/** `Class.toString()` form used by some messages: `class java.lang.String`. */
export function javaClassDescription(value: unknown, schema?: Schema | null): string {
  const name = javaClassName(value, schema);
  return name === 'null' ? 'null' : `class ${name}`;
}

/** Java text of a number given its schema type (or the schemaless convention). */
export function formatJavaNumber(value: number | bigint, schema?: Schema | null): string {
  if (typeof value === 'bigint') return value.toString();
  switch (schema?.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return String(Math.trunc(value));
    case 'float32':
      return formatJavaFloat(value);
    default:
      return formatJavaDouble(value);
  }
}

/**
 * `String.valueOf(value)` as Java would print our value (`{a=1, b=x}`, `[1, 2]`, `Struct{a=1}`). `mapKeys` gives
 * the order a map's entries print in (Java's HashMap iterates in hash order; default: the map's own order).
 */
export function javaToString(
  value: unknown,
  schema?: Schema | null,
  mapKeys?: (map: Map<unknown, unknown>) => Iterable<unknown>,
): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' || typeof value === 'bigint') return formatJavaNumber(value, schema);
  if (value instanceof Date) return formatJavaDate(value);
  if (isDecimal(value)) return formatJavaDecimal(value);
  if (value instanceof Uint8Array) return `[B@${hashHex(value)}`;
  if (Array.isArray(value)) {
    const itemSchema = schema?.valueSchema;
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ', ';
      text += javaToString(value[i], itemSchema, mapKeys);
    }
    return `${text}]`;
  }
  if (value instanceof Map) {
    const keySchema = schema?.keySchema;
    const valueSchema = schema?.valueSchema;
    let text = '{';
    let first = true;
    for (const k of mapKeys ? mapKeys(value) : value.keys()) {
      if (!first) text += ', ';
      first = false;
      text += `${javaToString(k, keySchema, mapKeys)}=${javaToString(value.get(k), valueSchema, mapKeys)}`;
    }
    return `${text}}`;
  }
  if (value instanceof Struct) {
    let text = 'Struct{';
    let first = true;
    for (const field of value.schema.fields ?? []) {
      const fieldValue = value.fieldValue(field);
      if (fieldValue === null) continue;
      if (!first) text += ',';
      first = false;
      text += `${field.name}=${javaToString(fieldValue, field.schema, mapKeys)}`;
    }
    return `${text}}`;
  }
  return String(value);
}

function hashHex(bytes: Uint8Array): string {
  let hash = 0;
  for (const byte of bytes) hash = (hash * 31 + byte) | 0;
  return (hash >>> 0).toString(16);
}

/** Whether a schema is one of the logical date/time types (values are JS `Date`s). */
export function isTemporalSchema(schema: Schema | null | undefined): boolean {
  const name = schema?.name;
  return name === logicalNames.date || name === logicalNames.time || name === logicalNames.timestamp;
}
