import type { ConnectRecord } from '../api/records.ts';
import { Struct, type Schema } from '../data/schema.ts';
import type { ConfigReader, SpecFactory } from './config.ts';
import { BaseTransformation, SchemaCache, putChecked, type Side } from './support.ts';

const keys: SpecFactory = (p) => [
  {
    name: `${p}field`,
    type: 'STRING',
    importance: 'MEDIUM',
    documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
  },
];

/** `org.apache.kafka.connect.transforms.HoistField$Key|$Value`: wraps the key or value in a one-field struct/map. */
export class HoistField extends BaseTransformation {
  protected readonly keys = keys;
  private field = '';
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.field = config.nullableString('field') ?? '';
  }

  apply(record: ConnectRecord): ConnectRecord {
    const schema = this.side.schema(record);
    const value = this.side.value(record);
    if (schema === null) {
      return this.side.with(record, null, new Map([[this.field, value ?? null]]));
    }
    const updatedSchema = this.schemaCache.get(schema, (s): Schema => ({
      type: 'struct',
      optional: false,
      fields: [{ name: this.field, index: 0, schema: s }],
    }));
    const updated = new Struct(updatedSchema);
    putChecked(updated, this.field, value);
    return this.side.with(record, updatedSchema, updated);
  }
}
