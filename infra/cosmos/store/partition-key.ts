import { badRequest } from '../errors.ts';

export interface PartitionKeyDefinition {
  paths: string[];
  kind?: string;
  version?: number;
  systemKey?: boolean;
}

/** `/a/b` → ["a", "b"]; segments may be quoted (`/"my key"`). */
export function parsePath(path: string): string[] {
  const segments: string[] = [];
  const pattern = /\/(?:"((?:[^"\\]|\\.)*)"|([^/]+))/g;
  for (const match of path.matchAll(pattern))
    segments.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!);
  return segments;
}

const parsedPaths = new Map<string, string[]>();

/** Paths are parsed once: extraction runs for every document a partition-scoped query or feed looks at. */
function parsedPath(path: string): string[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = parsePath(path);
    parsedPaths.set(path, segments);
  }
  return segments;
}

/** The value at a path such as `/address/zip`, or undefined. */
export function valueAtPath(document: Record<string, unknown>, path: string): unknown {
  let value: unknown = document;
  for (const segment of parsedPath(path)) {
    value =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)[segment]
        : undefined;
  }
  return value;
}

/** What the SDK sends for "no value at this path": `{}` (its NonePartitionKeyLiteral). */
const none = {};

/** The document's partition key values, one per path, the way the SDK would send them in the header. */
export function extractPartitionKey(
  document: Record<string, unknown>,
  definition: PartitionKeyDefinition,
): unknown[] {
  if (definition.systemKey) return [];
  return definition.paths.map((path) => {
    let value: unknown = document;
    for (const segment of parsedPath(path)) {
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as Record<string, unknown>)[segment]
          : undefined;
    }
    if (value === undefined) return none;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
    throw badRequest('The partition key value must be a string, number, boolean or null.');
  });
}

/** A canonical string for a partition key value list: equal keys give equal strings. */
export function partitionKeyString(values: unknown[]): string {
  return JSON.stringify(values);
}

/** Parses `x-ms-documentdb-partitionkey` (a JSON array), or undefined when the header is absent. */
export function parsePartitionKeyHeader(header: string | undefined): unknown[] | undefined {
  if (header === undefined || header === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(header);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    throw badRequest(`The partition key header ${header} is not a JSON array.`);
  }
}

/** True when `key` starts with `prefix` (a hierarchical partition key given by its first levels). */
export function partitionKeyHasPrefix(key: unknown[], prefix: unknown[]): boolean {
  return prefix.every((value, index) => JSON.stringify(value) === JSON.stringify(key[index]));
}
