import { DataException } from '../api/errors.ts';
/**
 * Kafka Connect's data model (`org.apache.kafka.connect.data`): schemas, structs and the Java value types they
 * carry, so that converters and transforms behave as Apache's do.
 *
 * Java's numeric types matter at the edges (`10` is a Long, `10.0` a Double, and Jackson prints them
 * differently), so values follow one convention everywhere:
 * - int8, int16, int32, float32, float64 → `number`
 * - int64 → `bigint` (schemaless JSON integers are int64, as in Apache's JsonConverter)
 * - schemaless JSON numbers with a fraction or exponent → `number` (a Java Double)
 * - boolean → `boolean`, string → `string`, bytes → `Uint8Array` (Buffer)
 * - array → `unknown[]`, map → `Map<unknown, unknown>` when the schema has non-string keys, otherwise a plain
 *   object is accepted for string-keyed maps; schemaless JSON objects → `Map<string, unknown>` (a Java HashMap)
 * - struct → `Struct`
 * - logical types: Date, Time, Timestamp → `Date`; Decimal → `Decimal` ({ unscaled: bigint, scale })
 */
export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

/** Every schema type, in the order of Java's `Schema.Type` enum (error messages list types in this order). */
export const schemaTypes: readonly SchemaType[] = [
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'boolean',
  'string',
  'bytes',
  'array',
  'map',
  'struct',
];

export interface Field {
  name: string;
  index: number;
  schema: Schema;
}

export interface Schema {
  type: SchemaType;
  optional: boolean;
  defaultValue?: unknown;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  /** struct only, in declaration order */
  fields?: Field[];
  /** map only */
  keySchema?: Schema;
  /** array and map */
  valueSchema?: Schema;
}

export const logicalNames = {
  decimal: 'org.apache.kafka.connect.data.Decimal',
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
} as const;

export interface Decimal {
  unscaled: bigint;
  scale: number;
}

/**
 * Fields by name per schema (Apache's ConnectSchema keeps a map too), built on first lookup; a fields array that
 * grew since (schemas are built by pushing fields) is indexed again.
 */
const fieldIndexes = new WeakMap<Field[], { length: number; byName: Map<string, Field> }>();

/** A Kafka Connect Struct: values by field, validated against its schema on `put` and `validate()`. */
export class Struct {
  readonly schema: Schema;
  private readonly values: unknown[];

  constructor(schema: Schema) {
    if (schema.type !== 'struct') throw new TypeError(`Not a struct schema: ${schema.type}`);
    this.schema = schema;
    this.values = new Array(schema.fields?.length ?? 0).fill(null);
  }

  field(name: string): Field | undefined {
    const fields = this.schema.fields;
    if (fields === undefined) return undefined;
    let index = fieldIndexes.get(fields);
    if (index === undefined || index.length !== fields.length) {
      index = { length: fields.length, byName: new Map() };
      for (const field of fields) if (!index.byName.has(field.name)) index.byName.set(field.name, field);
      fieldIndexes.set(fields, index);
    }
    return index.byName.get(name);
  }

  /** Like Java's `Struct.get(String)`: the default value substitutes for a null when the field has one. */
  get(name: string): unknown {
    const field = this.requireField(name);
    const value = this.values[field.index];
    return value === null || value === undefined ? (field.schema.defaultValue ?? null) : value;
  }

  /** Java's `getWithoutDefault` — what transforms read when `replace.null.with.default=false`. */
  getWithoutDefault(name: string): unknown {
    return this.values[this.requireField(name).index] ?? null;
  }

  put(name: string, value: unknown): this {
    this.values[this.requireField(name).index] = value;
    return this;
  }

  /** `getWithoutDefault` for one of this struct's own fields, by position (no lookup by name). */
  fieldValue(field: Field): unknown {
    return this.values[field.index] ?? null;
  }

  /** Java's `put(Field, Object)`: one of this struct's own fields, by position. */
  putField(field: Field, value: unknown): this {
    this.values[field.index] = value;
    return this;
  }

  private requireField(name: string): Field {
    const field = this.field(name);
    // Apache: DataException "<name> is not a valid field name"
    if (!field) throw new DataException(`${name} is not a valid field name`);
    return field;
  }
}

export { DataException } from '../api/errors.ts';
