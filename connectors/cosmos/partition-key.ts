import type { PartitionKey, PrimitivePartitionKeyValue } from '@azure/cosmos';
import type { JsonValue } from '../runtime/data/connect-json.ts';

/** A container's partition key definition, as `container.read()` returns it. */
export interface PartitionKeyDefinitionLike {
  paths: string[];
  kind?: string;
}

/** A partition key value the SDK accepts: one value, or one per level of a hierarchical key. */
export type PartitionKeyValue = PartitionKey;

/** `/address/"zip code"` → `['address', 'zip code']` (Cosmos quotes segments that need it). */
export function pathSegments(path: string): string[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = parsePath(path);
    parsedPaths.set(path, segments);
  }
  return segments;
}

/** Paths parsed so far: a sink parses its container's key path for every record. */
const parsedPaths = new Map<string, string[]>();

function parsePath(path: string): string[] {
  const segments: string[] = [];
  const pattern = /\/(?:"((?:[^"\\]|\\.)*)"|([^/]*))/g;
  for (const match of path.matchAll(pattern)) {
    segments.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? ''));
  }
  return segments;
}

function valueAt(document: JsonValue, segments: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = document;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/**
 * The partition key of a document under its container's definition. A path the document lacks gives `{}`
 * (the SDK's "none" value, where Cosmos stores items without the key); for hierarchical keys, one value per
 * path. Objects and arrays cannot be partition keys: `undefined` tells the caller the document is unusable.
 */
export function partitionKeyOf(
  document: JsonValue,
  definition: PartitionKeyDefinitionLike,
): PartitionKeyValue | undefined {
  const values: PrimitivePartitionKeyValue[] = [];
  for (const path of definition.paths) {
    const value = valueAt(document, pathSegments(path));
    if (value === undefined) values.push({});
    else if (value !== null && typeof value === 'object') return undefined;
    else values.push(value);
  }
  if (definition.kind === 'MultiHash' || definition.paths.length > 1) return values;
  return values[0];
}

/** A stable text for grouping operations by (partition key, id). */
export function partitionKeyText(value: PartitionKeyValue | undefined): string {
  return JSON.stringify(value ?? null);
}
