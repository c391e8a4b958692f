import {
  Binary,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  type Document,
} from 'bson';

/** BSON values compared and read the way MongoDB does (its cross-type order, dotted paths through arrays). */

function typeRank(value: unknown): number {
  if (value instanceof MinKey) return 0;
  if (value === null || value === undefined) return 1;
  if (isNumeric(value)) return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (value instanceof Binary) return 6;
  if (value instanceof ObjectId) return 7;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (value instanceof Timestamp) return 10;
  if (value instanceof RegExp) return 11;
  if (value instanceof MaxKey) return 12;
  return 4; // an embedded document
}

export function isNumeric(value: unknown): boolean {
  return (
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    value instanceof Int32 ||
    value instanceof Double ||
    value instanceof Long ||
    value instanceof Decimal128
  );
}

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  return Number.NaN;
}

/** True when both are in the same comparison bracket ($gt and friends compare only within one). */
export function sameBracket(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b);
}

export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case 2:
      return toNumber(a) - toNumber(b);
    case 3:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 4: {
      const entriesA = Object.entries(a as Document);
      const entriesB = Object.entries(b as Document);
      for (let i = 0; i < Math.min(entriesA.length, entriesB.length); i++) {
        const [keyA, valueA] = entriesA[i]!;
        const [keyB, valueB] = entriesB[i]!;
        const byValueType = typeRank(valueA) - typeRank(valueB);
        if (byValueType !== 0) return byValueType;
        if (keyA !== keyB) return keyA < keyB ? -1 : 1;
        const byValue = compareValues(valueA, valueB);
        if (byValue !== 0) return byValue;
      }
      return entriesA.length - entriesB.length;
    }
    case 5: {
      const arrayA = a as unknown[];
      const arrayB = b as unknown[];
      for (let i = 0; i < Math.min(arrayA.length, arrayB.length); i++) {
        const byElement = compareValues(arrayA[i], arrayB[i]);
        if (byElement !== 0) return byElement;
      }
      return arrayA.length - arrayB.length;
    }
    case 6:
      return Buffer.compare(Buffer.from((a as Binary).buffer), Buffer.from((b as Binary).buffer));
    case 7:
      return (a as ObjectId).toHexString().localeCompare((b as ObjectId).toHexString());
    case 8:
      return Number(a) - Number(b);
    case 9:
      return (a as Date).getTime() - (b as Date).getTime();
    case 10:
      return (a as Timestamp).compare(b as Timestamp);
    default:
      return 0;
  }
}

/** MongoDB equality: numbers by value across types, documents and arrays deeply, null equal to missing. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

/** The value at a dotted path, without array expansion (numeric parts index arrays). */
export function getPath(doc: unknown, path: string): unknown {
  let current = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Every value a query on `path` compares against: arrays along the way are traversed, and an array at the end
 * counts as itself and as each of its elements. An empty result means the path is missing.
 */
export function queryValues(doc: unknown, path: string): unknown[] {
  return collect(doc, path.split('.'), 0);
}

function collect(current: unknown, parts: string[], index: number): unknown[] {
  if (index === parts.length) return Array.isArray(current) ? [current, ...current] : [current];
  if (current === null || typeof current !== 'object') return [];
  const part = parts[index]!;
  if (Array.isArray(current)) {
    const results: unknown[] = [];
    if (/^\d+$/.test(part) && Number(part) < current.length) {
      results.push(...collect(current[Number(part)], parts, index + 1));
    }
    for (const element of current) {
      if (element && typeof element === 'object' && !Array.isArray(element)) {
        results.push(...collect(element, parts, index));
      }
    }
    return results;
  }
  if (!(part in (current as Record<string, unknown>))) return [];
  return collect((current as Record<string, unknown>)[part], parts, index + 1);
}

export function isPlainObject(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
