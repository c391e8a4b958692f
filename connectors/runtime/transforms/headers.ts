import type { Header } from '../api/plugins.ts';
import type { ConnectRecord } from '../api/records.ts';
import type { SchemaAndValue } from '../api/plugins.ts';
import { copySchemaBasics } from '../data/builders.ts';
import { Struct, type Schema } from '../data/schema.ts';
import { parseString } from '../data/values.ts';
import {
  nonEmptyList,
  replaceNullWithDefaultKey,
  validString,
  type ConfigReader,
  type SpecFactory,
} from './config.ts';
import { ConfigException, invalidValue } from './errors.ts';
import {
  BaseTransformation,
  SchemaCache,
  fieldValue,
  putChecked,
  requireMap,
  requireStruct,
  type Side,
} from './support.ts';

/** `ConfigDef.NonNullValidator`. */
const nonNull = (name: string) => (value: unknown) =>
  value === null ? invalidValue(name, 'null', 'entry must be non null') : undefined;

const insertHeaderKeys: SpecFactory = (p) => [
  {
    name: `${p}header`,
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the header.',
    validate: nonNull('header'),
  },
  {
    name: `${p}value.literal`,
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
    validate: nonNull('value.literal'),
  },
];

/** `org.apache.kafka.connect.transforms.InsertHeader`: adds a header whose value is `Values.parseString(literal)`. */
export class InsertHeader extends BaseTransformation {
  protected readonly keys = insertHeaderKeys;
  private header = '';
  private literal: SchemaAndValue = { schema: null, value: null };

  protected setup(config: ConfigReader): void {
    this.header = config.nullableString('header') ?? '';
    this.literal = parseString(config.nullableString('value.literal'));
  }

  apply(record: ConnectRecord): ConnectRecord {
    return {
      ...record,
      headers: [
        ...record.headers,
        { key: this.header, schema: this.literal.schema, value: this.literal.value },
      ],
    };
  }
}

const dropHeadersKeys: SpecFactory = (p) => [
  {
    name: `${p}headers`,
    type: 'LIST',
    importance: 'HIGH',
    documentation: 'The name of the headers to be removed.',
    validate: nonEmptyList('headers'),
  },
];

/** `org.apache.kafka.connect.transforms.DropHeaders`: removes every header with one of the names. */
export class DropHeaders extends BaseTransformation {
  protected readonly keys = dropHeadersKeys;
  private names = new Set<string>();

  protected setup(config: ConfigReader): void {
    this.names = new Set(config.list('headers'));
  }

  apply(record: ConnectRecord): ConnectRecord {
    return { ...record, headers: record.headers.filter((header) => !this.names.has(header.key)) };
  }
}

const headerFromKeys: SpecFactory = (p) => [
  {
    name: `${p}fields`,
    type: 'LIST',
    importance: 'HIGH',
    documentation: 'Field names in the record whose values are to be copied or moved to headers.',
    validate: nonEmptyList('fields'),
  },
  {
    name: `${p}headers`,
    type: 'LIST',
    importance: 'HIGH',
    documentation:
      'Header names, in the same order as the field names listed in the fields configuration property.',
    validate: nonEmptyList('headers'),
  },
  {
    name: `${p}operation`,
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
    validate: validString('operation', ['move', 'copy']),
  },
  replaceNullWithDefaultKey(p),
];

/** `org.apache.kafka.connect.transforms.HeaderFrom$Key|$Value`: copies or moves fields into headers. */
export class HeaderFrom extends BaseTransformation {
  protected readonly keys = headerFromKeys;
  private fields: string[] = [];
  private headers: string[] = [];
  private move = false;
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.fields = config.list('fields');
    this.headers = config.list('headers');
    if (this.fields.length !== this.headers.length) {
      throw new ConfigException("'fields' config must have the same number of elements as 'headers' config.");
    }
    this.move = config.nullableString('operation') === 'move';
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
  }

  apply(record: ConnectRecord): ConnectRecord {
    const schema = this.side.schema(record);
    const raw = this.side.value(record);
    const headers: Header[] = [...record.headers];
    const purpose = `header ${this.move ? 'move' : 'copy'}`;
    if (schema === null) {
      const value = requireMap(raw, purpose);
      const updated = new Map(value);
      this.fields.forEach((field, i) => {
        if (this.move) updated.delete(field);
        headers.push({ key: this.headers[i]!, schema: null, value: value.get(field) ?? null });
      });
      return this.side.with({ ...record, headers }, null, updated);
    }
    const value = requireStruct(raw, purpose);
    let updatedSchema: Schema = schema;
    let updated: Struct = value;
    if (this.move) {
      updatedSchema = this.schemaCache.get(schema, (s) => ({
        ...copySchemaBasics(s, 'struct'),
        fields: (s.fields ?? [])
          .filter((f) => !this.fields.includes(f.name))
          .map((f, index) => ({ ...f, index })),
      }));
      updated = new Struct(updatedSchema);
      for (const field of updatedSchema.fields ?? [])
        putChecked(updated, field.name, fieldValue(value, field.name, this.replaceNullWithDefault));
    }
    this.fields.forEach((field, i) => {
      const found = value.schema.fields?.find((f) => f.name === field);
      const fieldSchema = schema.fields?.find((f) => f.name === field)?.schema;
      if (!fieldSchema) {
        throw Object.assign(
          new TypeError(
            `Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null`,
          ),
          {
            javaClass: 'java.lang.NullPointerException',
          },
        );
      }
      headers.push({
        key: this.headers[i]!,
        schema: fieldSchema,
        value: found ? fieldValue(value, field, this.replaceNullWithDefault) : null,
      });
    });
    return this.side.with({ ...record, headers }, updatedSchema, updated);
  }
}

/** `org.apache.kafka.connect.transforms.Filter`: drops every record it is applied to (used with a predicate). */
export class Filter extends BaseTransformation {
  protected readonly keys: SpecFactory = () => [];
  protected setup(): void {}
  apply(): null {
    return null;
  }
}
