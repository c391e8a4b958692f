import { badRequest } from './errors.ts';

/** An index field as it travels on the wire (REST names, not the SDK's). */
export interface FieldDefinition {
  name: string;
  type: string;
  key?: boolean;
  retrievable?: boolean;
  searchable?: boolean;
  filterable?: boolean;
  sortable?: boolean;
  facetable?: boolean;
  fields?: FieldDefinition[];
  [other: string]: unknown;
}

export interface SuggesterDefinition {
  name: string;
  searchMode?: string;
  sourceFields: string[];
}

export interface IndexDefinition {
  name: string;
  fields: FieldDefinition[];
  suggesters?: SuggesterDefinition[];
  '@odata.etag'?: string;
  [other: string]: unknown;
}

/** A field reached by a path like `address/city`, with what the path's steps imply. */
export interface ResolvedField {
  path: string;
  definition: FieldDefinition;
  /** Scalar type without `Collection(...)`. */
  elementType: string;
  /** True when this field or an ancestor is a collection: values are arrays. */
  multiValued: boolean;
  isCollection: boolean;
}

const primitiveTypes = new Set([
  'Edm.String',
  'Edm.Int32',
  'Edm.Int64',
  'Edm.Double',
  'Edm.Single',
  'Edm.Half',
  'Edm.Int16',
  'Edm.SByte',
  'Edm.Byte',
  'Edm.Boolean',
  'Edm.DateTimeOffset',
  'Edm.GeographyPoint',
  'Edm.ComplexType',
]);

const indexNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?$/;
const fieldNamePattern = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

export function elementTypeOf(type: string): { elementType: string; isCollection: boolean } {
  const match = /^Collection\((.+)\)$/.exec(type);
  return match ? { elementType: match[1]!, isCollection: true } : { elementType: type, isCollection: false };
}

/**
 * Validates an index definition with the service's rules and fills attribute defaults the way the REST API
 * does when a caller leaves them out (the SDK always sends them explicitly).
 */
export function normalizeIndex(input: unknown, nameFromPath?: string): IndexDefinition {
  if (typeof input !== 'object' || input === null)
    throw badRequest('The request body must be an index definition.');
  const index = structuredClone(input) as IndexDefinition;
  if (nameFromPath !== undefined && index.name !== undefined && index.name !== nameFromPath) {
    throw badRequest(
      `The index name '${index.name}' does not match the name in the URL ('${nameFromPath}').`,
    );
  }
  index.name ??= nameFromPath as string;
  if (typeof index.name !== 'string' || !indexNamePattern.test(index.name)) {
    throw badRequest(
      `Invalid index name '${String(index.name)}': use lower-case letters, digits and dashes, starting and ending with a letter or digit, at most 128 characters.`,
      'InvalidName',
    );
  }
  if (!Array.isArray(index.fields) || index.fields.length === 0) {
    throw badRequest(`The index '${index.name}' must have at least one field.`, 'InvalidIndexDefinition');
  }
  normalizeFields(index.fields, '');
  const keys = index.fields.filter((field) => field.key === true);
  if (keys.length !== 1) {
    throw badRequest(
      `The index '${index.name}' must have exactly one key field (found ${keys.length}).`,
      'InvalidIndexDefinition',
    );
  }
  if (keys[0]!.type !== 'Edm.String') {
    throw badRequest(
      `The key field '${keys[0]!.name}' must be of type Edm.String.`,
      'InvalidIndexDefinition',
    );
  }
  const resolved = resolveFields(index);
  for (const suggester of index.suggesters ?? []) {
    if (!suggester.name || !Array.isArray(suggester.sourceFields) || suggester.sourceFields.length === 0) {
      throw badRequest('A suggester needs a name and at least one source field.', 'InvalidIndexDefinition');
    }
    for (const source of suggester.sourceFields) {
      const field = resolved.get(source);
      if (!field || field.elementType !== 'Edm.String' || !field.definition.searchable) {
        throw badRequest(
          `Suggester '${suggester.name}': source field '${source}' must be a searchable Edm.String field.`,
          'InvalidIndexDefinition',
        );
      }
    }
    suggester.searchMode ??= 'analyzingInfixMatching';
  }
  return index;
}

function normalizeFields(fields: FieldDefinition[], prefix: string): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (typeof field.name !== 'string' || !fieldNamePattern.test(field.name)) {
      throw badRequest(`Invalid field name '${String(field.name)}'.`, 'InvalidIndexDefinition');
    }
    if (seen.has(field.name))
      throw badRequest(`Duplicate field '${prefix}${field.name}'.`, 'InvalidIndexDefinition');
    seen.add(field.name);
    const { elementType, isCollection } = elementTypeOf(String(field.type));
    if (!primitiveTypes.has(elementType)) {
      throw badRequest(
        `Field '${prefix}${field.name}' has an unknown type '${field.type}'.`,
        'InvalidIndexDefinition',
      );
    }
    if (elementType === 'Edm.ComplexType') {
      if (!Array.isArray(field.fields) || field.fields.length === 0) {
        throw badRequest(
          `Complex field '${prefix}${field.name}' needs sub-fields.`,
          'InvalidIndexDefinition',
        );
      }
      if (field.key) throw badRequest('A complex field cannot be the key.', 'InvalidIndexDefinition');
      normalizeFields(field.fields, `${prefix}${field.name}/`);
      continue;
    }
    if (prefix && field.key)
      throw badRequest('The key field must be a top-level field.', 'InvalidIndexDefinition');
    const isString = elementType === 'Edm.String';
    const isGeo = elementType === 'Edm.GeographyPoint';
    field.key ??= false;
    field.retrievable ??= true;
    field.searchable ??= isString;
    field.filterable ??= true;
    field.sortable ??= !isCollection && !isGeo ? true : isGeo;
    field.facetable ??= !isGeo;
    if (field.searchable && !isString) {
      throw badRequest(
        `Field '${prefix}${field.name}' of type ${field.type} cannot be searchable.`,
        'InvalidIndexDefinition',
      );
    }
    if (field.sortable && isCollection) {
      throw badRequest(
        `Collection field '${prefix}${field.name}' cannot be sortable.`,
        'InvalidIndexDefinition',
      );
    }
  }
}

/** Every leaf and complex field of an index, by path (`a/b`). */
export function resolveFields(index: IndexDefinition): Map<string, ResolvedField> {
  const out = new Map<string, ResolvedField>();
  const walk = (fields: FieldDefinition[], prefix: string, multiValued: boolean): void => {
    for (const definition of fields) {
      const { elementType, isCollection } = elementTypeOf(definition.type);
      const path = `${prefix}${definition.name}`;
      out.set(path, {
        path,
        definition,
        elementType,
        isCollection,
        multiValued: multiValued || isCollection,
      });
      if (definition.fields) walk(definition.fields, `${path}/`, multiValued || isCollection);
    }
  };
  walk(index.fields, '', false);
  return out;
}

/** Changes the service refuses on an existing index: a field's type, key flag or removal. */
export function checkIndexUpdate(existing: IndexDefinition, next: IndexDefinition): void {
  const before = resolveFields(existing);
  const after = resolveFields(next);
  for (const [path, field] of before) {
    const updated = after.get(path);
    if (!updated) {
      throw badRequest(
        `Existing field '${path}' cannot be removed from index '${existing.name}'.`,
        'OperationNotAllowed',
      );
    }
    if (
      updated.definition.type !== field.definition.type ||
      Boolean(updated.definition.key) !== Boolean(field.definition.key)
    ) {
      throw badRequest(
        `Existing field '${path}' cannot change its type or key attribute.`,
        'OperationNotAllowed',
      );
    }
  }
}
