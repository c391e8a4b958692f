/**
 * Cosmos DB's value semantics: JSON values plus `undefined` (a missing property). Comparisons between different
 * types are undefined, and ORDER BY sorts across types in a fixed order.
 */

export type TypeRank = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** undefined < null < boolean < number < string < array < object, as ORDER BY sorts mixed types. */
export function typeRank(value: unknown): TypeRank {
  if (value === undefined) return 0;
  if (value === null) return 1;
  switch (typeof value) {
    case 'boolean':
      return 2;
    case 'number':
      return 3;
    case 'string':
      return 4;
    default:
      return Array.isArray(value) ? 5 : 6;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return keys.every((key) => deepEqual(left[key], right[key]));
}

/** `=`: undefined when either side is undefined or the types differ. */
export function sqlEquals(a: unknown, b: unknown): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (typeRank(a) !== typeRank(b)) return undefined;
  return deepEqual(a, b);
}

/** `<` and friends: only numbers, strings, booleans and nulls of the same type compare. */
export function sqlCompare(a: unknown, b: unknown): number | undefined {
  const rank = typeRank(a);
  if (rank !== typeRank(b) || rank === 0 || rank >= 5) return undefined;
  return compareSameType(a, b);
}

function compareSameType(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/** The total order of ORDER BY, MIN and MAX across types. */
export function orderCompare(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (ra >= 5) {
    const ja = JSON.stringify(a);
    const jb = JSON.stringify(b);
    return ja < jb ? -1 : ja > jb ? 1 : 0;
  }
  return compareSameType(a, b);
}

/** A stable key for grouping and DISTINCT: objects with the same properties in any order are the same. */
export function canonicalKey(value: unknown): string {
  if (value === undefined) return 'u';
  return JSON.stringify(canonicalize(value));
}

function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (isObject(value)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      if (value[key] !== undefined) sorted[key] = canonicalize(value[key]);
    return sorted;
  }
  return value;
}
