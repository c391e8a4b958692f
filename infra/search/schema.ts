import { badRequest, invalidDefinition, unsupported } from './errors.ts';
import { isVectorType, normalizeVectorField, normalizeVectorSearch } from './vector-schema.ts';

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
    throw invalidDefinition(
      `The index '${index.name}' must have at least one field.`,
      'InvalidIndexDefinition',
    );
  }
  const vectorSearch = normalizeVectorSearch(index.vectorSearch);
  index.fields = normalizeFields(index.fields, '', vectorSearch);
  const keys = index.fields.filter((field) => field.key === true);
  if (keys.length !== 1) {
    throw invalidDefinition(
      `The index '${index.name}' must have exactly one key field (found ${keys.length}).`,
      'InvalidIndexDefinition',
    );
  }
  if (keys[0]!.type !== 'Edm.String') {
    throw invalidDefinition(
      `The key field '${keys[0]!.name}' must be of type Edm.String.`,
      'InvalidIndexDefinition',
    );
  }
  const resolved = resolveFields(index);
  for (const suggester of index.suggesters ?? []) {
    if (!suggester.name || !Array.isArray(suggester.sourceFields) || suggester.sourceFields.length === 0) {
      throw invalidDefinition('A suggester needs a name and at least one source field.', 'InvalidSuggester');
    }
    for (const source of suggester.sourceFields) {
      const field = resolved.get(source);
      if (!field || field.elementType !== 'Edm.String' || !field.definition.searchable) {
        throw invalidDefinition(
          `Suggester '${suggester.name}': source field '${source}' must be a searchable Edm.String field.`,
          'InvalidSuggester',
        );
      }
    }
    suggester.searchMode ??= 'analyzingInfixMatching';
  }
  const scoringProfiles = (index.scoringProfiles as { name: string }[] | undefined | null) ?? [];
  const defaultScoringProfile = index.defaultScoringProfile ?? null;
  if (defaultScoringProfile !== null && !scoringProfiles.some((p) => p.name === defaultScoringProfile)) {
    throw invalidDefinition(
      `The default scoring profile '${String(defaultScoringProfile)}' is not defined in the index.`,
      'InvalidScoringProfile',
    );
  }
  // The service's order and its nulls and empty lists for everything not given.
  const { name, description, fields, suggesters, ...rest } = index;
  return {
    ...(index['@odata.etag'] !== undefined ? { '@odata.etag': index['@odata.etag'] } : {}),
    name,
    description: description ?? null,
    defaultScoringProfile,
    fields,
    scoringProfiles,
    corsOptions: index.corsOptions ?? null,
    suggesters: suggesters ?? [],
    analyzers: index.analyzers ?? [],
    normalizers: index.normalizers ?? [],
    tokenizers: index.tokenizers ?? [],
    tokenFilters: index.tokenFilters ?? [],
    charFilters: index.charFilters ?? [],
    encryptionKey: index.encryptionKey ?? null,
    similarity: normalizeSimilarity(index.similarity),
    semantic: normalizeSemantic(index.semantic, resolved),
    vectorSearch,
    ...withoutKeys(rest, indexKeys),
  };
}

const indexKeys = [
  '@odata.etag',
  '@odata.context',
  'defaultScoringProfile',
  'scoringProfiles',
  'corsOptions',
  'analyzers',
  'normalizers',
  'tokenizers',
  'tokenFilters',
  'charFilters',
  'encryptionKey',
  'similarity',
  'semantic',
  'vectorSearch',
];

const fieldKeys = [
  'name',
  'type',
  'searchable',
  'filterable',
  'retrievable',
  'stored',
  'sortable',
  'facetable',
  'key',
  'indexAnalyzer',
  'searchAnalyzer',
  'analyzer',
  'normalizer',
  'dimensions',
  'vectorSearchProfile',
  'vectorEncoding',
  'synonymMaps',
];

function withoutKeys(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

const bm25 = '#Microsoft.Azure.Search.BM25Similarity';

function normalizeSimilarity(input: unknown): Record<string, unknown> {
  const similarity = (input ?? { '@odata.type': bm25 }) as Record<string, unknown>;
  if (similarity['@odata.type'] === bm25)
    return { '@odata.type': bm25, k1: similarity.k1 ?? null, b: similarity.b ?? null };
  if (similarity['@odata.type'] === '#Microsoft.Azure.Search.ClassicSimilarity') return similarity;
  throw invalidDefinition(
    `Unknown similarity '${String(similarity['@odata.type'])}'; use ${bm25} or #Microsoft.Azure.Search.ClassicSimilarity.`,
    'InvalidSimilarity',
  );
}

/** `semantic` as the service returns it; every field a configuration names must be a string field of the index. */
function normalizeSemantic(input: unknown, fields: Map<string, ResolvedField>): unknown {
  if (input === undefined || input === null) return null;
  const semantic = input as { defaultConfiguration?: string | null; configurations?: unknown };
  if (!Array.isArray(semantic.configurations) || semantic.configurations.length === 0) {
    throw invalidDefinition(
      'A semantic section needs at least one configuration.',
      'InvalidSemanticConfiguration',
    );
  }
  const configurations = (semantic.configurations as Record<string, unknown>[]).map((configuration) => {
    const prioritized = (configuration.prioritizedFields ?? {}) as Record<string, unknown>;
    const checked = (entry: unknown): { fieldName: string } => {
      const fieldName = (entry as { fieldName?: string } | null)?.fieldName;
      const field = fieldName === undefined ? undefined : fields.get(fieldName);
      if (!field || field.elementType !== 'Edm.String') {
        throw invalidDefinition(
          `Semantic configuration '${String(configuration.name)}' names '${String(fieldName)}', which is not a string field of the index.`,
          'InvalidSemanticConfiguration',
        );
      }
      return { fieldName: fieldName! };
    };
    return {
      name: configuration.name,
      rankingOrder: configuration.rankingOrder ?? 'BoostedRerankerScore',
      prioritizedFields: {
        titleField: prioritized.titleField ? checked(prioritized.titleField) : null,
        prioritizedContentFields: ((prioritized.prioritizedContentFields ?? []) as unknown[]).map(checked),
        prioritizedKeywordsFields: ((prioritized.prioritizedKeywordsFields ?? []) as unknown[]).map(checked),
      },
    };
  });
  const defaultConfiguration = semantic.defaultConfiguration ?? null;
  if (defaultConfiguration !== null && !configurations.some((c) => c.name === defaultConfiguration)) {
    throw invalidDefinition(
      `The default semantic configuration '${defaultConfiguration}' is not defined.`,
      'InvalidSemanticConfiguration',
    );
  }
  return { defaultConfiguration, configurations };
}

function normalizeFields(
  fields: FieldDefinition[],
  prefix: string,
  vectorSearch: ReturnType<typeof normalizeVectorSearch>,
): FieldDefinition[] {
  const seen = new Set<string>();
  return fields.map((field) => {
    if (typeof field.name !== 'string' || !fieldNamePattern.test(field.name)) {
      throw invalidDefinition(`Invalid field name '${String(field.name)}'.`, 'InvalidField');
    }
    const path = `${prefix}${field.name}`;
    if (seen.has(field.name)) throw invalidDefinition(`Duplicate field '${path}'.`, 'InvalidField');
    seen.add(field.name);
    const { elementType, isCollection } = elementTypeOf(String(field.type));
    const vector = isVectorType(elementType, isCollection);
    if (!primitiveTypes.has(elementType) || (elementType in scalarOnlyInVectors && !vector)) {
      throw invalidDefinition(
        `Field '${path}' has an unsupported type '${String(field.type)}'.${elementType in scalarOnlyInVectors ? ` ${elementType} is only valid in a vector field, Collection(${elementType}).` : ''}`,
        'InvalidField',
      );
    }
    if (elementType === 'Edm.ComplexType') {
      if (!Array.isArray(field.fields) || field.fields.length === 0) {
        throw invalidDefinition(`Complex field '${path}' needs sub-fields.`, 'InvalidField');
      }
      if (field.key) throw invalidDefinition('A complex field cannot be the key.', 'InvalidField');
      const { name, type, fields: children, ...rest } = field;
      return { name, type, fields: normalizeFields(children!, `${path}/`, vectorSearch), ...rest };
    }
    if (prefix && field.key)
      throw invalidDefinition('The key field must be a top-level field.', 'InvalidField');
    if (vector && prefix) {
      throw unsupported(
        'fields',
        `the vector field '${path}' is inside a complex field; the emulator searches top-level vector fields only`,
      );
    }
    if (vector) {
      normalizeVectorField(field, path, elementType, vectorSearch);
    } else {
      for (const attribute of ['dimensions', 'vectorSearchProfile', 'vectorEncoding'] as const) {
        if (field[attribute] !== undefined && field[attribute] !== null) {
          throw invalidDefinition(
            `The field '${path}' of type ${field.type} is not a vector field, so it cannot have '${attribute}'.`,
            'InvalidField',
          );
        }
      }
    }
    const isString = elementType === 'Edm.String';
    const isGeo = elementType === 'Edm.GeographyPoint';
    field.key ??= false;
    field.retrievable ??= true;
    field.stored ??= true;
    field.searchable ??= isString;
    field.filterable ??= true;
    field.sortable ??= !isCollection && !isGeo ? true : isGeo;
    field.facetable ??= !isGeo;
    if (field.searchable && !isString && !vector) {
      throw invalidDefinition(`Field '${path}' of type ${field.type} cannot be searchable.`, 'InvalidField');
    }
    if (field.sortable && isCollection) {
      throw invalidDefinition(`Collection field '${path}' cannot be sortable.`, 'InvalidField');
    }
    const synonymMaps = (field.synonymMaps as string[] | undefined | null) ?? [];
    if (synonymMaps.length > 0 && (!isString || !field.searchable)) {
      throw invalidDefinition(
        `The field '${path}' names synonym maps, which apply only to searchable Edm.String fields.`,
        'InvalidField',
      );
    }
    if (synonymMaps.length > 1) {
      throw invalidDefinition(`The field '${path}' can name at most one synonym map.`, 'InvalidField');
    }
    const complete: FieldDefinition = {
      name: field.name,
      type: field.type,
      searchable: field.searchable,
      filterable: field.filterable,
      retrievable: field.retrievable,
      stored: field.stored,
      sortable: field.sortable,
      facetable: field.facetable,
      key: field.key,
      indexAnalyzer: field.indexAnalyzer ?? null,
      searchAnalyzer: field.searchAnalyzer ?? null,
      analyzer: field.analyzer ?? null,
      normalizer: field.normalizer ?? null,
      dimensions: field.dimensions ?? null,
      vectorSearchProfile: field.vectorSearchProfile ?? null,
      vectorEncoding: field.vectorEncoding ?? null,
      synonymMaps,
      ...withoutKeys(field, fieldKeys),
    };
    return complete;
  });
}

/** Numeric types the service accepts only as the element type of a vector field. */
const scalarOnlyInVectors: Record<string, true> = {
  'Edm.Single': true,
  'Edm.Half': true,
  'Edm.Int16': true,
  'Edm.SByte': true,
  'Edm.Byte': true,
};

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
      Boolean(updated.definition.key) !== Boolean(field.definition.key) ||
      (updated.definition.dimensions ?? null) !== (field.definition.dimensions ?? null) ||
      (updated.definition.vectorEncoding ?? null) !== (field.definition.vectorEncoding ?? null)
    ) {
      throw badRequest(
        `Existing field '${path}' cannot change its type, key attribute, dimensions or vector encoding.`,
        'OperationNotAllowed',
      );
    }
  }
}
