import {
  arraySchema,
  dateSchema,
  decimalSchema,
  mapSchema,
  schemas,
  timeSchema,
  timestampSchema,
} from './builders.ts';
import { formatJavaDecimal, formatJavaFloat, parseJavaDecimal } from './java-format.ts';
import { formatJavaNumber, isDecimal } from './java-values.ts';
import { DataException, Struct, type Schema } from './schema.ts';
import type { SchemaAndValue } from '../api/plugins.ts';

/**
 * `org.apache.kafka.connect.data.Values`: the text forms SimpleHeaderConverter writes and reads, and that
 * InsertHeader's `value.literal` goes through. Dates print in UTC (Apache uses the JVM's default zone; the
 * conformance driver pins it to UTC).
 */
const MILLIS_PER_DAY = 86_400_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export function formatIsoDate(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}
export function formatIsoTime(date: Date): string {
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}
export function formatIsoTimestamp(date: Date): string {
  return `${formatIsoDate(date)}T${formatIsoTime(date)}`;
}

/** `Values.dateFormatFor(date).format(date)`: time for values within the first day, date at midnight, else timestamp. */
export function formatTemporal(date: Date): string {
  const millis = date.getTime();
  if (millis < MILLIS_PER_DAY) return formatIsoTime(date);
  if (millis % MILLIS_PER_DAY === 0) return formatIsoDate(date);
  return formatIsoTimestamp(date);
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function append(parts: string[], value: unknown, embedded: boolean, schema?: Schema | null): void {
  if (value === null || value === undefined) parts.push('null');
  else if (typeof value === 'number' || typeof value === 'bigint')
    parts.push(formatJavaNumber(value, schema));
  else if (isDecimal(value)) parts.push(formatJavaDecimal(value));
  else if (typeof value === 'boolean') parts.push(String(value));
  else if (typeof value === 'string') parts.push(embedded ? `"${escape(value)}"` : value);
  else if (value instanceof Uint8Array) {
    const encoded = Buffer.from(value).toString('base64');
    parts.push(embedded ? `"${encoded}"` : encoded);
  } else if (Array.isArray(value)) {
    parts.push('[');
    value.forEach((item, i) => {
      if (i > 0) parts.push(',');
      append(parts, item, true, schema?.valueSchema);
    });
    parts.push(']');
  } else if (value instanceof Map) {
    parts.push('{');
    let first = true;
    for (const [k, v] of value) {
      if (!first) parts.push(',');
      first = false;
      append(parts, k, true, schema?.keySchema);
      parts.push(':');
      append(parts, v, true, schema?.valueSchema);
    }
    parts.push('}');
  } else if (value instanceof Struct) {
    parts.push('{');
    (value.schema.fields ?? []).forEach((field, i) => {
      if (i > 0) parts.push(',');
      append(parts, field.name, true);
      parts.push(':');
      append(parts, value.get(field.name), true, field.schema);
    });
    parts.push('}');
  } else if (value instanceof Date) parts.push(formatTemporal(value));
  else throw new DataException(`Failed to serialize unexpected value type ${typeof value}: ${String(value)}`);
}

/** `Values.convertToString(schema, value)`; null stays null. */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const parts: string[] = [];
  append(parts, value, false, schema);
  return parts.join('');
}

const NULL_RESULT: SchemaAndValue = { schema: null, value: null };

function parseTemporal(token: string): SchemaAndValue | null {
  const text = token.replace(/\\:/g, ':');
  let match: RegExpExecArray | null;
  if (text.length === 13 && (match = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/.exec(text))) {
    const [, h, m, s, ms] = match;
    return {
      schema: timeSchema(),
      value: new Date(Date.UTC(1970, 0, 1, +h!, +m!, +s!, +ms!)),
    };
  }
  if (
    text.length === 24 &&
    (match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/.exec(text))
  ) {
    const [, y, mo, d, h, m, s, ms] = match;
    return {
      schema: timestampSchema(),
      value: new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +m!, +s!, +ms!)),
    };
  }
  if (text.length === 10 && (match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) {
    const [, y, mo, d] = match;
    return { schema: dateSchema(), value: new Date(Date.UTC(+y!, +mo! - 1, +d!)) };
  }
  return null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseNumber(token: string): SchemaAndValue | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) return null;
  const decimal = parseJavaDecimal(token);
  // An integral value: the smallest integer type that holds it.
  let integral: bigint | null = null;
  if (decimal.scale <= 0) integral = decimal.unscaled * 10n ** BigInt(-decimal.scale);
  else if (decimal.unscaled % 10n ** BigInt(decimal.scale) === 0n)
    integral = decimal.unscaled / 10n ** BigInt(decimal.scale);
  if (integral !== null && integral >= INT64_MIN && integral <= INT64_MAX) {
    const n = Number(integral);
    if (n >= -128 && n <= 127) return { schema: schemas.INT8, value: n };
    if (n >= -32768 && n <= 32767) return { schema: schemas.INT16, value: n };
    if (n >= -(2 ** 31) && n < 2 ** 31) return { schema: schemas.INT32, value: n };
    return { schema: schemas.INT64, value: integral };
  }
  const asDouble = Number(formatJavaDecimal(decimal).replace('E+', 'e').replace('E', 'e'));
  if (decimal.scale !== 0 && Number.isFinite(Math.fround(asDouble)))
    // a Java Float, kept as the double that prints the same (Float.toString's shortest digits)
    return { schema: schemas.FLOAT32, value: Number(formatJavaFloat(asDouble)) };
  if (decimal.scale !== 0 && Number.isFinite(asDouble)) return { schema: schemas.FLOAT64, value: asDouble };
  return { schema: decimalSchema(decimal.scale), value: decimal };
}

/** A small recursive reader for the embedded forms `[a,b]` and `{k:v}`; throws DataException when it can't. */
class EmbeddedParser {
  at = 0;
  constructor(readonly text: string) {}

  skip(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  value(): SchemaAndValue | null {
    this.skip();
    const char = this.text[this.at];
    if (char === '"') return this.quoted();
    if (char === '[') return this.array();
    if (char === '{') return this.map();
    const token = /[^,:\]}[{]*/y;
    token.lastIndex = this.at;
    const found = token.exec(this.text)![0];
    this.at += found.length;
    const trimmed = found.trim();
    if (trimmed === 'null') return null;
    if (trimmed === 'true') return { schema: schemas.BOOLEAN, value: true };
    if (trimmed === 'false') return { schema: schemas.BOOLEAN, value: false };
    const parsed = trimmed === '' ? null : parseNumber(trimmed);
    if (!parsed) throw new DataException('Failed to parse embedded value');
    return parsed;
  }

  quoted(): SchemaAndValue {
    this.at++;
    let content = '';
    while (this.at < this.text.length && this.text[this.at] !== '"') {
      if (this.text[this.at] === '\\' && this.at + 1 < this.text.length) this.at++;
      content += this.text[this.at++];
    }
    if (this.text[this.at] !== '"') throw new DataException('Unterminated string');
    this.at++;
    return parseTemporal(content) ?? { schema: schemas.STRING, value: content };
  }

  array(): SchemaAndValue {
    this.at++;
    const items: unknown[] = [];
    const itemSchemas: Array<Schema | null> = [];
    this.skip();
    if (this.text[this.at] === ']') {
      this.at++;
      return { schema: arraySchema(schemas.OPTIONAL_STRING), value: items };
    }
    for (;;) {
      const item = this.value();
      items.push(item?.value ?? null);
      itemSchemas.push(item?.schema ?? null);
      this.skip();
      const char = this.text[this.at++];
      if (char === ']') break;
      if (char !== ',') throw new DataException("Array elements missing ',' delimiter");
    }
    const common = commonSchema(itemSchemas);
    return {
      schema: arraySchema(common ?? schemas.OPTIONAL_STRING),
      value: items.map((item, i) => (itemSchemas[i] === null ? item : align(item, common))),
    };
  }

  map(): SchemaAndValue {
    this.at++;
    const result = new Map<unknown, unknown>();
    const keySchemas: Array<Schema | null> = [];
    const valueSchemas: Array<Schema | null> = [];
    this.skip();
    if (this.text[this.at] === '}') {
      this.at++;
      return { schema: mapSchema(schemas.OPTIONAL_STRING, schemas.OPTIONAL_STRING), value: result };
    }
    for (;;) {
      const key = this.value();
      if (!key || key.value === null)
        throw new DataException(`Map entry may not have a null key: ${this.text}`);
      this.skip();
      if (this.text[this.at++] !== ':') throw new DataException(`Map entry is missing ':' in ${this.text}`);
      const value = this.value();
      result.set(key.value, value?.value ?? null);
      keySchemas.push(key.schema);
      valueSchemas.push(value?.schema ?? null);
      this.skip();
      const char = this.text[this.at++];
      if (char === '}') break;
      if (char !== ',') throw new DataException(`Map is missing terminating '}': ${this.text}`);
    }
    const keySchema = commonSchema(keySchemas);
    const valueSchema = commonSchema(valueSchemas);
    const aligned = new Map<unknown, unknown>();
    let i = 0;
    for (const [k, v] of result) {
      aligned.set(align(k, keySchema), valueSchemas[i] === null ? v : align(v, valueSchema));
      i++;
    }
    return {
      schema: mapSchema(keySchema ?? schemas.OPTIONAL_STRING, valueSchema ?? schemas.OPTIONAL_STRING),
      value: aligned,
    };
  }
}

const NUMERIC_RANK = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'];

/**
 * Values' SchemaMerger: numeric schemas merge into the widest; anything else must agree exactly. Without a common
 * schema the elements keep their own Java types, which we carry by making integers `bigint` (they print as such).
 */
function commonSchema(found: Array<Schema | null>): Schema | null {
  const present = found.filter((schema): schema is Schema => schema !== null);
  if (present.length === 0) return null;
  const first = present[0]!;
  if (present.every((schema) => schema.name === undefined && NUMERIC_RANK.includes(schema.type))) {
    return present.reduce((wide, schema) =>
      NUMERIC_RANK.indexOf(schema.type) > NUMERIC_RANK.indexOf(wide.type) ? schema : wide,
    );
  }
  return present.every((schema) => schema.type === first.type && schema.name === first.name) ? first : null;
}

/** One element brought to the merged schema (or, without one, to a self-describing form). */
function align(value: unknown, schema: Schema | null): unknown {
  if (typeof value !== 'number') return value;
  if (schema === null) return Number.isInteger(value) ? BigInt(value) : value;
  if (schema.type === 'int64') return BigInt(value);
  return value;
}

/** `Values.parseString(text)`: infers the type (smallest integer, float, boolean, temporal, array, map) or a string. */
export function parseString(text: string | null): SchemaAndValue {
  if (text === null) return NULL_RESULT;
  if (text === '') return { schema: schemas.STRING, value: text };
  const trimmed = text.trim();
  if (trimmed === 'null') return NULL_RESULT;
  if (trimmed === 'true') return { schema: schemas.BOOLEAN, value: true };
  if (trimmed === 'false') return { schema: schemas.BOOLEAN, value: false };
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      const parser = new EmbeddedParser(trimmed);
      const result = parser.value();
      parser.skip();
      if (result && parser.at === trimmed.length) return result;
    } catch {
      // not an array or map after all: a string, as Apache falls back
    }
  }
  if (trimmed === '') return { schema: schemas.STRING, value: text };
  const first = trimmed[0]!;
  if (/\d/.test(first)) {
    const temporal = parseTemporal(trimmed);
    if (temporal) return temporal;
  }
  if (/[\d+-]/.test(first)) {
    const number = parseNumber(trimmed);
    if (number) return number;
  }
  return { schema: schemas.STRING, value: text };
}
