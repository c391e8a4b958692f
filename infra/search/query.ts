import { badRequest, unsupported } from './errors.ts';
import { valuesAt, type Document } from './documents.ts';
import { computeFacet, parseFacet, type FacetBucket } from './facets.ts';
import { highlightText } from './highlight.ts';
import { parseSearchQuery, type QueryType, type SearchMode } from './lucene-query.ts';
import { evaluateFilter, parseFilter, type EvaluationScope, type FilterNode } from './odata-filter.ts';
import { orderComparator, parseFieldList, parseOrderBy } from './odata-orderby.ts';
import type { SearchIndex } from './search-index.ts';
import type { Scores } from './text-index.ts';
import { fuse, runVectorQueries } from './vector-query.ts';

/** A search request in the REST body's names (`filter`, `orderby`, `select`, `top`, …). */
export type SearchRequest = Record<string, unknown>;

const defaultPageSize = 50;
const maxPageSize = 1000;
const maxSkip = 100_000;

/** Parameters we implement. Harmless ones we accept and do not need to act on are listed separately. */
const implemented = new Set([
  'search',
  'searchMode',
  'queryType',
  'searchFields',
  'filter',
  'orderby',
  'select',
  'top',
  'skip',
  'count',
  'facets',
  'highlight',
  'highlightPreTag',
  'highlightPostTag',
  'vectorQueries',
  'vectorFilterMode',
  'semanticConfiguration',
  'semanticErrorHandling',
  'semanticMaxWaitInMilliseconds',
  'semanticQuery',
  'answers',
  'captions',
]);
/** The text side of a hybrid query contributes at most this many matches (the service's `maxTextRecallSize`). */
const maxTextRecallSize = 1000;
const accepted = new Set(['minimumCoverage', 'sessionId', 'scoringStatistics', 'api-version']);

/** GET `docs?…` uses `$`-prefixed names and repeats `facet`; this maps them onto the POST body's names. */
export function searchRequestFromQuery(query: URLSearchParams): SearchRequest {
  const request: SearchRequest = {};
  for (const [name, value] of query) {
    const key = name.replace(/^\$/, '');
    if (key === 'facet') (request.facets = (request.facets as string[] | undefined) ?? []).push(value);
    else if (key === 'top' || key === 'skip' || key === 'minimumCoverage') request[key] = Number(value);
    else if (key === 'count') request.count = value === 'true';
    else request[key] = value;
  }
  return request;
}

export function checkParameters(request: SearchRequest, known: Set<string>): void {
  for (const [name, value] of Object.entries(request)) {
    if (value === undefined || value === null) continue;
    if (!known.has(name) && !accepted.has(name)) throw unsupported(name);
  }
}

export interface SearchResponse {
  '@odata.count'?: number;
  '@search.facets'?: Record<string, FacetBucket[]>;
  '@search.nextPageParameters'?: SearchRequest;
  '@search.answers'?: unknown[];
  '@search.semanticPartialResponseReason'?: string;
  '@search.semanticPartialResponseType'?: string;
  value: Document[];
  '@odata.nextLink'?: string;
}

/** Runs `search.ismatch` sub-queries once per request, not once per document. */
export function filterPredicate(
  index: SearchIndex,
  filter: string | undefined,
): ((key: string, document: Document, score?: number) => boolean) | undefined {
  if (filter === undefined || filter === null || filter === '') return undefined;
  const node = parseFilter(filter, { fields: index.fields, attribute: 'filterable' });
  const cache = new Map<number, Set<string>>();
  const matches = (match: FilterNode & { kind: 'ismatch' }): Set<string> => {
    let keys = cache.get(match.id);
    if (!keys) {
      const fields = match.searchFields ? searchableList(index, match.searchFields) : index.searchableFields;
      const query = parseSearchQuery(
        match.search,
        (match.queryType ?? 'simple') as QueryType,
        (match.searchMode ?? 'any') as SearchMode,
      );
      keys = new Set(index.text.evaluate(query, fields).scores.keys());
      cache.set(match.id, keys);
    }
    return keys;
  };
  const scope = scopeFor(index, '', matches);
  return (key, document) => {
    scope.key = key; // one scope per request: evaluation never keeps it beyond the call
    return evaluateFilter(node, document, scope);
  };
}

function scopeFor(
  index: SearchIndex,
  key: string,
  matches: EvaluationScope['matches'],
  score?: number,
): EvaluationScope {
  return { key, bindings: new Map(), fields: index.fields, matches, score };
}

export function searchableList(index: SearchIndex, text: string): string[] {
  return (
    parseFieldList(text, index.fields, 'searchFields', (field) =>
      field.elementType === 'Edm.String' && field.definition.searchable ? undefined : 'is not searchable',
    ) ?? index.searchableFields
  );
}

export function executeSearch(
  index: SearchIndex,
  request: SearchRequest,
  nextLinkBase: string,
): SearchResponse {
  checkParameters(request, implemented);
  const requestedType = (request.queryType ?? 'simple') as string;
  const semantic = requestedType === 'semantic';
  if (semantic) checkSemantic(index, request);
  else if (request.semanticConfiguration !== undefined && request.semanticConfiguration !== null)
    throw badRequest("The parameter 'semanticConfiguration' needs queryType 'semantic'.");
  // Semantic ranking starts from the simple-syntax BM25 results; the emulator stops there (see checkSemantic).
  const queryType = semantic ? 'simple' : requestedType;
  if (queryType !== 'simple' && queryType !== 'full') throw badRequest(`Invalid queryType '${queryType}'.`);
  const searchMode = (request.searchMode ?? 'any') as string;
  if (searchMode !== 'any' && searchMode !== 'all') throw badRequest(`Invalid searchMode '${searchMode}'.`);
  if (request.search !== undefined && request.search !== null && typeof request.search !== 'string') {
    throw badRequest("The 'search' parameter must be a string.");
  }
  const top = request.top as number | undefined;
  const skip = (request.skip as number | undefined) ?? 0;
  if (top !== undefined && (!Number.isInteger(top) || top < 0))
    throw badRequest(`Invalid top '${String(top)}'.`);
  if (!Number.isInteger(skip) || skip < 0 || skip > maxSkip)
    throw badRequest(`Invalid skip '${String(skip)}': it must be between 0 and ${maxSkip}.`);

  const fields = request.searchFields
    ? searchableList(index, request.searchFields as string)
    : index.searchableFields;
  const select = parseFieldList(request.select as string | undefined, index.fields, 'select');
  const highlightFields = parseFieldList(
    request.highlight as string | undefined,
    index.fields,
    'highlight',
    (field) =>
      field.elementType === 'Edm.String' && field.definition.searchable ? undefined : 'is not searchable',
  );
  const order = request.orderby ? parseOrderBy(request.orderby as string, index.fields) : undefined;
  const facets = ((request.facets as string[] | undefined) ?? []).map((expression) => ({
    expression,
    spec: parseFacet(expression, index.fields),
  }));
  const predicate = filterPredicate(index, request.filter as string | undefined);

  const vectorQueries = request.vectorQueries as unknown[] | undefined;
  const { keys, scores, matchedTerms } = rankedKeys(index, request, () => {
    const query = parseSearchQuery(request.search as string | undefined, queryType, searchMode);
    // `*` (with or without a filter) needs no text index: every document scores 1.
    const textQuery = !(query.kind === 'all' && query.boost === undefined);
    const evaluation = textQuery
      ? index.text.evaluate(query, fields)
      : { scores: undefined, matchedTerms: new Set<string>() };
    const vectorOnly = !textQuery && vectorQueries !== undefined && vectorQueries.length > 0;
    let found = vectorOnly ? [] : matchingKeys(index, evaluation.scores, predicate);
    let ranked = evaluation.scores;
    if (ranked) found.sort((a, b) => ranked!.get(b)! - ranked!.get(a)!);
    if (vectorQueries && vectorQueries.length > 0) {
      // Pure vector (no text, or `*`): one list keeps its similarity scores; text plus vectors, or several
      // vector lists, are fused with Reciprocal Rank Fusion, as the service ranks hybrid queries.
      const lists = runVectorQueries(index, vectorQueries, request.vectorFilterMode, predicate);
      if (textQuery) lists.unshift({ keys: found.slice(0, maxTextRecallSize), scores: ranked!, weight: 1 });
      const merged = lists.length === 1 ? lists[0]! : fuse(lists);
      found = merged.keys;
      ranked = merged.scores;
    }
    if (order) {
      const compare = orderComparator(
        order,
        (key) => scopeFor(index, key, () => new Set(), ranked?.get(key) ?? 1),
        (key) => index.documents.get(key)!,
      );
      found.sort(compare);
    }
    return { keys: found, scores: ranked, matchedTerms: evaluation.matchedTerms };
  });
  const scoreOf = (key: string): number => scores?.get(key) ?? 1;

  const response: SearchResponse = { value: [] };
  if (request.count === true) response['@odata.count'] = keys.length;
  if (facets.length > 0) {
    const documents = keys.map((key) => index.documents.get(key)!);
    response['@search.facets'] = Object.fromEntries(
      facets.map(({ spec }) => [spec.field.path, computeFacet(spec, documents)]),
    );
  }
  const pageSize = top === undefined ? defaultPageSize : Math.min(top, maxPageSize);
  const page = keys.slice(skip, skip + pageSize);
  const preTag = (request.highlightPreTag as string | undefined) ?? '<em>';
  const postTag = (request.highlightPostTag as string | undefined) ?? '</em>';
  for (const key of page) {
    const document = index.documents.get(key)!;
    const item: Document = { '@search.score': scoreOf(key) };
    if (highlightFields)
      item['@search.highlights'] = highlights(document, highlightFields, matchedTerms, preTag, postTag);
    if (semantic && request.captions) item['@search.captions'] = [];
    Object.assign(item, index.project(key, select));
    response.value.push(item);
  }
  if (semantic) {
    // The stand-in for the semantic ranker: results stay in their BM25 (or RRF) order and say so the way the
    // service does when its ranker could not run: base results, no @search.rerankerScore, no answers or captions.
    if (request.answers) response['@search.answers'] = [];
    response['@search.semanticPartialResponseReason'] = 'capacityOverloaded';
    response['@search.semanticPartialResponseType'] = 'baseResults';
  }
  const wanted = top === undefined ? Infinity : top;
  const hasMore = keys.length > skip + pageSize && wanted > pageSize;
  if (hasMore) {
    const next: SearchRequest = { ...request, skip: skip + pageSize };
    if (top === undefined) delete next.top;
    else next.top = top - pageSize;
    response['@search.nextPageParameters'] = next;
    response['@odata.nextLink'] = nextLinkBase;
  }
  // The service's property order: counts, facets and semantic notes first, then the results, then the next link.
  const { value, '@odata.nextLink': nextLink, ...head } = response;
  return { ...head, value, ...(nextLink !== undefined ? { '@odata.nextLink': nextLink } : {}) };
}

interface Ranked {
  keys: string[];
  scores: Scores | undefined;
  matchedTerms: Set<string>;
}

/**
 * The matching keys in result order, cached per index version and query (everything but paging), so that a
 * client paging through 100k results with `skip` does not pay for matching and sorting again on every page.
 */
const rankedCache = new WeakMap<SearchIndex, { version: number; entries: Map<string, Ranked> }>();

function rankedKeys(index: SearchIndex, request: SearchRequest, compute: () => Ranked): Ranked {
  const { search, searchMode, queryType, searchFields, filter, orderby, vectorQueries, vectorFilterMode } =
    request;
  const cacheKey = JSON.stringify([
    search,
    searchMode,
    queryType,
    searchFields,
    filter,
    orderby,
    vectorQueries,
    vectorFilterMode,
  ]);
  let cache = rankedCache.get(index);
  if (!cache || cache.version !== index.version) {
    cache = { version: index.version, entries: new Map() };
    rankedCache.set(index, cache);
  }
  const hit = cache.entries.get(cacheKey);
  if (hit) return hit;
  const ranked = compute();
  if (cache.entries.size >= 8) cache.entries.delete(cache.entries.keys().next().value!);
  cache.entries.set(cacheKey, ranked);
  return ranked;
}

function matchingKeys(
  index: SearchIndex,
  scores: Scores | undefined,
  predicate: ReturnType<typeof filterPredicate>,
): string[] {
  const keys: string[] = [];
  for (const key of scores ? scores.keys() : index.documents.keys()) {
    const document = index.documents.get(key);
    if (!document) continue;
    if (predicate && !predicate(key, document)) continue;
    keys.push(key);
  }
  return keys;
}

function highlights(
  document: Document,
  fields: string[],
  matched: Set<string>,
  preTag: string,
  postTag: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const field of fields) {
    const fragments: string[] = [];
    for (const value of valuesAt(document, field)) {
      if (typeof value !== 'string') continue;
      const fragment = highlightText(value, matched, preTag, postTag);
      if (fragment !== undefined) fragments.push(fragment);
    }
    if (fragments.length > 0) out[field] = fragments;
  }
  return out;
}

/**
 * `queryType: semantic` needs a semantic configuration (named, or the index's default), as on the service. The
 * emulator has no semantic ranker: it answers with the L1 results and marks the response as base results.
 */
function checkSemantic(index: SearchIndex, request: SearchRequest): void {
  const semantic = index.definition.semantic as
    { defaultConfiguration: string | null; configurations: { name: string }[] } | null | undefined;
  if (!semantic) {
    throw badRequest(
      `queryType 'semantic' needs a semantic configuration, and the index '${index.definition.name}' defines none. Add a 'semantic' section to the index.`,
    );
  }
  const name = (request.semanticConfiguration as string | undefined) ?? semantic.defaultConfiguration;
  if (name === null || name === undefined) {
    throw badRequest(
      "queryType 'semantic' needs the parameter 'semanticConfiguration' (the index has no default semantic configuration).",
    );
  }
  if (!semantic.configurations.some((configuration) => configuration.name === name)) {
    throw badRequest(`Unknown semantic configuration '${name}' for queryType 'semantic'.`);
  }
}
