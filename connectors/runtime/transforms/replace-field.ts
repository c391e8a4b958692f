import type { ConnectRecord } from '../api/records.ts';
import { requireUniqueFieldNames } from '../data/builders.ts';
import { copySchemaBasics } from '../data/builders.ts';
import { Struct, type Schema } from '../data/schema.ts';
import { replaceNullWithDefaultKey, type ConfigReader, type SpecFactory } from './config.ts';
import { invalidValue } from './errors.ts';
import {
  BaseTransformation,
  SchemaCache,
  fieldValue,
  putChecked,
  requireMap,
  requireStruct,
  type Side,
} from './support.ts';

const PURPOSE = 'field replacement';

/** `ReplaceField.parseRenameMappings`: `old:new` pairs (Java's split drops trailing empty parts). */
function parseRenames(name: string, mappings: string[]): Map<string, string> | string {
  const result = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplit(mapping, ':');
    if (parts.length !== 2) return invalidValue(name, mappings, `Invalid rename mapping: ${mapping}`);
    result.set(parts[0]!, parts[1]!);
  }
  return result;
}

/** Java `String.split(sep)`: trailing empty strings removed. */
export function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 0 ? [''] : parts;
}

const keys: SpecFactory = (p) => [
  {
    name: `${p}exclude`,
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Fields to exclude. This takes precedence over the fields to include.',
  },
  {
    name: `${p}include`,
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Fields to include. If specified, only these fields will be used.',
  },
  {
    name: `${p}renames`,
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Field rename mappings.',
    validate: (value) => {
      const parsed = parseRenames('renames', value as string[]);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  },
  replaceNullWithDefaultKey(p),
];

/** `org.apache.kafka.connect.transforms.ReplaceField$Key|$Value`. */
export class ReplaceField extends BaseTransformation {
  protected readonly keys = keys;
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();
  private reverse = new Map<string, string>();
  private replaceNullWithDefault = true;
  private readonly schemaCache = new SchemaCache();

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.exclude = new Set(config.list('exclude'));
    this.include = new Set(config.list('include'));
    this.renames = parseRenames('renames', config.list('renames')) as Map<string, string>;
    this.reverse = new Map([...this.renames].map(([from, to]) => [to, from]));
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
  }

  private keep(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  apply(record: ConnectRecord): ConnectRecord {
    const raw = this.side.value(record);
    if (raw === null || raw === undefined) return record;
    if (this.side.schema(record) === null) {
      const updated = new Map<string, unknown>();
      for (const [name, value] of requireMap(raw, PURPOSE)) {
        if (this.keep(name)) updated.set(this.renames.get(name) ?? name, value);
      }
      return this.side.with(record, null, updated);
    }
    const value = requireStruct(raw, PURPOSE);
    const schema = this.schemaCache.get(value.schema, (s) => this.updatedSchema(s));
    const updated = new Struct(schema);
    for (const field of schema.fields ?? []) {
      const source = this.reverse.get(field.name) ?? field.name;
      putChecked(updated, field.name, fieldValue(value, source, this.replaceNullWithDefault));
    }
    return this.side.with(record, schema, updated);
  }

  private updatedSchema(schema: Schema): Schema {
    const fields = (schema.fields ?? [])
      .filter((field) => this.keep(field.name))
      .map((field, index) => ({
        name: this.renames.get(field.name) ?? field.name,
        index,
        schema: field.schema,
      }));
    requireUniqueFieldNames(fields.map((field) => field.name));
    return { ...copySchemaBasics(schema, 'struct'), fields };
  }
}
