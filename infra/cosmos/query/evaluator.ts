import { CosmosError, QueryError } from '../errors.ts';
import type { Expr, FromSource, Query, SelectClause } from './ast.ts';
import { evaluate, type Bindings, type Scope } from './expressions.ts';
import { aggregateNames } from './functions.ts';
import { implicitName } from './parser.ts';
import { canonicalKey, orderCompare } from './values.ts';

/**
 * Runs a parsed query over a container's documents (`null` for a subquery, whose FROM starts from the outer
 * row). The whole result is computed here, server-side — ORDER BY, GROUP BY, DISTINCT, aggregates, OFFSET/LIMIT
 * and TOP — so the SDK never has to do cross-partition work of its own.
 */
export function executeQuery(
  query: Query,
  documents: Iterable<unknown> | null,
  params: ReadonlyMap<string, unknown>,
  outer: Bindings = {},
): unknown[] {
  if (query.select.star && query.from.length > 1) {
    throw new QueryError("'SELECT *' is only valid with a single input set.", 0, 6, 'SC2032');
  }
  const outerScope: Scope = { bindings: outer, params };
  const grouped = query.groupBy !== undefined || selectHasAggregate(query.select);
  const top =
    query.select.top === undefined ? undefined : integer(evaluate(query.select.top, outerScope), 'TOP');
  const offset = query.offset === undefined ? 0 : integer(evaluate(query.offset, outerScope), 'OFFSET');
  const limit = query.limit === undefined ? undefined : integer(evaluate(query.limit, outerScope), 'LIMIT');
  const streaming = !grouped && !query.orderBy && !query.select.distinct;
  const wanted = Math.min(top ?? Infinity, limit === undefined ? Infinity : offset + limit);

  const rows: Bindings[] = [];
  for (const row of sourceRows(query.from, documents, outerScope)) {
    if (query.where && evaluate(query.where, { bindings: row, params }) !== true) continue;
    rows.push(row);
    if (streaming && rows.length >= wanted) break;
  }

  // Rows to project, in order: ordering happens on source rows (ORDER BY sees the FROM aliases), projection
  // only for rows that can reach the result.
  let ordered: { bindings: Bindings; group?: Bindings[] }[];
  if (grouped) {
    ordered = groupRows(rows, query.groupBy, params).map((group) => ({ bindings: group[0] ?? outer, group }));
    if (query.orderBy) ordered = sortScopes(ordered, query.orderBy, params, Infinity);
  } else {
    ordered = rows.map((bindings) => ({ bindings }));
    // With TOP or LIMIT and no DISTINCT, only the first `wanted` rows matter: keep those instead of sorting all.
    if (query.orderBy)
      ordered = sortScopes(ordered, query.orderBy, params, query.select.distinct ? Infinity : wanted);
  }

  const results: unknown[] = [];
  const seen = query.select.distinct ? new Set<string>() : undefined;
  let skipped = 0;
  for (const scope of ordered) {
    if (results.length >= wanted - offset) break;
    const value = project(query.select, { bindings: scope.bindings, params, group: scope.group });
    if (value === undefined) continue;
    if (seen) {
      const key = canonicalKey(value);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    if (skipped < offset) {
      skipped++;
      continue;
    }
    results.push(value);
  }
  return results;
}

/** True when the document satisfies the query's WHERE clause (patch conditions). */
export function matches(
  query: Query,
  document: unknown,
  params: ReadonlyMap<string, unknown> = new Map(),
): boolean {
  return (
    executeQuery({ ...query, select: { distinct: false, star: true, items: [] } }, [document], params)
      .length > 0
  );
}

function integer(value: unknown, clause: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new CosmosError(400, `The ${clause} value must be a non-negative integer.`);
  }
  return value;
}

function* sourceRows(
  from: FromSource[],
  documents: Iterable<unknown> | null,
  scope: Scope,
): Generator<Bindings> {
  if (from.length === 0) {
    yield scope.bindings;
    return;
  }
  const [first, ...joins] = from as [FromSource, ...FromSource[]];
  const root = rootName(first.expr);
  const starts: Iterable<Bindings> =
    documents === null
      ? [scope.bindings]
      : (function* () {
          for (const document of documents)
            yield { ...scope.bindings, ...(root ? { [root]: document } : {}) };
        })();
  // The common `FROM c` over a container: one small row per document, nothing else to evaluate.
  if (documents !== null && first.kind === 'alias' && first.expr.kind === 'ident' && joins.length === 0) {
    const outer = Object.keys(scope.bindings).length > 0 ? scope.bindings : undefined;
    for (const document of documents) {
      if (document !== undefined)
        yield outer ? { ...outer, [first.alias]: document } : { [first.alias]: document };
    }
    return;
  }
  for (const start of starts) {
    for (const row of bind(first, start, scope.params, documents === null || first.kind === 'iterate')) {
      yield* joinRows(joins, row, scope.params);
    }
  }
}

function* bind(
  source: FromSource,
  bindings: Bindings,
  params: ReadonlyMap<string, unknown>,
  iterate: boolean,
): Generator<Bindings> {
  const value = evaluate(source.expr, { bindings, params });
  if (iterate || source.kind === 'iterate' || source.expr.kind === 'subquery') {
    if (!Array.isArray(value)) return;
    for (const element of value) yield { ...bindings, [source.alias]: element };
  } else if (value !== undefined) {
    yield { ...bindings, [source.alias]: value };
  }
}

function* joinRows(
  joins: FromSource[],
  row: Bindings,
  params: ReadonlyMap<string, unknown>,
): Generator<Bindings> {
  if (joins.length === 0) {
    yield row;
    return;
  }
  const [join, ...rest] = joins as [FromSource, ...FromSource[]];
  for (const joined of bind(join, row, params, true)) yield* joinRows(rest, joined, params);
}

function rootName(expr: Expr): string | undefined {
  if (expr.kind === 'ident') return expr.name;
  if (expr.kind === 'member') return rootName(expr.object);
  return undefined;
}

function groupRows(
  rows: Bindings[],
  groupBy: Expr[] | undefined,
  params: ReadonlyMap<string, unknown>,
): Bindings[][] {
  if (!groupBy) return [rows];
  const groups = new Map<string, Bindings[]>();
  for (const row of rows) {
    const key = canonicalKey(groupBy.map((expr) => evaluate(expr, { bindings: row, params })));
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

function sortScopes<T extends { bindings: Bindings; group?: Bindings[] }>(
  items: T[],
  orderBy: NonNullable<Query['orderBy']>,
  params: ReadonlyMap<string, unknown>,
  keep: number,
): T[] {
  const keyed = items.map((item) => ({
    item,
    keys: orderBy.map((o) => evaluate(o.expr, { bindings: item.bindings, params, group: item.group })),
  }));
  const compare = (a: (typeof keyed)[number], b: (typeof keyed)[number]): number =>
    compareKeys(a.keys, b.keys, orderBy);
  if (keep >= keyed.length || keep > 1000) return keyed.sort(compare).map((entry) => entry.item);
  // Top-k: a small sorted buffer with binary insertion; ties keep their input order, as a stable sort would.
  const best: typeof keyed = [];
  for (const entry of keyed) {
    if (best.length === keep && compare(entry, best[keep - 1]!) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compare(entry, best[mid]!) < 0) high = mid;
      else low = mid + 1;
    }
    best.splice(low, 0, entry);
    if (best.length > keep) best.pop();
  }
  return best.map((entry) => entry.item);
}

function compareKeys(a: unknown[], b: unknown[], orderBy: NonNullable<Query['orderBy']>): number {
  for (let i = 0; i < orderBy.length; i++) {
    const order = orderCompare(a[i], b[i]);
    if (order !== 0) return orderBy[i]!.descending ? -order : order;
  }
  return 0;
}

function project(select: SelectClause, scope: Scope): unknown {
  if (select.value) return evaluate(select.value, scope);
  if (select.star) {
    const values = Object.values(scope.bindings);
    return values[values.length - 1];
  }
  const result: Record<string, unknown> = {};
  let unnamed = 0;
  for (const item of select.items) {
    const name = item.alias ?? implicitName(item.expr) ?? `$${++unnamed}`;
    const value = evaluate(item.expr, scope);
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function selectHasAggregate(select: SelectClause): boolean {
  if (select.value) return hasAggregate(select.value);
  return select.items.some((item) => hasAggregate(item.expr));
}

function hasAggregate(expr: Expr): boolean {
  switch (expr.kind) {
    case 'call':
      return (!expr.udf && aggregateNames.has(expr.name)) || expr.args.some(hasAggregate);
    case 'member':
      return hasAggregate(expr.object) || hasAggregate(expr.property);
    case 'array':
      return expr.items.some(hasAggregate);
    case 'object':
      return expr.props.some((p) => hasAggregate(p.value));
    case 'unary':
      return hasAggregate(expr.operand);
    case 'binary':
      return hasAggregate(expr.left) || hasAggregate(expr.right);
    case 'ternary':
      return hasAggregate(expr.condition) || hasAggregate(expr.then) || hasAggregate(expr.otherwise);
    case 'between':
      return hasAggregate(expr.value) || hasAggregate(expr.low) || hasAggregate(expr.high);
    case 'in':
      return hasAggregate(expr.value) || expr.list.some(hasAggregate);
    case 'like':
      return hasAggregate(expr.value) || hasAggregate(expr.pattern);
    default:
      return false;
  }
}
