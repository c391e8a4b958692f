import { DataException, logicalNames, type Field, type Schema, type SchemaType } from './schema.ts';

/** `org.apache.kafka.connect.errors.SchemaBuilderException`, e.g. a field name used twice. */
export class SchemaBuilderException extends DataException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.SchemaBuilderException';
}

/** `SchemaBuilder.field` refuses a name twice; check a field list the way it does. */
export function requireUniqueFieldNames(names: Iterable<string>): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      throw new SchemaBuilderException(`Cannot create field because of field name duplication ${name}`);
    seen.add(name);
  }
}

/**
 * Schema constructors (Kafka's `SchemaBuilder` and `Schema.*_SCHEMA` constants) as plain functions: schemas are
 * immutable plain objects, so "building" is spreading.
 */
export function primitive(type: SchemaType, optional = false): Schema {
  return { type, optional };
}

export const schemas = {
  INT8: primitive('int8'),
  INT16: primitive('int16'),
  INT32: primitive('int32'),
  INT64: primitive('int64'),
  FLOAT32: primitive('float32'),
  FLOAT64: primitive('float64'),
  BOOLEAN: primitive('boolean'),
  STRING: primitive('string'),
  BYTES: primitive('bytes'),
  OPTIONAL_INT8: primitive('int8', true),
  OPTIONAL_INT16: primitive('int16', true),
  OPTIONAL_INT32: primitive('int32', true),
  OPTIONAL_INT64: primitive('int64', true),
  OPTIONAL_FLOAT32: primitive('float32', true),
  OPTIONAL_FLOAT64: primitive('float64', true),
  OPTIONAL_BOOLEAN: primitive('boolean', true),
  OPTIONAL_STRING: primitive('string', true),
  OPTIONAL_BYTES: primitive('bytes', true),
} as const;

/** A struct schema from `[name, schema]` pairs, in order. */
export function structSchema(
  fields: Array<[string, Schema]>,
  options: { optional?: boolean; name?: string; version?: number; doc?: string } = {},
): Schema {
  const schema: Schema = {
    type: 'struct',
    optional: options.optional ?? false,
    fields: fields.map(([name, fieldSchema], index): Field => ({ name, index, schema: fieldSchema })),
  };
  if (options.name !== undefined) schema.name = options.name;
  if (options.version !== undefined) schema.version = options.version;
  if (options.doc !== undefined) schema.doc = options.doc;
  return schema;
}

export function arraySchema(items: Schema, optional = false): Schema {
  return { type: 'array', optional, valueSchema: items };
}

export function mapSchema(keys: Schema, values: Schema, optional = false): Schema {
  return { type: 'map', optional, keySchema: keys, valueSchema: values };
}

export function timestampSchema(optional = false): Schema {
  return { type: 'int64', optional, name: logicalNames.timestamp, version: 1 };
}
export function dateSchema(optional = false): Schema {
  return { type: 'int32', optional, name: logicalNames.date, version: 1 };
}
export function timeSchema(optional = false): Schema {
  return { type: 'int32', optional, name: logicalNames.time, version: 1 };
}
export function decimalSchema(scale: number, optional = false): Schema {
  return {
    type: 'bytes',
    optional,
    name: logicalNames.decimal,
    version: 1,
    parameters: { scale: String(scale) },
  };
}

/**
 * `SchemaUtil.copySchemaBasics`: name, version, doc and parameters onto a new (required) schema of `type`; like
 * Apache's, it does not copy optionality, fields or the default.
 */
export function copySchemaBasics(source: Schema, type: SchemaType = source.type): Schema {
  const copy: Schema = { type, optional: false };
  if (source.name !== undefined) copy.name = source.name;
  if (source.version !== undefined) copy.version = source.version;
  if (source.doc !== undefined) copy.doc = source.doc;
  if (source.parameters !== undefined) copy.parameters = { ...source.parameters };
  return copy;
}

/** Adds fields to a struct schema copy (builder style): returns a new schema. */
export function withFields(base: Schema, fields: Array<[string, Schema]>): Schema {
  return {
    ...base,
    fields: fields.map(([name, schema], index) => ({ name, index, schema })),
  };
}

export function isLogical(schema: Schema | null | undefined, name: string): boolean {
  return schema?.name === name;
}

/** Structural equality of schemas (Java's ConnectSchema.equals), default values compared loosely. */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc
  )
    return false;
  if (JSON.stringify(a.parameters ?? null) !== JSON.stringify(b.parameters ?? null)) return false;
  if (!schemaEquals(a.keySchema, b.keySchema) || !schemaEquals(a.valueSchema, b.valueSchema)) return false;
  const af = a.fields ?? [];
  const bf = b.fields ?? [];
  if (af.length !== bf.length) return false;
  return af.every((field, i) => field.name === bf[i]!.name && schemaEquals(field.schema, bf[i]!.schema));
}
