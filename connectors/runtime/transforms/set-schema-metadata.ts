import type { ConnectRecord } from '../api/records.ts';
import { DataException, Struct, type Schema } from '../data/schema.ts';
import { replaceNullWithDefaultKey, type ConfigReader, type SpecFactory } from './config.ts';
import { ConfigException } from './errors.ts';
import { BaseTransformation, fieldValue, putChecked, requireSchema, type Side } from './support.ts';

const keys: SpecFactory = (p) => [
  {
    name: `${p}schema.name`,
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'Schema name to set.',
  },
  {
    name: `${p}schema.version`,
    type: 'INT',
    default: null,
    importance: 'HIGH',
    documentation: 'Schema version to set.',
  },
  replaceNullWithDefaultKey(p),
];

/** `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key|$Value`. */
export class SetSchemaMetadata extends BaseTransformation {
  protected readonly keys = keys;
  private name: string | null = null;
  private version: number | null = null;
  private replaceNullWithDefault = true;

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.name = config.nullableString('schema.name');
    this.version = config.nullableInt('schema.version');
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
    if (this.name === null && this.version === null) {
      throw new ConfigException('Neither schema name nor version configured');
    }
  }

  apply(record: ConnectRecord): ConnectRecord {
    const value = this.side.value(record);
    const original = this.side.schema(record);
    if ((value === null || value === undefined) && original === null) return record;
    const schema = requireSchema(original, 'updating schema metadata');
    // Apache passes schema.fields() to the new ConnectSchema, which throws for anything but a struct.
    if (schema.type !== 'struct') throw new DataException('Cannot list fields on non-struct type');
    const updated: Schema = { ...schema };
    if (this.name !== null) updated.name = this.name;
    if (this.version !== null) updated.version = this.version;
    if (!(value instanceof Struct)) return this.side.with(record, updated, value);
    const struct = new Struct(updated);
    for (const field of updated.fields ?? []) {
      putChecked(struct, field.name, fieldValue(value, field.name, this.replaceNullWithDefault));
    }
    return this.side.with(record, updated, struct);
  }
}
