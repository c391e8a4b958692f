import { SearchRequestError, badRequest, unsupported } from './errors.ts';
import type { Document } from './documents.ts';
import type { SearchIndex } from './search-index.ts';
import { vectorMetric, vectorSearchOf, type VectorMetric } from './vector-schema.ts';

/**
 * `vectorQueries` answered exactly: every stored vector of a field is compared with the query vector (what the
 * service's `exhaustiveKnn` does; its HNSW is approximate, so on large indexes the service may miss a neighbour
 * this finds). Scores follow the service's documented shape for cosine, `1 / (1 + cosine distance)`.
 */
export interface RankedList {
  /** Keys best first. */
  keys: string[];
  scores: Map<string, number>;
  /** The query's `weight` in Reciprocal Rank Fusion. */
  weight: number;
}

interface VectorQuery {
  kind?: string;
  vector?: unknown;
  fields?: unknown;
  k?: unknown;
  exhaustive?: unknown;
  oversampling?: unknown;
  weight?: unknown;
}

/** Reciprocal Rank Fusion's constant, as the service documents it. */
export const rrfConstant = 60;
/** Neighbours per vector query when `k` is not given. */
export const defaultK = 50;
const filterModes = new Set(['preFilter', 'postFilter', 'strictPostFilter']);

/** One ranked list per (vector query, field): each is fused separately, as the service counts executions. */
export function runVectorQueries(
  index: SearchIndex,
  queries: unknown,
  filterMode: unknown,
  predicate: ((key: string, document: Document) => boolean) | undefined,
): RankedList[] {
  if (!Array.isArray(queries)) throw badRequest("'vectorQueries' must be a list of vector queries.");
  const mode = (filterMode ?? 'preFilter') as string;
  if (!filterModes.has(mode)) {
    throw badRequest(
      `Invalid vectorFilterMode '${mode}'; use 'preFilter', 'postFilter' or 'strictPostFilter'.`,
    );
  }
  const lists: RankedList[] = [];
  for (const raw of queries as VectorQuery[]) {
    const query = raw ?? {};
    if (query.kind !== 'vector') {
      if (query.kind === 'text' || query.kind === 'imageUrl' || query.kind === 'imageBinary') {
        throw unsupported(
          'vectorQueries',
          `kind '${query.kind}' needs the index's vectorizer (an embedding model the emulator cannot call); send kind 'vector' with the embedding instead`,
        );
      }
      throw badRequest(`Invalid vector query kind '${String(query.kind)}'.`);
    }
    if (
      !Array.isArray(query.vector) ||
      !query.vector.every((n) => typeof n === 'number' && Number.isFinite(n))
    )
      throw badRequest("A vector query's 'vector' must be a list of numbers.");
    const k = query.k ?? defaultK;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1)
      throw badRequest(
        `Invalid k '${String(k)}': the number of nearest neighbours must be a positive integer.`,
      );
    const weight = query.weight ?? 1;
    if (typeof weight !== 'number' || !(weight > 0))
      throw badRequest(
        `Invalid vector query weight '${String(weight)}': it must be a number greater than 0.`,
      );
    if (typeof query.fields !== 'string' || query.fields.trim() === '')
      throw badRequest("A vector query needs 'fields': the vector fields to search, comma-separated.");
    for (const name of query.fields.split(',').map((field) => field.trim())) {
      const metric = checkField(index, name, query);
      lists.push({
        ...nearest(
          index,
          name,
          metric,
          query.vector as number[],
          k,
          mode === 'preFilter' ? predicate : undefined,
        ),
        weight,
      });
      if (mode !== 'preFilter' && predicate) {
        const last = lists[lists.length - 1]!;
        last.keys = last.keys.filter((key) => predicate(key, index.documents.get(key)!));
      }
    }
  }
  return lists;
}

function checkField(index: SearchIndex, name: string, query: VectorQuery): VectorMetric {
  if (!index.fields.has(name)) {
    throw new SearchRequestError(
      400,
      'InvalidRequestParameter',
      `Unknown field '${name}' in vector field list.`,
      [{ code: 'UnknownField', message: `Unknown field '${name}' in vector field list.` }],
    );
  }
  if (!index.vectors.has(name)) {
    throw badRequest(
      `The field '${name}' in the vector field list is not a vector field.\r\nParameter name: vector.fields`,
    );
  }
  const definition = index.fields.get(name)!.definition;
  if (definition.searchable === false)
    throw badRequest(`The vector field '${name}' is not searchable, so it cannot be queried.`);
  const vector = query.vector as number[];
  const length =
    definition.vectorEncoding === 'packedBit'
      ? (definition.dimensions as number) / 8
      : (definition.dimensions as number);
  if (vector.length !== length) {
    throw badRequest(
      `The vector query's 'vector' has ${vector.length} dimensions, but the vector field '${name}' has ${length}.`,
    );
  }
  const vectorSearch = vectorSearchOf(index.definition)!;
  const profile = vectorSearch.profiles.find((p) => p.name === definition.vectorSearchProfile)!;
  if (query.oversampling !== undefined && query.oversampling !== null && profile.compression === null) {
    throw badRequest(
      `Oversampling applies only to vector fields with compression; the profile '${String(profile.name)}' of field '${name}' has none.`,
    );
  }
  return vectorMetric(vectorSearch, definition.vectorSearchProfile as string);
}

/** The k best documents of one field, by the metric's score, ties in storage order. */
function nearest(
  index: SearchIndex,
  field: string,
  metric: VectorMetric,
  vector: number[],
  k: number,
  predicate: ((key: string, document: Document) => boolean) | undefined,
): Omit<RankedList, 'weight'> {
  const query = Float32Array.from(vector);
  const score = scorer(metric, query);
  const best: { key: string; score: number }[] = [];
  for (const [key, stored] of index.vectors.get(field)!) {
    if (predicate && !predicate(key, index.documents.get(key)!)) continue;
    const value = score(stored);
    if (best.length === k && value <= best[k - 1]!.score) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < value) at--;
    best.splice(at, 0, { key, score: value });
    if (best.length > k) best.pop();
  }
  return { keys: best.map((hit) => hit.key), scores: new Map(best.map((hit) => [hit.key, hit.score])) };
}

/**
 * `@search.score` per metric, higher is closer. Cosine is the service's documented `1 / (1 + (1 - cos))`.
 * The service does not document the others; these keep the same shape: euclidean and hamming `1 / (1 + distance)`,
 * dotProduct `1 / (2 - dot)` up to a dot of 1 (equal to cosine's score for normalized vectors) and `dot` above it.
 */
export function scorer(metric: VectorMetric, query: Float32Array): (stored: Float32Array) => number {
  switch (metric) {
    case 'cosine': {
      const queryNorm = Math.sqrt(dot(query, query));
      return (stored) => {
        // One pass for the dot product and the stored vector's norm: this loop is the whole cost of a query.
        let product = 0;
        let squares = 0;
        for (let i = 0; i < query.length; i++) {
          const value = stored[i]!;
          product += query[i]! * value;
          squares += value * value;
        }
        const norms = queryNorm * Math.sqrt(squares);
        return 1 / (2 - (norms === 0 ? 0 : product / norms));
      };
    }
    case 'dotProduct':
      return (stored) => {
        const value = dot(query, stored);
        return value <= 1 ? 1 / (2 - value) : value;
      };
    case 'euclidean':
      return (stored) => {
        let sum = 0;
        for (let i = 0; i < query.length; i++) sum += (query[i]! - stored[i]!) ** 2;
        return 1 / (1 + Math.sqrt(sum));
      };
    case 'hamming':
      return (stored) => {
        let differing = 0;
        for (let i = 0; i < query.length; i++) differing += popcount((query[i]! ^ stored[i]!) & 0xff);
        return 1 / (1 + differing);
      };
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function popcount(byte: number): number {
  let count = 0;
  for (let bits = byte; bits !== 0; bits &= bits - 1) count++;
  return count;
}

/**
 * Reciprocal Rank Fusion as the service documents it: each list gives a document `weight / (60 + rank)` (rank
 * from 1), summed over the lists; ties keep the order of first appearance.
 */
export function fuse(lists: RankedList[]): { keys: string[]; scores: Map<string, number> } {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.keys.forEach((key, position) => {
      scores.set(key, (scores.get(key) ?? 0) + list.weight / (rrfConstant + position + 1));
    });
  }
  const keys = [...scores.keys()].sort((a, b) => scores.get(b)! - scores.get(a)!);
  return { keys, scores };
}
