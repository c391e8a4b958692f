import { isSinkRecord, type ConnectRecord } from '../api/records.ts';
import { copySchemaBasics, requireUniqueFieldNames, schemas, timestampSchema } from '../data/builders.ts';
import { DataException, Struct, type Schema } from '../data/schema.ts';
import { replaceNullWithDefaultKey, type ConfigReader, type SpecFactory } from './config.ts';
import { ConfigException } from './errors.ts';
import {
  BaseTransformation,
  SchemaCache,
  fieldValue,
  putChecked,
  requireMap,
  requireStruct,
  type Side,
} from './support.ts';

const PURPOSE = 'field insertion';
const OPTIONALITY =
  'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';

const keys: SpecFactory = (p) => [
  {
    name: `${p}topic.field`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for Kafka topic. ${OPTIONALITY}`,
  },
  {
    name: `${p}partition.field`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for Kafka partition. ${OPTIONALITY}`,
  },
  {
    name: `${p}offset.field`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY}`,
  },
  {
    name: `${p}timestamp.field`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for record timestamp. ${OPTIONALITY}`,
  },
  {
    name: `${p}static.field`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for static data field. ${OPTIONALITY}`,
  },
  {
    name: `${p}static.value`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: 'Static field value, if field name configured.',
  },
  replaceNullWithDefaultKey(p),
];

interface InsertionSpec {
  name: string;
  optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

/** `org.apache.kafka.connect.transforms.InsertField$Key|$Value`. */
export class InsertField extends BaseTransformation {
  protected readonly keys = keys;
  private topic: InsertionSpec | null = null;
  private partition: InsertionSpec | null = null;
  private offset: InsertionSpec | null = null;
  private timestamp: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.topic = parseSpec(config.nullableString('topic.field'));
    this.partition = parseSpec(config.nullableString('partition.field'));
    this.offset = parseSpec(config.nullableString('offset.field'));
    this.timestamp = parseSpec(config.nullableString('timestamp.field'));
    this.staticField = parseSpec(config.nullableString('static.field'));
    this.staticValue = config.nullableString('static.value');
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
    if (!this.topic && !this.partition && !this.offset && !this.timestamp && !this.staticField) {
      throw new ConfigException('No field insertion configured');
    }
    if (this.staticField && this.staticValue === null) {
      throw new ConfigException(
        `Invalid value null for configuration static.value: No value specified for static field: ${specText(this.staticField)}`,
      );
    }
  }

  apply(record: ConnectRecord): ConnectRecord {
    const value = this.side.value(record);
    if (value === null || value === undefined) return record;
    if (this.side.schema(record) === null) return this.applySchemaless(record, value);
    return this.applyWithSchema(record, value);
  }

  private offsetOf(record: ConnectRecord): bigint {
    if (!isSinkRecord(record)) {
      throw new DataException(
        `Only SinkRecord supported for [${PURPOSE}], found: ${record === null ? 'null' : 'org.apache.kafka.connect.source.SourceRecord'}`,
      );
    }
    return BigInt(record.kafkaOffset);
  }

  private applySchemaless(record: ConnectRecord, raw: unknown): ConnectRecord {
    const updated = new Map(requireMap(raw, PURPOSE));
    if (this.topic) updated.set(this.topic.name, record.topic);
    if (this.partition && record.kafkaPartition !== null)
      updated.set(this.partition.name, BigInt(record.kafkaPartition));
    if (this.offset) updated.set(this.offset.name, this.offsetOf(record));
    if (this.timestamp && record.timestamp !== null)
      updated.set(this.timestamp.name, BigInt(record.timestamp));
    if (this.staticField && this.staticValue !== null) updated.set(this.staticField.name, this.staticValue);
    return this.side.with(record, null, updated);
  }

  private applyWithSchema(record: ConnectRecord, raw: unknown): ConnectRecord {
    const value = requireStruct(raw, PURPOSE);
    const schema = this.schemaCache.get(value.schema, (s) => this.updatedSchema(s));
    const updated = new Struct(schema);
    for (const field of value.schema.fields ?? []) {
      putChecked(updated, field.name, fieldValue(value, field.name, this.replaceNullWithDefault));
    }
    if (this.topic) putChecked(updated, this.topic.name, record.topic);
    if (this.partition && record.kafkaPartition !== null)
      putChecked(updated, this.partition.name, record.kafkaPartition);
    if (this.offset) putChecked(updated, this.offset.name, this.offsetOf(record));
    if (this.timestamp && record.timestamp !== null)
      putChecked(updated, this.timestamp.name, new Date(record.timestamp));
    if (this.staticField && this.staticValue !== null)
      putChecked(updated, this.staticField.name, this.staticValue);
    return this.side.with(record, schema, updated);
  }

  private updatedSchema(schema: Schema): Schema {
    const fields: Array<[string, Schema]> = (schema.fields ?? []).map((f) => [f.name, f.schema]);
    const add = (spec: InsertionSpec | null, required: Schema, optional: Schema): void => {
      if (spec) fields.push([spec.name, spec.optional ? optional : required]);
    };
    add(this.topic, schemas.STRING, schemas.OPTIONAL_STRING);
    add(this.partition, schemas.INT32, schemas.OPTIONAL_INT32);
    add(this.offset, schemas.INT64, schemas.OPTIONAL_INT64);
    add(this.timestamp, timestampSchema(), timestampSchema(true));
    add(this.staticField, schemas.STRING, schemas.OPTIONAL_STRING);
    requireUniqueFieldNames(fields.map(([name]) => name));
    const base = copySchemaBasics(schema, 'struct');
    return { ...base, fields: fields.map(([name, s], index) => ({ name, index, schema: s })) };
  }
}

function specText(spec: InsertionSpec): string {
  return `org.apache.kafka.connect.transforms.InsertField$InsertionSpec@${spec.name}`;
}
