import { invalidDefinition } from './errors.ts';
import type { FieldDefinition, IndexDefinition } from './schema.ts';

/**
 * The index's `vectorSearch` section and its vector fields, checked with the service's rules and completed with
 * the defaults the service returns (HNSW m=4, efConstruction=400, efSearch=500, metric cosine; rescoring on with
 * oversampling 4 for compressions).
 */
export type VectorMetric = 'cosine' | 'euclidean' | 'dotProduct' | 'hamming';

/** Element types a vector field may hold, with the value range each element must fit. */
export const vectorElementTypes: Record<string, { min: number; max: number; integer: boolean }> = {
  'Edm.Single': { min: -3.4028235e38, max: 3.4028235e38, integer: false },
  'Edm.Half': { min: -65504, max: 65504, integer: false },
  'Edm.Int16': { min: -32768, max: 32767, integer: true },
  'Edm.SByte': { min: -128, max: 127, integer: true },
  'Edm.Byte': { min: 0, max: 255, integer: true },
};

const metrics = new Set<VectorMetric>(['cosine', 'euclidean', 'dotProduct', 'hamming']);
const vectorizerKinds = new Set(['azureOpenAI', 'customWebApi', 'aml', 'aiServicesVision']);
const maxDimensions = 4096;

interface VectorSearchSection {
  algorithms: Record<string, unknown>[];
  profiles: Record<string, unknown>[];
  vectorizers: Record<string, unknown>[];
  compressions: Record<string, unknown>[];
}

export function isVectorType(elementType: string, isCollection: boolean): boolean {
  return isCollection && elementType in vectorElementTypes;
}

/** The `vectorSearch` section as the service returns it, or `null` when the index has none. */
export function normalizeVectorSearch(input: unknown): VectorSearchSection | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object')
    throw invalidDefinition("'vectorSearch' must be an object.", 'InvalidVectorSearch');
  const section = input as Partial<Record<keyof VectorSearchSection, unknown>>;
  const list = (name: keyof VectorSearchSection): Record<string, unknown>[] => {
    const value = section[name] ?? [];
    if (!Array.isArray(value))
      throw invalidDefinition(`'vectorSearch.${name}' must be a list.`, 'InvalidVectorSearch');
    return value.map((item) => {
      if (typeof item !== 'object' || item === null || typeof (item as { name?: unknown }).name !== 'string')
        throw invalidDefinition(`Every entry of 'vectorSearch.${name}' needs a name.`, 'InvalidVectorSearch');
      return item as Record<string, unknown>;
    });
  };
  const algorithms = unique(list('algorithms'), 'algorithm configuration').map(normalizeAlgorithm);
  const compressions = unique(list('compressions'), 'compression').map(normalizeCompression);
  const vectorizers = unique(list('vectorizers'), 'vectorizer').map((vectorizer) => {
    if (!vectorizerKinds.has(vectorizer.kind as string)) {
      throw invalidDefinition(
        `Vectorizer '${String(vectorizer.name)}' has an unknown kind '${String(vectorizer.kind)}'; use one of ${[...vectorizerKinds].join(', ')}.`,
        'InvalidVectorizer',
      );
    }
    return vectorizer;
  });
  const named = (items: Record<string, unknown>[]) => new Set(items.map((item) => item.name as string));
  const [algorithmNames, vectorizerNames, compressionNames] = [algorithms, vectorizers, compressions].map(
    named,
  );
  const profiles = unique(list('profiles'), 'profile').map((profile) => {
    const out = {
      name: profile.name,
      algorithm: profile.algorithm ?? null,
      vectorizer: profile.vectorizer ?? null,
      compression: profile.compression ?? null,
    };
    if (typeof out.algorithm !== 'string' || !algorithmNames!.has(out.algorithm)) {
      throw invalidDefinition(
        `The vector search profile '${String(profile.name)}' uses an algorithm configuration '${String(out.algorithm)}' which is not defined.`,
        'UnknownVectorAlgorithmConfiguration',
      );
    }
    if (out.vectorizer !== null && !vectorizerNames!.has(out.vectorizer as string)) {
      throw invalidDefinition(
        `The vector search profile '${String(profile.name)}' uses a vectorizer '${String(out.vectorizer)}' which is not defined.`,
        'UnknownVectorizer',
      );
    }
    if (out.compression !== null && !compressionNames!.has(out.compression as string)) {
      throw invalidDefinition(
        `The vector search profile '${String(profile.name)}' uses a compression '${String(out.compression)}' which is not defined.`,
        'UnknownVectorCompression',
      );
    }
    return out;
  });
  return { algorithms, profiles, vectorizers, compressions };
}

function unique(items: Record<string, unknown>[], what: string): Record<string, unknown>[] {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.name as string))
      throw invalidDefinition(
        `The ${what} name '${String(item.name)}' is used more than once.`,
        'DuplicateName',
      );
    seen.add(item.name as string);
  }
  return items;
}

function normalizeAlgorithm(algorithm: Record<string, unknown>): Record<string, unknown> {
  const name = String(algorithm.name);
  const given = (key: string) => (algorithm[key] ?? {}) as Record<string, unknown>;
  if (algorithm.kind === 'hnsw') {
    const parameters = given('hnswParameters');
    const hnsw = {
      metric: parameters.metric ?? 'cosine',
      m: parameters.m ?? 4,
      efConstruction: parameters.efConstruction ?? 400,
      efSearch: parameters.efSearch ?? 500,
    };
    checkMetric(name, hnsw.metric);
    checkRange(name, 'm', hnsw.m, 4, 10);
    checkRange(name, 'efConstruction', hnsw.efConstruction, 100, 1000);
    checkRange(name, 'efSearch', hnsw.efSearch, 100, 1000);
    return { name, kind: 'hnsw', hnswParameters: hnsw, exhaustiveKnnParameters: null };
  }
  if (algorithm.kind === 'exhaustiveKnn') {
    const metric = given('exhaustiveKnnParameters').metric ?? 'cosine';
    checkMetric(name, metric);
    return { name, kind: 'exhaustiveKnn', hnswParameters: null, exhaustiveKnnParameters: { metric } };
  }
  throw invalidDefinition(
    `The algorithm configuration '${name}' has an unknown kind '${String(algorithm.kind)}'; use 'hnsw' or 'exhaustiveKnn'.`,
    'InvalidVectorSearchAlgorithm',
  );
}

function checkMetric(algorithm: string, metric: unknown): void {
  if (!metrics.has(metric as VectorMetric)) {
    throw invalidDefinition(
      `The algorithm configuration '${algorithm}' has an unknown metric '${String(metric)}'; use one of ${[...metrics].join(', ')}.`,
      'InvalidVectorSearchAlgorithm',
    );
  }
}

function checkRange(algorithm: string, parameter: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidDefinition(
      `The HNSW parameter '${parameter}' of algorithm configuration '${algorithm}' must be an integer between ${min} and ${max} (was ${String(value)}).`,
      'InvalidVectorSearchAlgorithm',
    );
  }
}

function normalizeCompression(compression: Record<string, unknown>): Record<string, unknown> {
  const name = String(compression.name);
  if (compression.kind !== 'scalarQuantization' && compression.kind !== 'binaryQuantization') {
    throw invalidDefinition(
      `The compression '${name}' has an unknown kind '${String(compression.kind)}'; use 'scalarQuantization' or 'binaryQuantization'.`,
      'InvalidVectorCompression',
    );
  }
  const rescoring = (compression.rescoringOptions ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {
    name,
    kind: compression.kind,
    truncationDimension: compression.truncationDimension ?? null,
    rescoringOptions: {
      enableRescoring: rescoring.enableRescoring ?? true,
      defaultOversampling: rescoring.defaultOversampling ?? 4,
      rescoreStorageMethod: rescoring.rescoreStorageMethod ?? 'preserveOriginals',
    },
  };
  if (compression.kind === 'scalarQuantization') {
    const parameters = (compression.scalarQuantizationParameters ?? {}) as Record<string, unknown>;
    out.scalarQuantizationParameters = { quantizedDataType: parameters.quantizedDataType ?? 'int8' };
  }
  return out;
}

/** Checks a vector field against the index's `vectorSearch` section and fills its vector attributes' defaults. */
export function normalizeVectorField(
  field: FieldDefinition,
  path: string,
  elementType: string,
  vectorSearch: VectorSearchSection | null,
): void {
  field.searchable ??= true;
  for (const attribute of ['filterable', 'sortable', 'facetable'] as const) {
    field[attribute] ??= false;
    if (field[attribute]) {
      throw invalidDefinition(`The vector field '${path}' cannot be ${attribute}.`, 'InvalidField');
    }
  }
  if (field.key) throw invalidDefinition(`The vector field '${path}' cannot be the key.`, 'InvalidField');
  if (field.dimensions === undefined || field.dimensions === null) {
    throw invalidDefinition(
      `The vector field '${path}' must have the property 'dimensions' set.`,
      'InvalidField',
    );
  }
  if (field.vectorSearchProfile === undefined || field.vectorSearchProfile === null) {
    throw invalidDefinition(
      `The vector field '${path}' must have the property 'vectorSearchProfile' set.`,
      'InvalidField',
    );
  }
  const packedBit = field.vectorEncoding === 'packedBit';
  if (field.vectorEncoding !== undefined && field.vectorEncoding !== null && !packedBit) {
    throw invalidDefinition(
      `The vector field '${path}' has an unknown vectorEncoding '${String(field.vectorEncoding)}'; the only encoding is 'packedBit'.`,
      'InvalidField',
    );
  }
  if (packedBit && elementType !== 'Edm.Byte') {
    throw invalidDefinition(
      `The vector field '${path}' uses vectorEncoding 'packedBit', which needs the type Collection(Edm.Byte).`,
      'InvalidField',
    );
  }
  const dimensions = field.dimensions as number;
  if (!Number.isInteger(dimensions) || dimensions < 2 || dimensions > maxDimensions * (packedBit ? 8 : 1)) {
    throw invalidDefinition(
      `The vector field '${path}' has ${String(dimensions)} dimensions; it must have between 2 and ${maxDimensions * (packedBit ? 8 : 1)}.`,
      'InvalidField',
    );
  }
  if (packedBit && dimensions % 8 !== 0) {
    throw invalidDefinition(
      `The packedBit vector field '${path}' must have a number of dimensions divisible by 8 (was ${dimensions}).`,
      'InvalidField',
    );
  }
  const profile = vectorSearch?.profiles.find((candidate) => candidate.name === field.vectorSearchProfile);
  if (!profile) {
    throw invalidDefinition(
      `The field '${path}' uses a vector search algorithm configuration '${String(field.vectorSearchProfile)}' which is not defined.`,
      'UnknownVectorAlgorithmConfiguration',
    );
  }
  const metric = vectorMetric(vectorSearch!, field.vectorSearchProfile as string);
  if ((metric === 'hamming') !== packedBit) {
    throw invalidDefinition(
      packedBit
        ? `The packedBit vector field '${path}' needs a profile whose algorithm uses the 'hamming' metric.`
        : `The vector field '${path}' uses the 'hamming' metric, which applies only to packedBit fields of type Collection(Edm.Byte).`,
      'InvalidField',
    );
  }
  if (field.stored === false && field.retrievable !== false) {
    throw invalidDefinition(
      `The vector field '${path}' has 'stored' set to false, so it must also have 'retrievable' set to false.`,
      'InvalidField',
    );
  }
}

/** The metric of a profile's algorithm. */
export function vectorMetric(vectorSearch: VectorSearchSection, profileName: string): VectorMetric {
  const profile = vectorSearch.profiles.find((candidate) => candidate.name === profileName)!;
  const algorithm = vectorSearch.algorithms.find((candidate) => candidate.name === profile.algorithm)!;
  const parameters = (algorithm.hnswParameters ?? algorithm.exhaustiveKnnParameters) as {
    metric: VectorMetric;
  };
  return parameters.metric;
}

/** The vectorSearch section of a stored definition (already normalized). */
export function vectorSearchOf(index: IndexDefinition): VectorSearchSection | null {
  return (index.vectorSearch as VectorSearchSection | null | undefined) ?? null;
}
