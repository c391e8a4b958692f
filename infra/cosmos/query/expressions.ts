import { QueryError } from '../errors.ts';
import type { Expr } from './ast.ts';
import { executeQuery } from './evaluator.ts';
import { aggregate, aggregateNames, builtIns } from './functions.ts';
import { isObject, sqlCompare, sqlEquals } from './values.ts';

/** Expression evaluation with Cosmos DB's semantics: undefined propagates, logic is three-valued. */

export type Bindings = Record<string, unknown>;

export interface Scope {
  bindings: Bindings;
  params: ReadonlyMap<string, unknown>;
  /** Rows of the current group, while projecting a grouped or aggregate query. */
  group?: Bindings[];
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
