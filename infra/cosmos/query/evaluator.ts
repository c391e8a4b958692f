import { CosmosError, QueryError } from '../errors.ts';
import type { Expr, FromSource, Query, SelectClause } from './ast.ts';
import { aggregate, aggregateNames, builtIns } from './functions.ts';
import { implicitName } from './parser.ts';
import { canonicalKey, isObject, orderCompare, sqlCompare, sqlEquals } from './values.ts';

type Bindings = Record<string, unknown>;

interface Scope {
  bindings: Bindings;
  params: ReadonlyMap<string, unknown>;
  /** Rows of the current group, while projecting a grouped or aggregate query. */
  group?: Bindings[];
}

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

export function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'param':
      return scope.params.get(expr.name);
    case 'ident':
      if (!Object.hasOwn(scope.bindings, expr.name)) {
        throw new QueryError(
          `Identifier '${expr.name}' could not be resolved.`,
          expr.start,
          expr.start + expr.name.length,
          'SC2001',
        );
      }
      return scope.bindings[expr.name];
    case 'member':
      return member(evaluate(expr.object, scope), evaluate(expr.property, scope));
    case 'array':
      return expr.items.map((item) => evaluate(item, scope)).filter((v) => v !== undefined);
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const prop of expr.props) {
        const value = evaluate(prop.value, scope);
        if (value !== undefined) result[prop.key] = value;
      }
      return result;
    }
    case 'unary':
      return unary(expr.op, evaluate(expr.operand, scope));
    case 'binary':
      return binary(expr, scope);
    case 'between': {
      const value = evaluate(expr.value, scope);
      const low = sqlCompare(value, evaluate(expr.low, scope));
      const high = sqlCompare(value, evaluate(expr.high, scope));
      if (low === undefined || high === undefined) return undefined;
      return (low >= 0 && high <= 0) !== expr.not;
    }
    case 'in': {
      const value = evaluate(expr.value, scope);
      if (value === undefined) return undefined;
      const found = expr.list.some((item) => sqlEquals(value, evaluate(item, scope)) === true);
      return found !== expr.not;
    }
    case 'like': {
      const value = evaluate(expr.value, scope);
      const pattern = evaluate(expr.pattern, scope);
      const escape = expr.escape ? evaluate(expr.escape, scope) : undefined;
      if (typeof value !== 'string' || typeof pattern !== 'string') return undefined;
      return likeRegExp(pattern, typeof escape === 'string' ? escape : undefined).test(value) !== expr.not;
    }
    case 'ternary':
      return evaluate(expr.condition, scope) === true
        ? evaluate(expr.then, scope)
        : evaluate(expr.otherwise, scope);
    case 'call':
      return call(expr, scope);
    case 'subquery': {
      const results = executeQuery(expr.query, null, scope.params, scope.bindings);
      if (expr.mode === 'exists') return results.length > 0;
      if (expr.mode === 'array') return results;
      return results[0];
    }
  }
}

function member(object: unknown, property: unknown): unknown {
  if (Array.isArray(object) && typeof property === 'number') return object[property];
  if (isObject(object) && typeof property === 'string' && Object.hasOwn(object, property))
    return object[property];
  return undefined;
}

function unary(op: string, value: unknown): unknown {
  switch (op) {
    case 'NOT':
      return typeof value === 'boolean' ? !value : undefined;
    case '-':
      return typeof value === 'number' ? -value : undefined;
    case '+':
      return typeof value === 'number' ? value : undefined;
    default:
      return typeof value === 'number' ? ~value : undefined;
  }
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, scope: Scope): unknown {
  const left = evaluate(expr.left, scope);
  if (expr.op === 'AND') {
    if (left === false) return false;
    const right = evaluate(expr.right, scope);
    if (right === false) return false;
    return left === true && right === true ? true : undefined;
  }
  if (expr.op === 'OR') {
    if (left === true) return true;
    const right = evaluate(expr.right, scope);
    if (right === true) return true;
    return left === false && right === false ? false : undefined;
  }
  if (expr.op === '??') return left !== undefined ? left : evaluate(expr.right, scope);
  const right = evaluate(expr.right, scope);
  switch (expr.op) {
    case '=':
      return sqlEquals(left, right);
    case '!=': {
      const equal = sqlEquals(left, right);
      return equal === undefined ? undefined : !equal;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const order = sqlCompare(left, right);
      if (order === undefined) return undefined;
      return expr.op === '<'
        ? order < 0
        : expr.op === '<='
          ? order <= 0
          : expr.op === '>'
            ? order > 0
            : order >= 0;
    }
    case '||':
      return typeof left === 'string' && typeof right === 'string' ? left + right : undefined;
  }
  if (typeof left !== 'number' || typeof right !== 'number') return undefined;
  switch (expr.op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? undefined : left / right;
    case '%':
      return right === 0 ? undefined : left % right;
    case '&':
      return left & right;
    case '|':
      return left | right;
    case '^':
      return left ^ right;
    case '<<':
      return left << right;
    case '>>':
      return left >> right;
    default:
      return left >>> right;
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, scope: Scope): unknown {
  if (expr.udf) {
    throw new QueryError(
      `User-defined functions are not supported by the emulator (udf.${expr.name}).`,
      expr.start,
      expr.start + expr.name.length + 4,
      'SC2005',
    );
  }
  if (aggregateNames.has(expr.name)) {
    if (!scope.group) {
      throw new QueryError(
        `Aggregate function '${expr.name.toUpperCase()}' is not allowed here.`,
        expr.start,
        expr.start + expr.name.length,
        'SC2101',
      );
    }
    const arg = expr.args[0];
    const values = scope.group.map((row) =>
      arg ? evaluate(arg, { bindings: row, params: scope.params }) : 1,
    );
    return aggregate(expr.name, values);
  }
  const fn = builtIns[expr.name];
  if (!fn) {
    throw new QueryError(
      `'${expr.name.toUpperCase()}' is not a recognized built-in function name.`,
      expr.start,
      expr.start + expr.name.length,
      'SC2005',
    );
  }
  return fn(...expr.args.map((arg) => evaluate(arg, scope)));
}

const likeCache = new Map<string, RegExp>();

function likeRegExp(pattern: string, escape: string | undefined): RegExp {
  const cacheKey = `${escape ?? ''}\u0000${pattern}`;
  const cached = likeCache.get(cacheKey);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (escape !== undefined && ch === escape && i + 1 < pattern.length) {
      source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close > i) {
        const body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        source += `[${body.startsWith('^') ? body : body}]`;
        i = close;
      } else source += '\\[';
    } else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const regexp = new RegExp(`^${source}$`);
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(cacheKey, regexp);
  return regexp;
}
