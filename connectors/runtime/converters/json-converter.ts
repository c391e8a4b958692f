import { readConfig, type ConfigKey } from '../api/config.ts';
import type { Converter, HeaderConverter, Props, SchemaAndValue } from '../api/plugins.ts';
import type { Header } from '../api/records.ts';
import { formatJavaDecimal, formatJavaDouble, formatJavaFloat } from '../data/java-format.ts';
import { isDecimal, javaClassDescription } from '../data/java-values.ts';
import {
  jsonNodeType,
  parseJson,
  parseObjectMembers,
  parseSchemalessJson,
  quoteJson,
  type JsonNode,
} from '../data/json.ts';
import { encodeDecimalBytes, fromLogicalDate, fromLogicalTime, toJavaInt } from '../data/logical.ts';
import {
  DataException,
  Struct,
  logicalNames,
  type Field,
  type Schema,
  type SchemaType,
} from '../data/schema.ts';
import {
  decodeBase64,
  doubleOf,
  invalidType,
  jsonDouble,
  keyText,
  logicalToConnect,
  numberOf,
  schemalessToConnect,
  schemalessType,
  toJavaLong,
} from './json-nodes.ts';
import { schemaFromJson, schemaToJson } from './json-schema.ts';

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
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `JsonConverterConfig`'s keys, read through the one typed parse (a bad value throws ConfigException). */
const jsonConverterKeys: ConfigKey[] = [
  {
    name: 'schemas.enable',
    type: 'BOOLEAN',
    default: true,
    importance: 'HIGH',
    documentation: 'Include schemas within each of the serialized values and keys.',
  },
  {
    name: 'schemas.cache.size',
    type: 'INT',
    default: 1000,
    importance: 'HIGH',
    documentation: 'The maximum number of schemas that can be cached in this converter instance.',
  },
  {
    name: 'decimal.format',
    type: 'STRING',
    default: 'BASE64',
    importance: 'LOW',
    documentation: 'Controls which format this converter will serialize decimals in.',
    validate: (value) =>
      typeof value === 'string' && /^(BASE64|NUMERIC)$/i.test(value)
        ? undefined
        : `Invalid value ${String(value)} for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC`,
  },
  {
    name: 'replace.null.with.default',
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value.',
  },
];

/** `"name"` of each field, quoted once per schema rather than once per record. */
const quotedNames = new WeakMap<Field[], string[]>();

function quotedFieldNames(fields: Field[]): string[] {
  let names = quotedNames.get(fields);
  if (names === undefined || names.length !== fields.length) {
    names = fields.map((field) => quoteJson(field.name));
    quotedNames.set(fields, names);
  }
  return names;
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
  /**
   * The texts of the last schemas parsed: an envelope whose schema is one of them is recognised by comparing
   * (the same string comes back, so the cache lookup does not hash hundreds of characters again).
   */
  private readonly recentSchemaTexts: string[] = [];

  configure(props: Props, _isKey?: boolean): void {
    const read = readConfig({ keys: jsonConverterKeys }, props);
    this.options = {
      schemasEnable: read.boolean('schemas.enable'),
      decimalFormat: read.string('decimal.format').toUpperCase() as 'BASE64' | 'NUMERIC',
      replaceNullWithDefault: read.boolean('replace.null.with.default'),
    };
    const size = read.int('schemas.cache.size');
    this.schemaCacheSize = size > 0 ? size : 1000;
  }

  fromConnectData(
    topic: string,
    schema: Schema | null,
    value: unknown,
    _headers?: Header[],
  ): Uint8Array | null {
    const text = this.serialize(schema, value);
    // Buffer.from is several times faster than TextEncoder for short texts (it slices a shared pool).
    return text === null ? null : Buffer.from(text, 'utf8');
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
    if (!this.options.schemasEnable) return { schema: null, value: this.parse(parseSchemalessJson, text) };
    const envelope = this.parse(
      (envelopeText) => parseObjectMembers(envelopeText, SCHEMA_MEMBER, this.recentSchemaTexts),
      text,
    );
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

  private parse<T>(read: (text: string) => T, text: string): T {
    try {
      return read(text);
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
    const schema = this.asConnectSchema(this.parse(parseJson, text));
    if (schema !== null) {
      if (this.schemaParseCache.size >= this.schemaCacheSize) {
        this.schemaParseCache.delete(this.schemaParseCache.keys().next().value!);
      }
      this.schemaParseCache.set(text, schema);
      this.recentSchemaTexts.unshift(text);
      this.recentSchemaTexts.length = Math.min(this.recentSchemaTexts.length, 4);
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
    return schemaToJson(schema, this.schemaJsonCache, (s, v) => this.valueJson(s, v));
  }

  asConnectSchema(node: JsonNode): Schema | null {
    return schemaFromJson(node, (s, n) => this.toConnect(s, n));
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
          struct.putField(field, value);
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
          // A string key is its own text (what quoting it and reading it back with keyText gives).
          const plainKeys =
            keySchema === null || (keySchema.type === 'string' && keySchema.name === undefined);
          for (const [k, v] of entries) {
            const key = plainKeys && typeof k === 'string' ? k : keyText(this.valueJson(keySchema, k));
            seen.set(key, this.valueJson(valueSchema, v));
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
        const fields = schema.fields ?? [];
        const names = quotedFieldNames(fields);
        let text = '{';
        for (let i = 0; i < fields.length; i++) {
          const field = fields[i]!;
          text += `${i > 0 ? ',' : ''}${names[i]}:${this.valueJson(field.schema, value.fieldValue(field))}`;
        }
        return `${text}}`;
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
