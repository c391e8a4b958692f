import { avroIncompatibilities, parseAvro } from './avro.ts';
import { RegistryError, errorCodes, invalidSchema, type Incompatibility } from './errors.ts';
import { jsonIncompatibilities, parseJsonSchema } from './json-schema.ts';

/** Confluent's compatibility levels; BACKWARD is the registry's default. */
export const compatibilityLevels = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof compatibilityLevels)[number];
export const defaultCompatibility: CompatibilityLevel = 'BACKWARD';

export function compatibilityLevel(value: unknown): CompatibilityLevel {
  const level = typeof value === 'string' ? value.toUpperCase() : value;
  if (!compatibilityLevels.includes(level as CompatibilityLevel))
    throw new RegistryError(
      422,
      errorCodes.invalidCompatibilityLevel,
      `Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    );
  return level as CompatibilityLevel;
}

export type { Incompatibility } from './errors.ts';

/** Schema types this registry understands (PROTOBUF is refused with a clear message). */
export type SchemaType = 'AVRO' | 'JSON';
export const schemaTypes: readonly SchemaType[] = ['JSON', 'AVRO'];

export interface ParsedSchema {
  type: SchemaType;
  /** The schema as the registry stores and returns it: compact JSON, so equal schemas compare equal. */
  canonical: string;
  tree: unknown;
}

export function schemaTypeOf(value: unknown): SchemaType {
  const type = value === undefined || value === null || value === '' ? 'AVRO' : String(value).toUpperCase();
  if (type === 'PROTOBUF')
    throw invalidSchema(
      'PROTOBUF schemas are not supported by the connect-hack Schema Registry; register the value schema as JSON (JSON Schema) or AVRO.',
    );
  if (!schemaTypes.includes(type as SchemaType))
    throw new RegistryError(
      422,
      errorCodes.invalidSchema,
      `Invalid schema type ${String(value)}. Valid values are AVRO and JSON.`,
    );
  return type as SchemaType;
}

/** Parses and validates a schema; throws 42201 with the reason when it is not a valid schema of its type. */
export function parseSchema(type: SchemaType, text: unknown, referenced: string[] = []): ParsedSchema {
  if (typeof text !== 'string' || text.trim() === '')
    throw invalidSchema('Empty schema: the request body needs a "schema" string.');
  const tree = type === 'AVRO' ? parseAvro(text, referenced) : parseJsonSchema(text);
  return { type, canonical: JSON.stringify(JSON.parse(text)), tree };
}

/** What keeps `reader` from reading data written with `writer` (both parsed); empty when it can. */
function incompatibilities(
  reader: ParsedSchema,
  writer: ParsedSchema,
  roles: { reader: string; writer: string },
): Incompatibility[] {
  if (reader.type !== writer.type)
    return [
      {
        errorType: 'TYPE_MISMATCH',
        description: `The ${roles.reader} schema is of type ${reader.type}, the ${roles.writer} schema of type ${writer.type}`,
        additionalInfo: '',
      },
    ];
  return reader.type === 'AVRO'
    ? avroIncompatibilities(reader.tree as never, writer.tree as never, roles)
    : jsonIncompatibilities(reader.tree as never, writer.tree as never);
}

/**
 * Checks `candidate` against a subject's live versions (oldest first) at `level`: the non-transitive levels
 * compare with the latest version only, the transitive ones with all of them. Returns Confluent's message lines
 * for the first version that fails, empty when compatible.
 */
export function checkCompatibility(
  candidate: ParsedSchema,
  previous: { version: number; schema: ParsedSchema }[],
  level: CompatibilityLevel,
): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? [...previous].reverse() : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  for (const { version, schema } of against) {
    const found = [
      ...(backward ? incompatibilities(candidate, schema, { reader: 'new', writer: 'old' }) : []),
      ...(forward ? incompatibilities(schema, candidate, { reader: 'old', writer: 'new' }) : []),
    ];
    if (found.length > 0)
      return [
        ...found.map(
          (item) =>
            `{errorType:'${item.errorType}', description:'${item.description}', additionalInfo:'${item.additionalInfo}'}`,
        ),
        `{oldSchemaVersion: ${version}}`,
        `{oldSchema: '${schema.canonical}'}`,
        `{compatibility: '${level}'}`,
      ];
  }
  return [];
}
