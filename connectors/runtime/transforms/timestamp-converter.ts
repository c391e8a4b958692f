import type { ConnectRecord } from '../api/records.ts';
import { copySchemaBasics, dateSchema, schemas, timeSchema, timestampSchema } from '../data/builders.ts';
import { javaClassDescription } from '../data/java-values.ts';
import { DataException, Struct, logicalNames, type Schema } from '../data/schema.ts';
import { ConnectException } from '../api/errors.ts';
import { replaceNullWithDefaultKey, validString, type ConfigReader, type SpecFactory } from './config.ts';
import { ConfigException } from './errors.ts';
import { ParseError, SimpleDateFormat } from './simple-date-format.ts';
import {
  BaseTransformation,
  SchemaCache,
  fieldValue,
  putChecked,
  requireMap,
  requireStructOrNull,
  type Side,
} from './support.ts';

const PURPOSE = 'converting timestamp formats';
type TargetType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
type Precision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

const keys: SpecFactory = (p) => [
  {
    name: `${p}field`,
    type: 'STRING',
    default: '',
    importance: 'HIGH',
    documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
  },
  {
    name: `${p}target.type`,
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
    validate: validString('target.type', ['string', 'unix', 'Date', 'Time', 'Timestamp']),
  },
  {
    name: `${p}format`,
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.',
  },
  {
    name: `${p}unix.precision`,
    type: 'STRING',
    default: 'milliseconds',
    importance: 'LOW',
    documentation:
      'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
    validate: validString('unix.precision', ['nanoseconds', 'microseconds', 'milliseconds', 'seconds']),
  },
  replaceNullWithDefaultKey(p),
];

/** Java's `TimeUnit` conversions floor toward zero (integer division). */
function toMillis(value: bigint, precision: Precision): bigint {
  switch (precision) {
    case 'seconds':
      return value * 1000n;
    case 'microseconds':
      return value / 1000n;
    case 'nanoseconds':
      return value / 1_000_000n;
    default:
      return value;
  }
}
function fromMillis(value: bigint, precision: Precision): bigint {
  const saturate = (n: bigint): bigint =>
    n > 2n ** 63n - 1n ? 2n ** 63n - 1n : n < -(2n ** 63n) ? -(2n ** 63n) : n;
  switch (precision) {
    case 'seconds':
      return value / 1000n;
    case 'microseconds':
      return saturate(value * 1000n);
    case 'nanoseconds':
      return saturate(value * 1_000_000n);
    default:
      return value;
  }
}

/** `org.apache.kafka.connect.transforms.TimestampConverter$Key|$Value`. */
export class TimestampConverter extends BaseTransformation {
  protected readonly keys = keys;
  private field = '';
  private target: TargetType = 'Timestamp';
  private format: SimpleDateFormat | null = null;
  private precision: Precision = 'milliseconds';
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.field = config.nullableString('field') ?? '';
    this.target = config.nullableString('target.type') as TargetType;
    const pattern = config.nullableString('format') ?? '';
    this.precision = config.nullableString('unix.precision') as Precision;
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
    if (this.target === 'string' && pattern.trim() === '') {
      throw new ConfigException(
        'TimestampConverter requires format option to be specified when using string timestamps',
      );
    }
    this.format = null;
    if (pattern.trim() !== '') {
      try {
        this.format = new SimpleDateFormat(pattern);
      } catch (error) {
        // ConfigException(message, cause) lands in the (name, value) constructor, as in Apache
        throw new ConfigException(
          `Invalid value java.lang.IllegalArgumentException: ${(error as Error).message} for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern}`,
          { cause: error },
        );
      }
    }
  }

  private targetSchema(optional: boolean): Schema {
    switch (this.target) {
      case 'string':
        return optional ? schemas.OPTIONAL_STRING : schemas.STRING;
      case 'unix':
        return optional ? schemas.OPTIONAL_INT64 : schemas.INT64;
      case 'Date':
        return dateSchema(optional);
      case 'Time':
        return timeSchema(optional);
      default:
        return timestampSchema(optional);
    }
  }

  apply(record: ConnectRecord): ConnectRecord {
    const schema = this.side.schema(record);
    const raw = this.side.value(record);
    if (schema === null) {
      if (raw === null || raw === undefined || this.field === '')
        return this.side.with(record, null, this.convert(raw, null));
      const value = requireMap(raw, PURPOSE);
      const updated = new Map(value);
      updated.set(this.field, this.convert(value.get(this.field) ?? null, null));
      return this.side.with(record, null, updated);
    }
    if (this.field === '') {
      return this.side.with(
        record,
        this.targetSchema(schema.optional),
        this.convert(raw, typeFromSchema(schema)),
      );
    }
    const value = requireStructOrNull(raw, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) => {
      const built = copySchemaBasics(s, 'struct');
      built.fields = (s.fields ?? []).map((field, index) =>
        field.name === this.field
          ? { name: field.name, index, schema: this.targetSchema(field.schema.optional) }
          : field,
      );
      if (s.optional) built.optional = true;
      if (s.defaultValue instanceof Struct) built.defaultValue = this.convertStruct(s.defaultValue, built);
      return built;
    });
    return this.side.with(record, updatedSchema, this.convertStruct(value, updatedSchema));
  }

  private convertStruct(value: Struct | null, schema: Schema): Struct | null {
    if (value === null) return null;
    const updated = new Struct(schema);
    for (const field of value.schema.fields ?? []) {
      const original = fieldValue(value, field.name, this.replaceNullWithDefault);
      putChecked(
        updated,
        field.name,
        field.name === this.field ? this.convert(original, typeFromSchema(field.schema)) : original,
      );
    }
    return updated;
  }

  private convert(value: unknown, sourceType: TargetType | null): unknown {
    if (value === null || value === undefined) return null;
    const source = sourceType ?? inferType(value);
    const raw = this.toRaw(source, value);
    switch (this.target) {
      case 'string':
        return this.format!.format(raw);
      case 'unix':
        return fromMillis(BigInt(raw.getTime()), this.precision);
      case 'Date': {
        const day = new Date(raw.getTime());
        day.setUTCHours(0, 0, 0, 0);
        return day;
      }
      case 'Time': {
        const time = new Date(0);
        time.setUTCHours(
          raw.getUTCHours(),
          raw.getUTCMinutes(),
          raw.getUTCSeconds(),
          raw.getUTCMilliseconds(),
        );
        return time;
      }
      default:
        return raw;
    }
  }

  private toRaw(source: TargetType, value: unknown): Date {
    switch (source) {
      case 'string':
        if (!this.format)
          throw nullPointer(
            'Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null',
          );
        if (typeof value !== 'string')
          throw new DataException(
            `Expected string timestamp to be a String, but found ${javaClassDescription(value)}`,
          );
        try {
          return this.format!.parse(value);
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
          throw new DataException(
            `Could not parse timestamp: value (${value}) does not match pattern (${this.format!.toPattern()})`,
            { cause: error },
          );
        }
      case 'unix':
        if (typeof value !== 'bigint')
          throw new DataException(
            `Expected Unix timestamp to be a Long, but found ${javaClassDescription(value)}`,
          );
        return new Date(Number(toMillis(value, this.precision)));
      default:
        if (!(value instanceof Date))
          throw new DataException(
            `Expected ${source} to be a java.util.Date, but found ${javaClassDescription(value)}`,
          );
        return value;
    }
  }
}

function nullPointer(message: string): Error {
  return Object.assign(new Error(message), { javaClass: 'java.lang.NullPointerException' });
}

function typeFromSchema(schema: Schema): TargetType {
  if (schema.name === logicalNames.timestamp) return 'Timestamp';
  if (schema.name === logicalNames.date) return 'Date';
  if (schema.name === logicalNames.time) return 'Time';
  if (schema.type === 'string') return 'string';
  if (schema.type === 'int64') return 'unix';
  throw new ConnectException(
    `Schema ${schemaText(schema)} does not correspond to a known timestamp type format`,
  );
}

function schemaText(schema: Schema): string {
  return `Schema{${schema.name ? `${schema.name}:` : ''}${schema.type.toUpperCase()}}`;
}

function inferType(value: unknown): TargetType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint') return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataException(
    `TimestampConverter does not support ${javaClassDescription(value)} objects as timestamps`,
  );
}
