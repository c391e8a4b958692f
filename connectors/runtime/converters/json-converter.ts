import type { Converter, HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import { SchemaBuilderException } from '../data/builders.ts';
import type { Header } from '../api/records.ts';
import { formatJavaDecimal, formatJavaDouble, formatJavaFloat } from '../data/java-format.ts';
import { isDecimal, javaClassDescription } from '../data/java-values.ts';
import {
  JsonDouble,
  jsonNodeType,
  parseJson,
  parseObjectMembers,
  quoteJson,
  type JsonNode,
} from '../data/json.ts';
import {
  decodeDecimalBytes,
  encodeDecimalBytes,
  fromLogicalDate,
  fromLogicalTime,
  toJavaInt,
} from '../data/logical.ts';
import { DataException, Struct, logicalNames, type Schema, type SchemaType } from '../data/schema.ts';

/**
 * `org.apache.kafka.connect.json.JsonConverter`, byte-for-byte where it shows: the `{"schema","payload"}` envelope,
 * the schema JSON, logical types, Java number text (`100.0`, `1.0E20`) and Apache's DataException messages.
 * JSON is read with our own parser so that `10` (int64) and `10.0` (float64) stay apart, as Jackson keeps them.
 */
export interface JsonConverterOptions {
  schemasEnable: boolean;
  decimalFormat: 'BASE64' | 'NUMERIC';
  replaceNullWithDefault: boolean;
}

const ENVELOPE_MESSAGE =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const SCHEMA_MEMBER: ReadonlySet<string> = new Set(['schema']);
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseJsonConverterOptions(props: Props): JsonConverterOptions {
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = props[key];
    if (raw === undefined || raw === null) return fallback;
    const text = String(raw).trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new DataException(
      `Invalid value ${raw} for configuration ${key}: Expected value to be either true or false`,
    );
  };
  const format = String(props['decimal.format'] ?? 'BASE64').toUpperCase();
  if (format !== 'BASE64' && format !== 'NUMERIC') {
    throw new DataException(
      `Invalid value ${props['decimal.format']} for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC`,
    );
  }
  return {
    schemasEnable: bool('schemas.enable', true),
    decimalFormat: format,
    replaceNullWithDefault: bool('replace.null.with.default', true),
  };
}

export class JsonConverter implements Converter, HeaderConverter {
  options: JsonConverterOptions = {
    schemasEnable: true,
    decimalFormat: 'BASE64',
    replaceNullWithDefault: true,
  };
  // Schemas are immutable objects, so their JSON text can be cached by identity (Apache caches too).
  private readonly schemaJsonCache = new WeakMap<Schema, string>();
  private readonly schemaParseCache = new Map<string, Schema>();
  private schemaCacheSize = 1000;

  configure(props: Props, _isKey?: boolean): void {
    this.options = parseJsonConverterOptions(props);
    const size = Number.parseInt(String(props['schemas.cache.size'] ?? '1000'), 10);
    this.schemaCacheSize = Number.isFinite(size) && size > 0 ? size : 1000;
  }

  fromConnectData(
    topic: string,
    schema: Schema | null,
    value: unknown,
    _headers?: Header[],
  ): Uint8Array | null {
    const text = this.serialize(schema, value);
    return text === null ? null : encoder.encode(text);
  }

  /** The JSON text `fromConnectData` would write (null for a tombstone). */
  serialize(schema: Schema | null, value: unknown): string | null {
    if (schema === null && (value === null || value === undefined)) return null;
    const payload = this.valueJson(schema, value);
    if (!this.options.schemasEnable) return payload;
    return `{"schema":${schema === null ? 'null' : this.schemaJson(schema)},"payload":${payload}}`;
  }

  toConnectData(topic: string, bytes: Uint8Array | null, _headers?: Header[]): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: null, value: null };
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      throw new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ', {
        cause: error,
      });
    }
    return this.deserialize(text);
  }

  /** What `toConnectData` reads from JSON text. */
  deserialize(text: string): SchemaAndValue {
    if (text.trim() === '') {
      // Jackson reads empty content as a MissingNode
      if (this.options.schemasEnable) throw new DataException(ENVELOPE_MESSAGE);
      return { schema: null, value: null };
    }
    if (!this.options.schemasEnable) {
      return {
        schema: null,
        value: this.toConnect(
          null,
          this.parse(() => parseJson(text)),
        ),
      };
    }
    const envelope = this.parse(() => parseObjectMembers(text, SCHEMA_MEMBER));
    if (
      envelope === undefined ||
      envelope.values.size + envelope.texts.size !== 2 ||
      !envelope.texts.has('schema') ||
      !envelope.values.has('payload')
    ) {
      throw new DataException(ENVELOPE_MESSAGE);
    }
    const schema = this.schemaFromText(envelope.texts.get('schema')!);
    return { schema, value: this.toConnect(schema, envelope.values.get('payload')) };
  }

  private parse<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw new DataException('Converting byte[] to Kafka Connect data failed due to serialization error: ', {
        cause: error,
      });
    }
  }

  /**
   * The schema of an envelope, cached by its JSON text like Apache's `schemas.cache.size` cache: the same text
   * gives the same Schema object, so every identity-keyed cache downstream (transforms, serializer) hits.
   */
  private schemaFromText(text: string): Schema | null {
    const cached = this.schemaParseCache.get(text);
    if (cached !== undefined) return cached;
    const schema = this.asConnectSchema(this.parse(() => parseJson(text)));
    if (schema !== null) {
      if (this.schemaParseCache.size >= this.schemaCacheSize) {
        this.schemaParseCache.delete(this.schemaParseCache.keys().next().value!);
      }
      this.schemaParseCache.set(text, schema);
    }
    return schema;
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _key: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  // ------------------------------------------------------------------------------------------- schemas

  schemaJson(schema: Schema): string {
    const cached = this.schemaJsonCache.get(schema);
    if (cached !== undefined) return cached;
    const parts: string[] = [`"type":"${jsonTypeName(schema.type)}"`];
    if (schema.type === 'array') parts.push(`"items":${this.schemaJson(schema.valueSchema!)}`);
    if (schema.type === 'map') {
      parts.push(`"keys":${this.schemaJson(schema.keySchema!)}`);
      parts.push(`"values":${this.schemaJson(schema.valueSchema!)}`);
    }
    if (schema.type === 'struct') {
      const fields = (schema.fields ?? []).map((field) => {
        const inner = this.schemaJson(field.schema);
        return `${inner.slice(0, -1)},"field":${quoteJson(field.name)}}`;
      });
      parts.push(`"fields":[${fields.join(',')}]`);
    }
    parts.push(`"optional":${schema.optional}`);
    if (schema.name !== undefined) parts.push(`"name":${quoteJson(schema.name)}`);
    if (schema.version !== undefined) parts.push(`"version":${schema.version}`);
    if (schema.doc !== undefined) parts.push(`"doc":${quoteJson(schema.doc)}`);
    if (schema.parameters !== undefined) {
      const params = Object.entries(schema.parameters).map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`);
      parts.push(`"parameters":{${params.join(',')}}`);
    }
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      parts.push(`"default":${this.valueJson(schema, schema.defaultValue)}`);
    }
    const json = `{${parts.join(',')}}`;
    this.schemaJsonCache.set(schema, json);
    return json;
  }

  asConnectSchema(node: JsonNode): Schema | null {
    if (node === null) return null;
    const type = node instanceof Map ? node.get('type') : undefined;
    if (typeof type !== 'string') throw new DataException("Schema must contain 'type' field");
    const json = node as Map<string, JsonNode>;
    let schema: Schema;
    switch (type) {
      case 'boolean':
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
      case 'string':
      case 'bytes':
        schema = { type, optional: false };
        break;
      case 'float':
        schema = { type: 'float32', optional: false };
        break;
      case 'double':
        schema = { type: 'float64', optional: false };
        break;
      case 'array': {
        const items = json.get('items');
        if (items === undefined || items === null)
          throw new DataException('Array schema did not specify the element type');
        schema = { type: 'array', optional: false, valueSchema: this.asConnectSchema(items)! };
        break;
      }
      case 'map': {
        const keys = json.get('keys');
        if (keys === undefined) throw new DataException('Map schema did not specify the key type');
        const values = json.get('values');
        if (values === undefined) throw new DataException('Map schema did not specify the value type');
        schema = {
          type: 'map',
          optional: false,
          keySchema: this.asConnectSchema(keys)!,
          valueSchema: this.asConnectSchema(values)!,
        };
        break;
      }
      case 'struct': {
        const fields = json.get('fields');
        if (!Array.isArray(fields))
          throw new DataException('Struct schema\'s "fields" argument is not an array.');
        const seen = new Set<string>();
        schema = { type: 'struct', optional: false, fields: [] };
        for (const field of fields) {
          const name = field instanceof Map ? field.get('field') : undefined;
          if (typeof name !== 'string')
            throw new DataException("Struct schema's field name not specified properly");
          if (seen.has(name))
            throw new SchemaBuilderException(`Cannot create field because of field name duplication ${name}`);
          seen.add(name);
          schema.fields!.push({ name, index: schema.fields!.length, schema: this.asConnectSchema(field)! });
        }
        break;
      }
      default:
        throw new DataException(`Unknown schema type: ${type}`);
    }
    schema.optional = json.get('optional') === true;
    const name = json.get('name');
    if (typeof name === 'string') schema.name = name;
    const version = json.get('version');
    if (typeof version === 'bigint') schema.version = toJavaInt(version);
    const doc = json.get('doc');
    if (typeof doc === 'string') schema.doc = doc;
    const params = json.get('parameters');
    if (params instanceof Map) {
      schema.parameters = {};
      for (const [k, v] of params) {
        if (typeof v !== 'string') throw new DataException('Schema parameters must have string values.');
        schema.parameters[k] = v;
      }
    }
    const fallback = json.get('default');
    if (fallback !== undefined) {
      const value = this.toConnect(schema, fallback);
      if (value !== null) schema.defaultValue = value;
    }
    return schema;
  }

  // -------------------------------------------------------------------------------------- JSON → Connect

  toConnect(schema: Schema | null, node: JsonNode | undefined): unknown {
    if (schema === null) return schemalessToConnect(node);
    if (node === undefined || node === null) {
      if (
        schema.defaultValue !== undefined &&
        schema.defaultValue !== null &&
        this.options.replaceNullWithDefault
      )
        return schema.defaultValue;
      if (schema.optional) return null;
      throw new DataException(`Invalid null value for required ${schema.type.toUpperCase()} field`);
    }
    if (schema.name !== undefined) {
      const logical = logicalToConnect(schema, node);
      if (logical !== undefined) return logical;
    }
    switch (schema.type) {
      case 'boolean':
        return node === true;
      case 'int8':
        return (toJavaInt(numberOf(node)) << 24) >> 24;
      case 'int16':
        return (toJavaInt(numberOf(node)) << 16) >> 16;
      case 'int32':
        return toJavaInt(numberOf(node));
      case 'int64':
        return toJavaLong(numberOf(node));
      case 'float32':
        return Math.fround(Number(doubleOf(node)));
      case 'float64':
        return doubleOf(node);
      case 'bytes':
        if (typeof node !== 'string') return null;
        return decodeBase64(node);
      case 'string':
        return typeof node === 'string' ? node : null;
      case 'array': {
        const items = Array.isArray(node) ? node : node instanceof Map ? [...node.values()] : [];
        return items.map((item) => this.toConnect(schema.valueSchema!, item));
      }
      case 'map': {
        const result = new Map<unknown, unknown>();
        if (schema.keySchema!.type === 'string') {
          if (!(node instanceof Map))
            throw new DataException(
              `Maps with string fields should be encoded as JSON objects, but found ${jsonNodeType(node)}`,
            );
          for (const [k, v] of node) result.set(k, this.toConnect(schema.valueSchema!, v));
        } else {
          if (!Array.isArray(node))
            throw new DataException(
              `Maps with non-string fields should be encoded as JSON array of tuples, but found ${jsonNodeType(node)}`,
            );
          for (const entry of node) {
            if (!Array.isArray(entry))
              throw new DataException(
                `Found invalid map entry instead of array tuple: ${jsonNodeType(entry)}`,
              );
            if (entry.length !== 2)
              throw new DataException(
                `Found invalid map entry, expected length 2 but found :${entry.length}`,
              );
            result.set(
              this.toConnect(schema.keySchema!, entry[0]),
              this.toConnect(schema.valueSchema!, entry[1]),
            );
          }
        }
        return result;
      }
      case 'struct': {
        if (!(node instanceof Map))
          throw new DataException(
            `Structs should be encoded as JSON objects, but found ${jsonNodeType(node)}`,
          );
        const struct = new Struct(schema);
        for (const field of schema.fields ?? []) {
          const value = this.toConnect(field.schema, node.get(field.name));
          if (value === null && !field.schema.optional && field.schema.defaultValue === undefined) {
            throw new DataException(
              `Invalid value: null used for required field: "${field.name}", schema type: ${field.schema.type.toUpperCase()}`,
            );
          }
          struct.put(field.name, value);
        }
        return struct;
      }
    }
  }

  // -------------------------------------------------------------------------------------- Connect → JSON

  valueJson(schema: Schema | null, value: unknown): string {
    if (value === null || value === undefined) {
      if (schema === null) return 'null';
      if (
        schema.defaultValue !== undefined &&
        schema.defaultValue !== null &&
        this.options.replaceNullWithDefault
      )
        return this.valueJson(schema, schema.defaultValue);
      if (schema.optional) return 'null';
      throw new DataException(
        'Conversion error: null value for field that is required and has no default value',
      );
    }
    if (schema?.name !== undefined) {
      const logical = this.logicalJson(schema, value);
      if (logical !== undefined) return logical;
    }
    const type: SchemaType | undefined = schema ? schema.type : schemalessType(value);
    if (type === undefined) {
      throw new DataException(
        `Java class ${javaClassDescription(value)} does not have corresponding schema type.`,
      );
    }
    switch (type) {
      case 'int8':
      case 'int16':
      case 'int32':
        return typeof value === 'number' ? String(value) : invalidType(schema, value);
      case 'int64':
        return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))
          ? String(value)
          : invalidType(schema, value);
      case 'float32':
        return typeof value === 'number' ? jsonDouble(value, formatJavaFloat) : invalidType(schema, value);
      case 'float64':
        return typeof value === 'number' ? jsonDouble(value, formatJavaDouble) : invalidType(schema, value);
      case 'boolean':
        return typeof value === 'boolean' ? String(value) : invalidType(schema, value);
      case 'string':
        return typeof value === 'string' ? quoteJson(value) : invalidType(schema, value);
      case 'bytes':
        return value instanceof Uint8Array
          ? `"${Buffer.from(value).toString('base64')}"`
          : invalidType(schema, value);
      case 'array': {
        if (!Array.isArray(value)) return invalidType(schema, value);
        const items = schema?.valueSchema ?? null;
        return `[${value.map((item) => this.valueJson(items, item)).join(',')}]`;
      }
      case 'map': {
        const entries: Array<[unknown, unknown]> =
          value instanceof Map
            ? [...value.entries()]
            : typeof value === 'object' && !(value instanceof Struct) && !Array.isArray(value)
              ? Object.entries(value as object)
              : invalidType(schema, value);
        const keySchema = schema?.keySchema ?? null;
        const valueSchema = schema?.valueSchema ?? null;
        const objectMode = schema
          ? keySchema!.type === 'string'
          : entries.every(([k]) => typeof k === 'string');
        if (objectMode) {
          const seen = new Map<string, string>();
          for (const [k, v] of entries) {
            seen.set(keyText(this.valueJson(keySchema, k)), this.valueJson(valueSchema, v));
          }
          return `{${[...seen].map(([k, v]) => `${quoteJson(k)}:${v}`).join(',')}}`;
        }
        return `[${entries
          .map(([k, v]) => `[${this.valueJson(keySchema, k)},${this.valueJson(valueSchema, v)}]`)
          .join(',')}]`;
      }
      case 'struct': {
        if (!(value instanceof Struct)) return invalidType(schema, value);
        if (schema === null) throw new DataException('Mismatching schema.');
        const parts = (schema.fields ?? []).map(
          (field) =>
            `${quoteJson(field.name)}:${this.valueJson(field.schema, value.getWithoutDefault(field.name))}`,
        );
        return `{${parts.join(',')}}`;
      }
    }
  }

  private logicalJson(schema: Schema, value: unknown): string | undefined {
    switch (schema.name) {
      case logicalNames.decimal:
        if (!isDecimal(value))
          throw new DataException(
            `Invalid type for Decimal, expected BigDecimal but was ${javaClassDescription(value, schema)}`,
          );
        return this.options.decimalFormat === 'NUMERIC'
          ? formatJavaDecimal(value)
          : `"${Buffer.from(encodeDecimalBytes(schema, value)).toString('base64')}"`;
      case logicalNames.date:
        if (!(value instanceof Date))
          throw new DataException(
            `Invalid type for Date, expected Date but was ${javaClassDescription(value, schema)}`,
          );
        return String(fromLogicalDate(value));
      case logicalNames.time:
        if (!(value instanceof Date))
          throw new DataException(
            `Invalid type for Time, expected Date but was ${javaClassDescription(value, schema)}`,
          );
        return String(fromLogicalTime(value));
      case logicalNames.timestamp:
        if (!(value instanceof Date))
          throw new DataException(
            `Invalid type for Timestamp, expected Date but was ${javaClassDescription(value, schema)}`,
          );
        return String(value.getTime());
      default:
        return undefined;
    }
  }
}

function invalidType(schema: Schema | null, value: unknown): never {
  throw new DataException(
    `Invalid type for ${schema ? schema.type.toUpperCase() : 'unknown schema'}: ${javaClassDescription(value)}`,
  );
}

/** Jackson `asText()` of a serialized key: strings unquoted, anything else as written. */
function keyText(json: string): string {
  return json.startsWith('"') ? (JSON.parse(json) as string) : json;
}

function jsonDouble(value: number, format: (n: number) => string): string {
  // Jackson writes NaN and infinities as quoted strings unless told otherwise
  return Number.isFinite(value) ? format(value) : `"${format(value)}"`;
}

function jsonTypeName(type: SchemaType): string {
  return type === 'float32' ? 'float' : type === 'float64' ? 'double' : type;
}

function schemalessType(value: unknown): SchemaType | undefined {
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Struct) return 'struct';
  return undefined;
}

function schemalessToConnect(node: JsonNode | undefined): unknown {
  if (node === undefined || node === null) return null;
  if (typeof node === 'bigint') return BigInt.asIntN(64, node);
  if (node instanceof JsonDouble) return node.value;
  if (Array.isArray(node)) return node.map(schemalessToConnect);
  if (node instanceof Map) {
    const result = new Map<string, unknown>();
    for (const [k, v] of node) result.set(k, schemalessToConnect(v));
    return result;
  }
  return node;
}

function numberOf(node: JsonNode): bigint | number {
  if (typeof node === 'bigint') return node;
  if (node instanceof JsonDouble) return node.value;
  return 0; // Jackson's intValue() of a non-number node
}

function doubleOf(node: JsonNode): number {
  return typeof node === 'bigint' ? Number(node) : node instanceof JsonDouble ? node.value : 0;
}

function toJavaLong(value: bigint | number): bigint {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (Number.isNaN(value)) return 0n;
  if (value >= 2 ** 63) return 2n ** 63n - 1n;
  if (value <= -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(value));
}

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(text)) throw new DataException('Invalid bytes field');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function logicalToConnect(schema: Schema, node: JsonNode): unknown {
  switch (schema.name) {
    case logicalNames.decimal: {
      if (typeof node === 'bigint') return { unscaled: node, scale: 0 };
      if (node instanceof JsonDouble) return decimalFromLexeme(node.lexeme);
      if (typeof node === 'string') {
        try {
          return decodeDecimalBytes(schema, decodeBase64(node));
        } catch (error) {
          throw new DataException('Invalid bytes for Decimal field', { cause: error });
        }
      }
      throw new DataException(
        `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${jsonNodeType(node)}`,
      );
    }
    case logicalNames.date:
      if (!isJacksonInt(node))
        throw new DataException(
          `Invalid type for Date, underlying representation should be integer but was ${jsonNodeType(node)}`,
        );
      return new Date(Number(node) * 86_400_000);
    case logicalNames.time:
      if (!isJacksonInt(node))
        throw new DataException(
          `Invalid type for Time, underlying representation should be integer but was ${jsonNodeType(node)}`,
        );
      if (node < 0n || node >= 86_400_000n)
        throw new DataException(
          'Time values must use number of milliseconds greater than 0 and less than 86400000',
        );
      return new Date(Number(node));
    case logicalNames.timestamp:
      if (typeof node !== 'bigint')
        throw new DataException(
          `Invalid type for Timestamp, underlying representation should be integral but was ${jsonNodeType(node)}`,
        );
      return new Date(Number(node));
    default:
      return undefined;
  }
}

/** Jackson parses integers that fit an int as IntNode; `isInt()` is true only for those. */
function isJacksonInt(node: JsonNode): node is bigint {
  return typeof node === 'bigint' && node >= -(2n ** 31n) && node < 2n ** 31n;
}

function decimalFromLexeme(lexeme: string): { unscaled: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lexeme)!;
  const fraction = match[3] ?? '';
  return {
    unscaled: BigInt(`${match[1]}${match[2]}${fraction}`),
    scale: fraction.length - Number(match[4] ?? 0),
  };
}
