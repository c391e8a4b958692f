import type { ConnectRecord } from '../api/records.ts';
import { parseJavaDecimal } from '../data/java-format.ts';
import { isDecimal, javaClassDescription } from '../data/java-values.ts';
import { DataException, Struct, type Schema } from '../data/schema.ts';
import {
  nonEmptyList,
  nonEmptyString,
  replaceNullWithDefaultKey,
  type ConfigReader,
  type SpecFactory,
} from './config.ts';
import {
  BaseTransformation,
  fieldValue,
  putChecked,
  requireMap,
  requireStruct,
  type Side,
} from './support.ts';
import { javaLongFromString, javaDoubleFromString } from './java-numbers.ts';

const PURPOSE = 'mask fields';

const keys: SpecFactory = (p) => [
  {
    name: `${p}fields`,
    type: 'LIST',
    importance: 'HIGH',
    documentation: 'Names of fields to mask.',
    validate: nonEmptyList('fields'),
  },
  {
    name: `${p}replacement`,
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation:
      "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
    validate: nonEmptyString('replacement'),
  },
  replaceNullWithDefaultKey(p),
];

/** The Java class a value has, as MaskField's lookup tables key on it. */
type MaskKind =
  | 'Boolean'
  | 'Byte'
  | 'Short'
  | 'Integer'
  | 'Long'
  | 'Float'
  | 'Double'
  | 'BigDecimal'
  | 'Date'
  | 'String'
  | 'List'
  | 'Map'
  | 'other';

function kindOf(value: unknown, schema: Schema | null): MaskKind {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'bigint') return 'Long';
  if (typeof value === 'number') {
    switch (schema?.type) {
      case 'int8':
        return 'Byte';
      case 'int16':
        return 'Short';
      case 'int32':
        return 'Integer';
      case 'int64':
        return 'Long';
      case 'float32':
        return 'Float';
      default:
        return 'Double';
    }
  }
  if (value instanceof Date) return 'Date';
  if (isDecimal(value)) return 'BigDecimal';
  if (Array.isArray(value)) return 'List';
  if (value instanceof Map) return 'Map';
  return 'other';
}

/** `org.apache.kafka.connect.transforms.MaskField$Key|$Value`. */
export class MaskField extends BaseTransformation {
  protected readonly keys = keys;
  private fields: string[] = [];
  private replacement: string | null = null;
  private replaceNullWithDefault = true;

  constructor(private readonly side: Side) {
    super();
  }

  protected setup(config: ConfigReader): void {
    this.fields = [...new Set(config.list('fields'))];
    this.replacement = config.nullableString('replacement');
    this.replaceNullWithDefault = config.boolean('replace.null.with.default');
  }

  apply(record: ConnectRecord): ConnectRecord {
    const schema = this.side.schema(record);
    const raw = this.side.value(record);
    if (schema === null) {
      const value = requireMap(raw, PURPOSE);
      const updated = new Map(value);
      for (const field of this.fields) updated.set(field, this.masked(value.get(field) ?? null, null, true));
      return this.side.with(record, null, updated);
    }
    const value = requireStruct(raw, PURPOSE);
    const updated = new Struct(value.schema);
    for (const field of value.schema.fields ?? []) {
      const original = fieldValue(value, field.name, this.replaceNullWithDefault);
      putChecked(
        updated,
        field.name,
        this.fields.includes(field.name) ? this.masked(original, field.schema, false) : original,
      );
    }
    return this.side.with(record, value.schema, updated);
  }

  private masked(value: unknown, schema: Schema | null, schemaless: boolean): unknown {
    if (value === null || value === undefined) return null;
    const kind = kindOf(value, schema);
    return this.replacement === null
      ? maskWithNull(kind, value, schemaless)
      : maskWithReplacement(kind, value, this.replacement, schemaless);
  }
}

function maskWithNull(kind: MaskKind, value: unknown, schemaless: boolean): unknown {
  switch (kind) {
    case 'Boolean':
      return false;
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Float':
    case 'Double':
      return 0;
    case 'Long':
      return schemaless || typeof value === 'bigint' ? 0n : 0;
    case 'BigDecimal':
      return { unscaled: 0n, scale: 0 };
    case 'Date':
      return new Date(0);
    case 'String':
      return '';
    case 'List':
      return [];
    case 'Map':
      return new Map();
    default:
      throw new DataException(`Cannot mask value of type: ${javaClassDescription(value)}`);
  }
}

function maskWithReplacement(
  kind: MaskKind,
  value: unknown,
  replacement: string,
  schemaless: boolean,
): unknown {
  switch (kind) {
    case 'String':
      return replacement;
    case 'Byte':
      return Number(BigInt.asIntN(8, javaLongFromString(replacement)));
    case 'Short':
      return Number(BigInt.asIntN(16, javaLongFromString(replacement)));
    case 'Integer':
      return Number(BigInt.asIntN(32, javaLongFromString(replacement)));
    case 'Long': {
      const long = javaLongFromString(replacement);
      return schemaless || typeof value === 'bigint' ? long : Number(long);
    }
    case 'Float':
      return Math.fround(javaDoubleFromString(replacement));
    case 'Double':
      return javaDoubleFromString(replacement);
    case 'BigDecimal':
      try {
        return parseJavaDecimal(replacement);
      } catch {
        throw new DataException(`Unable to convert ${replacement} (class java.lang.String) to number`);
      }
    default:
      throw new DataException(
        `Cannot mask value of type ${javaClassDescription(value)} with custom replacement.`,
      );
  }
}
