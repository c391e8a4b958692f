import type { ConnectRecord, Header } from '../../api/records.ts';
import { copySchemaBasics } from '../../data/builders.ts';
import { Struct, type Schema } from '../../data/schema.ts';
import { ConnectException } from '../../api/errors.ts';
import type { ConfigReader, SpecFactory } from '../config.ts';
import { validStringIgnoreCase } from '../config.ts';
import { BaseTransformation, SchemaCache, putChecked, requireStruct } from '../support.ts';

/**
 * Debezium's `io.debezium.transforms.ExtractNewRecordState` ("unwrap"), as of Debezium 3.0: replaces a change
 * event envelope (`before`, `after`, `source`, `op`, `ts_ms`) by its `after` state, with Debezium's handling of
 * deletes and tombstones, `add.fields` / `add.headers`, `route.by.field` and `drop.fields.*`.
 * Records without an `….Envelope` value schema pass through untouched.
 */
export const debeziumVersion = '3.0.8.Final';

type Mode = 'drop' | 'tombstone' | 'rewrite' | 'rewrite-with-tombstone' | 'unknown';

const keys: SpecFactory = (p) => [
  {
    name: `${p}delete.tombstone.handling.mode`,
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation:
      'How to handle delete records and tombstones: drop, tombstone (delete → tombstone, Debezium tombstones dropped), rewrite (delete → `before` with __deleted=true), rewrite-with-tombstone (rewrite and keep tombstones).',
  },
  {
    name: `${p}drop.tombstones`,
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Deprecated: drop tombstones (use delete.tombstone.handling.mode).',
  },
  {
    name: `${p}delete.handling.mode`,
    type: 'STRING',
    default: 'drop',
    importance: 'MEDIUM',
    documentation: 'Deprecated: drop (the default), rewrite or none (use delete.tombstone.handling.mode).',
    validate: validStringIgnoreCase('delete.handling.mode', ['drop', 'rewrite', 'none']),
  },
  {
    name: `${p}route.by.field`,
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation:
      'The column which determines how the events will be routed; the value will replace the topic name.',
  },
  {
    name: `${p}add.fields.prefix`,
    type: 'STRING',
    default: '__',
    importance: 'LOW',
    documentation: 'Prefix of the names of added fields.',
  },
  {
    name: `${p}add.fields`,
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation:
      'Fields of the change event to add to the record value, e.g. op,table,source.ts_ms (name:NEW renames).',
  },
  {
    name: `${p}add.headers.prefix`,
    type: 'STRING',
    default: '__',
    importance: 'LOW',
    documentation: 'Prefix of the names of added headers.',
  },
  {
    name: `${p}add.headers`,
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation: 'Fields of the change event to add as headers.',
  },
  {
    name: `${p}drop.fields.header.name`,
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'The name of a header that lists fields to remove from the event value.',
  },
  {
    name: `${p}drop.fields.from.key`,
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    documentation: 'Whether to also drop the fields from the key.',
  },
  {
    name: `${p}drop.fields.keep.schema.compatible`,
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'true: only optional fields are dropped; false: fields are dropped regardless of optionality.',
  },
  {
    name: `${p}replace.null.with.default`,
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Whether to replace null fields with their default values.',
  },
];

/** One `add.fields` / `add.headers` entry: `op`, `source.ts_ms`, `table:NEW`. */
class FieldReference {
  readonly struct: string | null;
  readonly field: string;
  readonly newField: string;

  constructor(prefix: string, spec: string) {
    const parts = spec.split(':');
    const splits = parts[0]!.split('.');
    this.field = splits.length === 1 ? splits[0]! : splits[1]!;
    this.struct = splits.length === 1 ? determineStruct(this.field) : splits[0]!;
    if (parts.length === 1)
      this.newField = prefix + (splits.length === 1 ? this.field : `${this.struct}_${this.field}`);
    else if (parts.length === 2) this.newField = prefix + parts[1];
    else throw new ConnectException(`Unexpected field name: ${spec}`);
  }

  static parse(prefix: string, config: string | null): FieldReference[] {
    if (!config) return [];
    return config.split(',').map((entry) => new FieldReference(prefix, entry.trim()));
  }

  schemaIn(envelope: Schema): Schema | null {
    const parentField =
      this.struct !== null ? envelope.fields?.find((f) => f.name === this.struct) : undefined;
    if (this.struct !== null && !parentField) {
      // Debezium dereferences the hosting struct's field unchecked (e.g. `transaction` outside a transaction).
      throw Object.assign(
        new Error(
          'Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null',
        ),
        { javaClass: 'java.lang.NullPointerException' },
      );
    }
    const parent = this.struct !== null ? parentField!.schema : envelope;
    let found = parent?.fields?.find((f) => f.name === this.field);
    if (!found) found = envelope.fields?.find((f) => f.name === this.field);
    if (!found) return null;
    const schema = copySchemaBasics(found.schema);
    if (found.schema.type === 'struct') schema.fields = found.schema.fields!;
    if (found.schema.keySchema) schema.keySchema = found.schema.keySchema;
    if (found.schema.valueSchema) schema.valueSchema = found.schema.valueSchema;
    schema.optional = true;
    return schema;
  }

  valueIn(envelope: Struct): unknown {
    const parent =
      this.struct !== null
        ? envelope.field(this.struct)
          ? (envelope.getWithoutDefault(this.struct) as Struct | null)
          : null
        : envelope;
    if (parent === null) return null;
    if (parent.field(this.field)) return parent.getWithoutDefault(this.field);
    return envelope.field(this.field) ? envelope.getWithoutDefault(this.field) : null;
  }
}

function determineStruct(field: string): string | null {
  switch (field) {
    case 'id':
    case 'data_collection_order':
    case 'total_order':
      return 'transaction';
    case 'op':
    case 'ts_ms':
    case 'ts_us':
    case 'ts_ns':
      return null;
    case 'updateDescription':
      return 'updateDescription';
    default:
      return 'source';
  }
}

export class ExtractNewRecordState extends BaseTransformation {
  protected readonly keys = keys;
  private mode: Mode = 'tombstone';
  private legacyDropTombstones = true;
  private fields: FieldReference[] = [];
  private headers: FieldReference[] = [];
  private routeByField: string | null = null;
  private dropFieldsHeader: string | null = null;
  private dropFieldsFromKey = false;
  private keepSchemaCompatible = true;
  private readonly addedSchemaCache = new Map<string, WeakMap<Schema, Schema>>();
  private readonly deletedSchemaCache = new SchemaCache();
  private readonly updatedSchemaCache = new SchemaCache();

  protected setup(config: ConfigReader): void {
    const mode = config.nullableString('delete.tombstone.handling.mode');
    if (mode && mode.trim() !== '') {
      // Debezium 3.0 accepts any text here and fails on the first record when it is not a mode it knows
      // (including the later `delete-to-tombstone`).
      const known = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone'];
      const lower = mode.trim().toLowerCase();
      this.mode = known.includes(lower) ? (lower as Mode) : 'unknown';
    } else {
      // Deprecated keys: drop.tombstones + delete.handling.mode (none = tombstone for deletes)
      this.legacyDropTombstones = config.boolean('drop.tombstones');
      const legacy = (config.nullableString('delete.handling.mode') ?? 'drop').toLowerCase();
      this.mode =
        legacy === 'drop'
          ? 'drop'
          : legacy === 'rewrite'
            ? this.legacyDropTombstones
              ? 'rewrite'
              : 'rewrite-with-tombstone'
            : 'tombstone';
    }
    const legacyTombstone = !(mode && mode.trim() !== '');
    this.keepTombstones = legacyTombstone
      ? !this.legacyDropTombstones
      : this.mode === 'rewrite-with-tombstone';
    this.fields = FieldReference.parse(
      config.nullableString('add.fields.prefix') ?? '__',
      config.nullableString('add.fields'),
    );
    this.headers = FieldReference.parse(
      config.nullableString('add.headers.prefix') ?? '__',
      config.nullableString('add.headers'),
    );
    const route = config.nullableString('route.by.field') ?? '';
    this.routeByField = route === '' ? null : route;
    this.dropFieldsHeader = config.nullableString('drop.fields.header.name');
    this.dropFieldsFromKey = config.boolean('drop.fields.from.key');
    this.keepSchemaCompatible = config.boolean('drop.fields.keep.schema.compatible');
  }

  private keepTombstones = false;

  apply(record: ConnectRecord): ConnectRecord | null {
    if (this.mode === 'unknown') {
      throw Object.assign(
        new Error(
          'Cannot invoke "io.debezium.transforms.ExtractNewRecordStateConfigDefinition$DeleteTombstoneHandling.ordinal()" because "this.deleteTombstoneHandling" is null',
        ),
        { javaClass: 'java.lang.NullPointerException' },
      );
    }
    if (record.value === null || record.value === undefined) {
      const withHeaders = this.headers.length > 0 ? this.withAddedHeaders(record, null) : record;
      return this.keepTombstones ? withHeaders : null;
    }
    const schema = record.valueSchema;
    if (schema === null || schema.name === undefined || !schema.name.endsWith('.Envelope')) return record;
    const envelope = record.value as Struct;
    if (envelope.field('op') && envelope.getWithoutDefault('op') === 't') return null;
    const base = this.headers.length > 0 ? this.withAddedHeaders(record, envelope) : record;
    const afterField = schema.fields?.find((f) => f.name === 'after');
    if (!afterField) throw new ConnectException('Unknown field: after');
    const after = envelope.getWithoutDefault('after');
    if (after === null) {
      let deleted: ConnectRecord = { ...base, valueSchema: afterField.schema, value: null };
      if (this.routeByField !== null) {
        const before = requireStruct(envelope, 'Read record to set topic routing for DELETE').get(
          'before',
        ) as Struct | null;
        deleted = this.route(deleted, before?.get(this.routeByField));
      }
      if (this.dropFieldsHeader) deleted = this.dropFields(deleted);
      switch (this.mode) {
        case 'drop':
          return null;
        case 'rewrite':
        case 'rewrite-with-tombstone': {
          const beforeField = schema.fields?.find((f) => f.name === 'before');
          let old: ConnectRecord = {
            ...deleted,
            valueSchema: beforeField?.schema ?? null,
            value: envelope.getWithoutDefault('before'),
          };
          if (old.value instanceof Struct) {
            old = this.withDeleted(old, 'true', this.deletedSchemaCache);
            return this.addFields(old, envelope);
          }
          return old;
        }
        default:
          return deleted;
      }
    }
    let updated: ConnectRecord = { ...base, valueSchema: afterField.schema, value: after };
    if (this.routeByField !== null) {
      const value = requireStruct(after, 'Read record to set topic routing for CREATE / UPDATE');
      updated = this.route(updated, value.get(this.routeByField));
    }
    if (this.mode === 'rewrite' || this.mode === 'rewrite-with-tombstone') {
      updated = this.withDeleted(updated, 'false', this.updatedSchemaCache);
    }
    updated = this.addFields(updated, envelope);
    if (this.dropFieldsHeader) updated = this.dropFields(updated);
    return updated;
  }

  private route(record: ConnectRecord, topic: unknown): ConnectRecord {
    return typeof topic === 'string' && topic.trim() !== '' ? { ...record, topic } : record;
  }

  private withAddedHeaders(record: ConnectRecord, envelope: Struct | null): ConnectRecord {
    const added: Header[] = [];
    for (const reference of this.headers) {
      if (envelope === null) {
        if (reference.field === 'op')
          added.push({ key: reference.newField, schema: { type: 'string', optional: false }, value: 'd' });
        continue;
      }
      const schema = reference.schemaIn(envelope.schema);
      if (schema) added.push({ key: reference.newField, schema, value: reference.valueIn(envelope) });
    }
    return { ...record, headers: [...record.headers, ...added] };
  }

  /** InsertField$Value with static.field=__deleted, static.value=true|false (an optional string field). */
  private withDeleted(record: ConnectRecord, flag: 'true' | 'false', cache: SchemaCache): ConnectRecord {
    const value = requireStruct(record.value, 'field insertion');
    const schema = cache.get(value.schema, (s) => ({
      ...copySchemaBasics(s, 'struct'),
      fields: [
        ...(s.fields ?? []),
        { name: '__deleted', index: s.fields?.length ?? 0, schema: { type: 'string', optional: true } },
      ],
    }));
    const updated = new Struct(schema);
    for (const field of value.schema.fields ?? []) putChecked(updated, field.name, value.get(field.name));
    updated.put('__deleted', flag);
    return { ...record, valueSchema: schema, value: updated };
  }

  /** Debezium rebuilds the value schema here even without added fields, which makes it a required struct. */
  private addFields(record: ConnectRecord, envelope: Struct): ConnectRecord {
    const value = requireStruct(record.value, 'source field insertion');
    const op = String(envelope.field('op') ? envelope.getWithoutDefault('op') : '');
    let perOp = this.addedSchemaCache.get(op);
    if (!perOp) this.addedSchemaCache.set(op, (perOp = new WeakMap()));
    let schema = perOp.get(value.schema);
    if (!schema) {
      const fields = [...(value.schema.fields ?? [])];
      for (const reference of this.fields) {
        const fieldSchema = reference.schemaIn(envelope.schema);
        if (fieldSchema) fields.push({ name: reference.newField, index: fields.length, schema: fieldSchema });
      }
      schema = { ...copySchemaBasics(value.schema, 'struct'), fields };
      perOp.set(value.schema, schema);
    }
    const updated = new Struct(schema);
    for (const field of value.schema.fields ?? [])
      updated.put(field.name, value.getWithoutDefault(field.name));
    for (const reference of this.fields) {
      if (reference.schemaIn(envelope.schema)) updated.put(reference.newField, reference.valueIn(envelope));
    }
    return { ...record, valueSchema: schema, value: updated };
  }

  /** `drop.fields.header.name`: remove the fields a header lists from the value (and key, when asked). */
  private dropFields(record: ConnectRecord): ConnectRecord {
    const header = record.headers.find((h) => h.key === this.dropFieldsHeader);
    if (!header || !Array.isArray(header.value)) return record;
    const names = new Set(header.value.map(String));
    const drop = (schema: Schema | null, value: unknown): { schema: Schema | null; value: unknown } => {
      if (!schema || !(value instanceof Struct)) return { schema, value };
      const kept = (schema.fields ?? []).filter(
        (f) => !(names.has(f.name) && (!this.keepSchemaCompatible || f.schema.optional)),
      );
      const updatedSchema: Schema = {
        ...copySchemaBasics(schema, 'struct'),
        optional: schema.optional,
        fields: kept.map((f, index) => ({ ...f, index })),
      };
      const updated = new Struct(updatedSchema);
      for (const field of kept) updated.put(field.name, value.getWithoutDefault(field.name));
      return { schema: updatedSchema, value: updated };
    };
    const newValue = drop(record.valueSchema, record.value);
    const newKey = this.dropFieldsFromKey
      ? drop(record.keySchema, record.key)
      : { schema: record.keySchema, value: record.key };
    return {
      ...record,
      valueSchema: newValue.schema,
      value: newValue.value,
      keySchema: newKey.schema,
      key: newKey.value,
    };
  }
}
