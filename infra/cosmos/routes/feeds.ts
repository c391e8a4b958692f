import { randomUUID } from 'node:crypto';
import { badRequest } from '../errors.ts';
import { isTrue, ok, pageSize, type CosmosRequest, type CosmosResponse } from '../http.ts';
import { executeQuery, parseQuery, type Expr, type Query } from '../query/index.ts';
import { parsePartitionKeyHeader, type ContainerState, type Document } from '../store/index.ts';
import { itemBody } from './items.ts';

interface QuerySpec {
  query: string;
  parameters?: { name: string; value: unknown }[];
}

/** Results of a query kept between its pages, so paging does not re-run it (and pages stay consistent). */
const resultCache = new Map<string, { results: unknown[]; expires: number }>();
const parsedCache = new Map<string, Query>();
const maxPageBytes = 4 * 1024 * 1024;

function parse(text: string): Query {
  let query = parsedCache.get(text);
  if (!query) {
    query = parseQuery(text);
    if (parsedCache.size > 500) parsedCache.clear();
    parsedCache.set(text, query);
  }
  return query;
}

async function querySpec(request: CosmosRequest): Promise<QuerySpec> {
  const body = await request.json();
  const spec = (typeof body === 'string' ? { query: body } : body) as QuerySpec;
  if (typeof spec?.query !== 'string') throw badRequest('The query body needs a "query" string.');
  return spec;
}

function parameters(spec: QuerySpec): Map<string, unknown> {
  return new Map(
    (spec.parameters ?? []).map((p) => [p.name.startsWith('@') ? p.name : `@${p.name}`, p.value]),
  );
}

/** One page of `results` from the continuation's offset, bounded by count and by size as the service does. */
function page(request: CosmosRequest, name: string, rid: string, compute: () => unknown[]): CosmosResponse {
  const continuation = request.header('x-ms-continuation');
  let token: { id: string; offset: number } | undefined;
  if (continuation) {
    try {
      token = JSON.parse(continuation) as { id: string; offset: number };
    } catch {
      throw badRequest(`Invalid continuation token ${continuation}.`);
    }
  }
  const now = Date.now();
  for (const [key, entry] of resultCache) if (entry.expires < now) resultCache.delete(key);
  const cached = token ? resultCache.get(token.id) : undefined;
  const results = cached?.results ?? compute();
  const offset = token?.offset ?? 0;
  const max = pageSize(request);
  const documents: unknown[] = [];
  let bytes = 0;
  for (let i = offset; i < results.length && documents.length < max; i++) {
    bytes += JSON.stringify(results[i] ?? null).length;
    if (documents.length > 0 && bytes > maxPageBytes) break;
    documents.push(withoutLsn(results[i]));
  }
  const next = offset + documents.length;
  const headers: Record<string, string> = { 'x-ms-item-count': String(documents.length) };
  // A full page carries a continuation even when nothing follows, as the service's does (it does not look
  // ahead): the next page is then empty and final.
  if (next < results.length || (documents.length === max && documents.length > 0)) {
    const id = token?.id ?? randomUUID();
    if (resultCache.size >= 200) resultCache.delete(resultCache.keys().next().value!); // bound memory: oldest first
    resultCache.set(id, { results, expires: now + 5 * 60_000 });
    headers['x-ms-continuation'] = JSON.stringify({ id, offset: next });
  } else if (token) {
    resultCache.delete(token.id);
  }
  return ok({ _rid: rid, [name]: documents, _count: documents.length }, headers);
}

/** Whole items in query results look as point reads return them: without the change feed's `_lsn`. */
function withoutLsn(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !('_lsn' in result) || !('_rid' in result))
    return result;
  return itemBody(result as Document);
}

/** Queries over databases or containers (`createIfNotExists` and `readAll` use these). */
export async function runListQuery(
  request: CosmosRequest,
  name: string,
  rid: string,
  list: () => unknown[],
): Promise<CosmosResponse> {
  const spec = await querySpec(request);
  const query = parse(spec.query);
  return page(request, name, rid, () => executeQuery(query, list(), parameters(spec)));
}

/**
 * The plan the SDK asks for before a query: "nothing for you to do", since the emulator evaluates everything —
 * except `hasSelectValue`, which tells the SDK whether results are values or objects (the Java SDK reads a
 * `SELECT VALUE COUNT(1)` result as `{"_value": n}` otherwise).
 */
export async function queryPlan(request: CosmosRequest): Promise<CosmosResponse> {
  const spec = await querySpec(request);
  const query = parse(spec.query); // a syntax error is reported here too
  return ok({
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: 'None',
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: [],
      groupByAliases: [],
      aggregates: [],
      groupByAliasToAggregateType: {},
      rewrittenQuery: '',
      hasSelectValue: query.select.value !== undefined,
      hasNonStreamingOrderBy: false,
    },
    queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
  });
}

export async function queryItems(request: CosmosRequest, container: ContainerState): Promise<CosmosResponse> {
  const spec = await querySpec(request);
  const query = parse(spec.query);
  const params = parameters(spec);
  const partitionKey = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));
  const id = pinnedId(query, params);
  const documents = scopedDocuments(
    request,
    container,
    id === undefined ? container.documents(partitionKey) : container.documentsWithId(id, partitionKey),
    query,
  );
  if (!isTrue(request.header('x-ms-documentdb-populatequerymetrics')))
    return page(request, 'Documents', container.resource._rid, () => executeQuery(query, documents, params));
  // populateQueryMetrics: the service's semicolon-separated metrics of the execution (times in ms).
  let retrieved = 0;
  let retrievedBytes = 0;
  const counted = function* () {
    for (const doc of documents) {
      retrieved++;
      retrievedBytes += JSON.stringify(doc).length;
      yield doc;
    }
  };
  const started = performance.now();
  const response = page(request, 'Documents', container.resource._rid, () =>
    executeQuery(query, counted(), params),
  );
  const elapsed = (performance.now() - started).toFixed(2);
  const output = (response.body as { Documents: unknown[] }).Documents;
  response.headers!['x-ms-documentdb-query-metrics'] = [
    `totalExecutionTimeInMs=${elapsed}`,
    'queryCompileTimeInMs=0.00',
    'queryLogicalPlanBuildTimeInMs=0.00',
    'queryPhysicalPlanBuildTimeInMs=0.00',
    'queryOptimizationTimeInMs=0.00',
    `VMExecutionTimeInMs=${elapsed}`,
    'indexLookupTimeInMs=0.00',
    'documentLoadTimeInMs=0.00',
    'systemFunctionExecuteTimeInMs=0.00',
    'userFunctionExecuteTimeInMs=0.00',
    `retrievedDocumentCount=${retrieved}`,
    `retrievedDocumentSize=${retrievedBytes}`,
    `outputDocumentCount=${output.length}`,
    `outputDocumentSize=${JSON.stringify(output).length}`,
    'writeOutputTimeInMs=0.00',
    'indexUtilizationRatio=0.00',
  ].join(';');
  return response;
}

/**
 * The id a query pins with a top-level `AND`-ed `c.id = 'x'` (or `= @p`): only documents with that id can
 * match, so the query reads those instead of scanning the container. The WHERE clause still runs in full.
 */
function pinnedId(query: Query, params: ReadonlyMap<string, unknown>): string | undefined {
  const source = query.from[0];
  if (query.from.length !== 1 || source?.kind !== 'alias' || source.expr.kind !== 'ident' || !query.where)
    return undefined;
  const conjuncts: Expr[] = [];
  const flatten = (expr: Expr): void => {
    if (expr.kind === 'binary' && expr.op === 'AND') {
      flatten(expr.left);
      flatten(expr.right);
    } else conjuncts.push(expr);
  };
  flatten(query.where);
  const isId = (expr: Expr): boolean =>
    expr.kind === 'member' &&
    expr.object.kind === 'ident' &&
    expr.object.name === source.alias &&
    expr.property.kind === 'literal' &&
    expr.property.value === 'id';
  const valueOf = (expr: Expr): unknown =>
    expr.kind === 'literal' ? expr.value : expr.kind === 'param' ? params.get(expr.name) : undefined;
  for (const expr of conjuncts) {
    if (expr.kind !== 'binary' || expr.op !== '=') continue;
    const value = isId(expr.left) ? valueOf(expr.right) : isId(expr.right) ? valueOf(expr.left) : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `GET …/docs` without A-IM: every item, paged. */
export function readFeed(request: CosmosRequest, container: ContainerState): CosmosResponse {
  const partitionKey = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));
  return page(request, 'Documents', container.resource._rid, () => [
    ...scopedDocuments(request, container, container.documents(partitionKey)),
  ]);
}

/**
 * The change feed (`GET …/docs` with `A-IM: Incremental Feed`). The etag is the LSN read through: a client
 * sends it back in If-None-Match and gets what changed after it; 304 (with the etag) when nothing did.
 */
export function changeFeed(request: CosmosRequest, container: ContainerState): CosmosResponse {
  const allVersions = request.header('a-im')?.toLowerCase() === 'full-fidelity feed';
  const ifNoneMatch = request.header('if-none-match');
  const since = request.header('if-modified-since');
  if (allVersions && !ifNoneMatch && !since)
    throw badRequest(
      'All versions and deletes change feed does not support starting from the beginning: start from now or from a continuation token.',
    );
  let after: number;
  if (ifNoneMatch === '*') after = container.durableLsn;
  else if (ifNoneMatch) {
    after = Number(ifNoneMatch.replace(/"/g, ''));
    if (!Number.isInteger(after) || after < 0)
      throw badRequest(`Invalid change feed continuation ${ifNoneMatch}.`);
  } else if (since) {
    const ms = Date.parse(since);
    if (Number.isNaN(ms)) throw badRequest(`Invalid If-Modified-Since ${since}.`);
    after = container.lsnBefore(ms);
  } else after = 0;
  container.changeFeedReadFrom = after;

  const partitionKey = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));
  const filters: ((doc: Document) => boolean)[] = [];
  if (partitionKey) {
    const wanted = JSON.stringify(partitionKey);
    filters.push(
      (doc) => JSON.stringify(container.partitionKeyOf(doc).slice(0, partitionKey.length)) === wanted,
    );
  }
  const range = rangeFilter(request, container);
  if (range) filters.push(range);
  const filter = filters.length === 0 ? undefined : (doc: Document) => filters.every((f) => f(doc));
  const max = pageSize(request, 100);
  const { documents, through }: { documents: unknown[]; through: number } = allVersions
    ? (({ changes, through }) => ({ documents: changes, through }))(
        container.readAllVersions(after, max, filter),
      )
    : container.readChanges(after, max, filter);
  const etag = `"${through}"`;
  const headers = { etag, 'x-ms-item-count': String(documents.length), lsn: String(container.durableLsn) };
  if (documents.length === 0) return { status: 304, headers };
  return ok({ _rid: container.resource._rid, Documents: documents, _count: documents.length }, headers);
}

/**
 * What a request scoped to a physical partition (`x-ms-documentdb-partitionkeyrangeid`, 410/1002 when it was
 * split) or to a sub-range of one (`x-ms-start-epk`/`x-ms-end-epk`) may see; undefined when it sees everything.
 */
function rangeFilter(
  request: CosmosRequest,
  container: ContainerState,
): ((doc: Document) => boolean) | undefined {
  const rangeId = request.header('x-ms-documentdb-partitionkeyrangeid');
  const range = rangeId === undefined ? undefined : container.range(rangeId);
  const min = request.header('x-ms-start-epk') ?? range?.minInclusive ?? '';
  const max = request.header('x-ms-end-epk') ?? range?.maxExclusive ?? 'FF';
  if (min === '' && max.toUpperCase() === 'FF') return undefined;
  return (doc) => container.inEpkRange(doc, min, max);
}

/**
 * Queries the emulator evaluates whole because the SDKs would merge them across partitions with the plan's help
 * (ORDER BY, GROUP BY, aggregates, DISTINCT, TOP, OFFSET LIMIT): with several ranges, the first range answers
 * the whole query and the others answer nothing, so the SDK's plain concatenation is the right result.
 */
function needsMerge(query: Query): boolean {
  return (
    query.orderBy !== undefined ||
    query.groupBy !== undefined ||
    query.offset !== undefined ||
    query.select.distinct ||
    query.select.top !== undefined ||
    hasAggregate(query)
  );
}

const aggregateNames = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);

function hasAggregate(query: Query): boolean {
  const exprs = query.select.value ? [query.select.value] : query.select.items.map((i) => i.expr);
  const visit = (expr: Expr): boolean => {
    switch (expr.kind) {
      case 'call':
        return (!expr.udf && aggregateNames.has(expr.name.toUpperCase())) || expr.args.some(visit);
      case 'member':
        return visit(expr.object) || visit(expr.property);
      case 'array':
        return expr.items.some(visit);
      case 'object':
        return expr.props.some((p) => visit(p.value));
      case 'unary':
        return visit(expr.operand);
      case 'binary':
        return visit(expr.left) || visit(expr.right);
      case 'ternary':
        return visit(expr.condition) || visit(expr.then) || visit(expr.otherwise);
      default:
        return false;
    }
  };
  return exprs.some(visit);
}

/** The documents a query or read feed sees, scoped by partition key and by range as the request asks. */
function scopedDocuments(
  request: CosmosRequest,
  container: ContainerState,
  documents: Iterable<Document>,
  query?: Query,
): Iterable<Document> {
  const rangeId = request.header('x-ms-documentdb-partitionkeyrangeid');
  if (query && rangeId !== undefined && container.ranges.length > 1 && needsMerge(query)) {
    const range = container.range(rangeId);
    return range.minInclusive === '' ? documents : [];
  }
  const filter = rangeFilter(request, container);
  if (!filter) return documents;
  return [...documents].filter(filter);
}

export function isChangeFeed(request: CosmosRequest): boolean {
  return request.header('a-im') !== undefined;
}

export function isQueryPlan(request: CosmosRequest): boolean {
  return isTrue(request.header('x-ms-cosmos-is-query-plan-request'));
}
