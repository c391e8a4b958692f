import { ObjectId, type Document } from 'bson';
import { MongoError, badValue } from './errors.ts';
import {
  compareValues,
  getPath,
  isNumeric,
  isPlainObject,
  queryValues,
  sameBracket,
  toNumber,
  valuesEqual,
} from './values.ts';

/** MongoDB's query language on documents: filters, projections, sorts. */

export function matchesFilter(doc: Document, filter: Document | undefined): boolean {
  if (!filter) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (!matchesEntry(doc, key, condition)) return false;
  }
  return true;
}

function matchesEntry(doc: Document, key: string, condition: unknown): boolean {
  switch (key) {
    case '$and':
      return asFilters(key, condition).every((sub) => matchesFilter(doc, sub));
    case '$or':
      return asFilters(key, condition).some((sub) => matchesFilter(doc, sub));
    case '$nor':
      return !asFilters(key, condition).some((sub) => matchesFilter(doc, sub));
    case '$comment':
      return true;
    case '$expr':
    case '$where':
    case '$text':
      throw new MongoError(2, `${key} is not supported by this emulator.`, 'BadValue');
  }
  if (key.startsWith('$')) throw badValue(`unknown top level operator: ${key}`);
  return matchesCondition(doc, key, condition);
}

function asFilters(operator: string, value: unknown): Document[] {
  if (!Array.isArray(value) || value.length === 0) throw badValue(`${operator} must be a nonempty array`);
  return value as Document[];
}

function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function matchesCondition(doc: Document, path: string, condition: unknown): boolean {
  if (condition instanceof RegExp)
    return queryValues(doc, path).some((v) => typeof v === 'string' && condition.test(v));
  if (!isOperatorObject(condition))
    return (
      queryValues(doc, path).some((value) => valuesEqual(value, condition)) ||
      (condition === null && queryValues(doc, path).length === 0)
    );
  const options = typeof condition.$options === 'string' ? condition.$options : '';
  return Object.entries(condition).every(([operator, operand]) =>
    operator === '$options' ? true : matchesOperator(doc, path, operator, operand, options),
  );
}

function matchesOperator(
  doc: Document,
  path: string,
  operator: string,
  operand: unknown,
  options: string,
): boolean {
  const values = queryValues(doc, path);
  const missing = values.length === 0;
  const equals = (target: unknown): boolean =>
    target instanceof RegExp
      ? values.some((v) => typeof v === 'string' && target.test(v))
      : values.some((v) => valuesEqual(v, target)) || (target === null && missing);
  const compare = (test: (order: number) => boolean): boolean =>
    values.some((v) => sameBracket(v, operand) && test(compareValues(v, operand)));
  switch (operator) {
    case '$eq':
      return equals(operand);
    case '$ne':
      return !equals(operand);
    case '$gt':
      return compare((order) => order > 0);
    case '$gte':
      return compare((order) => order >= 0);
    case '$lt':
      return compare((order) => order < 0);
    case '$lte':
      return compare((order) => order <= 0);
    case '$in':
      if (!Array.isArray(operand)) throw badValue('$in needs an array');
      return operand.some(equals);
    case '$nin':
      if (!Array.isArray(operand)) throw badValue('$nin needs an array');
      return !operand.some(equals);
    case '$exists':
      return Boolean(operand) !== missing;
    case '$regex': {
      const pattern =
        operand instanceof RegExp ? operand : new RegExp(String(operand), options.replace(/[^imsu]/g, ''));
      return values.some((v) => typeof v === 'string' && pattern.test(v));
    }
    case '$size': {
      const value = getPath(doc, path);
      return Array.isArray(value) && value.length === toNumber(operand);
    }
    case '$all':
      if (!Array.isArray(operand)) throw badValue('$all needs an array');
      return operand.length > 0 && operand.every(equals);
    case '$elemMatch': {
      const value = getPath(doc, path);
      if (!Array.isArray(value) || !isPlainObject(operand)) return false;
      return value.some((element) =>
        isOperatorObject(operand)
          ? matchesCondition({ v: element }, 'v', operand)
          : isPlainObject(element) && matchesFilter(element, operand),
      );
    }
    case '$not':
      return !matchesCondition(doc, path, operand);
    case '$type':
      return values.some((v) => typeName(v) === operand || (operand === 'number' && isNumeric(v)));
    case '$mod': {
      const [divisor, remainder] = operand as unknown[];
      return values.some((v) => isNumeric(v) && toNumber(v) % toNumber(divisor) === toNumber(remainder));
    }
    default:
      throw badValue(`unknown operator: ${operator}`);
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (Array.isArray(value)) return 'array';
  if (value instanceof ObjectId) return 'objectId';
  if (value instanceof Date) return 'date';
  return 'object';
}

/** A find projection: inclusion or exclusion of (dotted) fields; `_id` is included unless excluded. */
export function project(doc: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return doc;
  const entries = Object.entries(projection);
  const inclusion = entries.some(([key, value]) => key !== '_id' && isTruthy(value));
  if (inclusion) {
    const result: Document = {};
    const includeId = projection._id === undefined || isTruthy(projection._id);
    if (includeId && doc._id !== undefined) result._id = doc._id;
    for (const [key, value] of entries) {
      if (key === '_id' || !isTruthy(value)) continue;
      if (!isTruthy(value) && !isPlainObject(value)) continue;
      copyPath(doc, result, key.split('.'));
    }
    return result;
  }
  const result = structuredCopy(doc);
  for (const [key] of entries) removePath(result, key.split('.'));
  return result;
}

function isTruthy(value: unknown): boolean {
  return value === true || (isNumeric(value) && toNumber(value) !== 0);
}

function copyPath(source: unknown, target: Document, parts: string[]): void {
  if (source === null || typeof source !== 'object') return;
  const [head, ...rest] = parts as [string, ...string[]];
  const value = (source as Document)[head];
  if (value === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
  } else if (Array.isArray(value)) {
    const existing = Array.isArray(target[head]) ? (target[head] as Document[]) : [];
    target[head] = value
      .filter((element) => isPlainObject(element))
      .map((element, index) => {
        const sub: Document = existing[index] ?? {};
        copyPath(element, sub, rest);
        return sub;
      });
  } else if (isPlainObject(value)) {
    const sub: Document = isPlainObject(target[head]) ? (target[head] as Document) : {};
    copyPath(value, sub, rest);
    target[head] = sub;
  }
}

function removePath(target: unknown, parts: string[]): void {
  if (target === null || typeof target !== 'object') return;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(target)) {
    for (const element of target) removePath(element, parts);
    return;
  }
  if (rest.length === 0) delete (target as Document)[head];
  else removePath((target as Document)[head], rest);
}

export function structuredCopy(doc: Document): Document {
  const copy = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(copy);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
    return value;
  };
  return copy(doc) as Document;
}

export function sortDocuments(docs: Document[], sort: Document | undefined): Document[] {
  if (!sort || Object.keys(sort).length === 0) return docs;
  const keys = Object.entries(sort).map(([path, direction]) => ({
    path,
    direction: toNumber(direction) < 0 ? -1 : 1,
  }));
  return [...docs].sort((a, b) => {
    for (const { path, direction } of keys) {
      const order = compareValues(sortKey(a, path, direction), sortKey(b, path, direction));
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}

/** An array sorts by its smallest element ascending and its largest descending, as in MongoDB. */
function sortKey(doc: Document, path: string, direction: number): unknown {
  const value = getPath(doc, path);
  if (!Array.isArray(value) || value.length === 0) return value;
  return value.reduce((best, element) => {
    const order = compareValues(element, best);
    return (direction > 0 ? order < 0 : order > 0) ? element : best;
  });
}
