import type { ConnectRecord } from '../api/records.ts';
import { copySchemaBasics } from '../data/builders.ts';
import { isDecimal, javaClassDescription } from '../data/java-values.ts';
import { DataException, Struct, schemaTypes, type Field, type Schema } from '../data/schema.ts';
import type { ConfigReader, SpecFactory } from './config.ts';
import {
  BaseTransformation,
  SchemaCache,
  putChecked,
  requireMap,
  requireStructOrNull,
  type Side,
} from './support.ts';

const PURPOSE = 'flattening';

const keys: SpecFactory = (p) => [
  {
    name: `${p}delimiter`,
    type: 'STRING',
    default: '.',
    importance: 'MEDIUM',
    documentation:
      'Delimiter to insert between field names from the input record when generating field names for the output record',
  },
];

/** Flatten copies every field but maps and structs as it is. */
const LEAF_TYPES = new Set<string>(schemaTypes.filter((type) => type !== 'map' && type !== 'struct'));

/** `org.apache.kafka.connect.transforms.Flatten$Key|$Value`: nested maps/structs → `parent.child` fields. */
export class Flatten extends BaseTransformation {
  protected readonly keys = keys;
  private delimiter = '.';
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.delimiter = config.nullableString('delimiter') ?? '.';
  }

  private name(prefix: string, field: string): string {
    return prefix === '' ? field : `${prefix}${this.delimiter}${field}`;
  }

  apply(record: ConnectRecord): ConnectRecord {
    const raw = this.side.value(record);
    if (raw === null || raw === undefined) return record;
    const schema = this.side.schema(record);
    if (schema === null) {
      const result = new Map<string, unknown>();
      this.flattenMap(requireMap(raw, PURPOSE), '', result);
      return this.side.with(record, null, result);
    }
    const value = requireStructOrNull(raw, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) => {
      const fields: Array<[string, Schema]> = [];
      this.flattenSchema(s, '', fields, s.optional, (s.defaultValue as Struct | undefined) ?? null);
      return {
        ...copySchemaBasics(s, 'struct'),
        fields: fields.map(([name, fs], index): Field => ({ name, index, schema: fs })),
      };
    });
    if (value === null) return this.side.with(record, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    this.flattenStruct(value, '', updated);
    return this.side.with(record, updatedSchema, updated);
  }

  private flattenMap(map: Map<string, unknown>, prefix: string, out: Map<string, unknown>): void {
    for (const [key, value] of map) {
      const name = this.name(prefix, key);
      if (value === null || value === undefined) {
        out.set(name, null);
        continue;
      }
      if (value instanceof Map) {
        this.flattenMap(requireMap(value, PURPOSE), name, out);
      } else if (value instanceof Struct) {
        throw new DataException(
          `Flatten transformation does not support ${javaClassDescription(value)} for record without schemas (for field ${name}).`,
        );
      } else if (value instanceof Date || isDecimal(value)) {
        throw new DataException(
          `Flatten transformation was passed a value of type ${javaClassDescription(value)} which is not supported by Connect's data API`,
        );
      } else {
        out.set(name, value);
      }
    }
  }

  private flattenSchema(
    schema: Schema,
    prefix: string,
    out: Array<[string, Schema]>,
    optional: boolean,
    parentDefault: Struct | null,
  ): void {
    for (const field of schema.fields ?? []) {
      const name = this.name(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null)
        fieldDefault = field.schema.defaultValue;
      else if (parentDefault !== null) fieldDefault = parentDefault.get(field.name);
      if (LEAF_TYPES.has(field.schema.type)) {
        const converted = copySchemaBasics(field.schema);
        if (field.schema.type === 'array') converted.valueSchema = field.schema.valueSchema!;
        converted.optional = fieldOptional;
        if (fieldDefault !== null) converted.defaultValue = fieldDefault;
        out.push([name, converted]);
      } else if (field.schema.type === 'struct') {
        this.flattenSchema(field.schema, name, out, fieldOptional, fieldDefault as Struct | null);
      } else {
        throw new DataException(
          `Flatten transformation does not support ${field.schema.type.toUpperCase()} for record with schemas (for field ${name}).`,
        );
      }
    }
  }

  private flattenStruct(struct: Struct | null, prefix: string, out: Struct): void {
    if (struct === null) return;
    for (const field of struct.schema.fields ?? []) {
      const name = this.name(prefix, field.name);
      if (LEAF_TYPES.has(field.schema.type)) putChecked(out, name, struct.get(field.name));
      else if (field.schema.type === 'struct')
        this.flattenStruct(struct.get(field.name) as Struct | null, name, out);
      else
        throw new DataException(
          `Flatten transformation does not support ${field.schema.type.toUpperCase()} for record with schemas (for field ${name}).`,
        );
    }
  }
}
