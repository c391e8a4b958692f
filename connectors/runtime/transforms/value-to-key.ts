import type { ConnectRecord } from '../api/records.ts';
import { requireUniqueFieldNames } from '../data/builders.ts';
import { DataException, Struct, type Schema } from '../data/schema.ts';
import { nonEmptyList, replaceNullWithDefaultKey, type ConfigReader, type SpecFactory } from './config.ts';
import {
  BaseTransformation,
  SchemaCache,
  fieldValue,
  putChecked,
  requireMap,
  requireStruct,
} from './support.ts';

const PURPOSE = 'copying fields from value to key';

const keys: SpecFactory = (p) => [
  {
    name: `${p}fields`,
    type: 'LIST',
    importance: 'HIGH',
    documentation: 'Field names on the record value to extract as the record key.',
    validate: nonEmptyList('fields'),
  },
  replaceNullWithDefaultKey(p),
];

/** `org.apache.kafka.connect.transforms.ValueToKey`: the key becomes a map/struct of some value fields. */
export class ValueToKey extends BaseTransformation {
  protected readonly keys = keys;
  private fields: string[] = [];
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  protected setup(config: ConfigReader): void {
    this.fields = config.list('fields');
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
  }

  apply(record: ConnectRecord): ConnectRecord {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = new Map<string, unknown>();
      for (const field of this.fields) key.set(field, value.get(field) ?? null);
      return { ...record, keySchema: null, key };
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.schemaCache.get(value.schema, (schema) => this.keySchema(schema));
    const key = new Struct(keySchema);
    for (const field of this.fields) {
      putChecked(key, field, fieldValue(value, field, this.replaceNullWithDefault));
    }
    return { ...record, keySchema, key, valueSchema: value.schema, value };
  }

  private keySchema(schema: Schema): Schema {
    const fields = this.fields.map((name, index) => {
      const field = schema.fields?.find((candidate) => candidate.name === name);
      if (!field) throw new DataException(`Field does not exist: ${name}`);
      return { name, index, schema: field.schema };
    });
    requireUniqueFieldNames(fields.map((field) => field.name));
    return { type: 'struct', optional: false, fields };
  }
}
