import type { ConnectRecord } from '../api/records.ts';
import {
  replaceNullWithDefaultKey,
  validStringIgnoreCase,
  type ConfigReader,
  type SpecFactory,
} from './config.ts';
import { IllegalArgumentException } from './errors.ts';
import { SingleFieldPath } from './field-path.ts';
import { BaseTransformation, requireMapOrNull, requireStructOrNull, type Side } from './support.ts';

const PURPOSE = 'field extraction';

export const fieldSyntaxVersionKey = (p: string) => ({
  name: `${p}field.syntax.version`,
  type: 'STRING' as const,
  default: 'V1',
  importance: 'HIGH' as const,
  documentation:
    'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named "foo.bar" in a struct/map the following format can be used to access its elements: "`foo.bar`.baz".',
  validate: validStringIgnoreCase('field.syntax.version', ['V1', 'V2']),
});

const keys: SpecFactory = (p) => [
  { name: `${p}field`, type: 'STRING', importance: 'MEDIUM', documentation: 'Field name to extract.' },
  replaceNullWithDefaultKey(p),
  fieldSyntaxVersionKey(p),
];

/** `org.apache.kafka.connect.transforms.ExtractField$Key|$Value` (with KIP-821 nested paths). */
export class ExtractField extends BaseTransformation {
  protected readonly keys = keys;
  private path = new SingleFieldPath('', 'V1');
  private original = '';
  private replaceNullWithDefault = true;

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.original = config.nullableString('field') ?? '';
    const version = (config.nullableString('field.syntax.version') ?? 'V1').toUpperCase() as 'V1' | 'V2';
    this.path = new SingleFieldPath(this.original, version);
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
  }

  apply(record: ConnectRecord): ConnectRecord {
    const schema = this.side.schema(record);
    if (schema === null) {
      const value = requireMapOrNull(this.side.value(record), PURPOSE);
      return this.side.with(record, null, value === null ? null : this.path.valueFromMap(value));
    }
    const value = requireStructOrNull(this.side.value(record), PURPOSE);
    const field = this.path.fieldFrom(schema);
    if (!field) throw new IllegalArgumentException(`Unknown field: ${this.original}`);
    return this.side.with(
      record,
      field.schema,
      value === null ? null : this.path.valueFromStruct(value, this.replaceNullWithDefault),
    );
  }
}
