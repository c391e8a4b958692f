import { createHash } from 'node:crypto';
import { ENTITY_FIELDS, type Topic } from './model.ts';

/**
 * Content identity shared by the generator's manifest and verification: the same entity read back from Kafka,
 * Cosmos (with `_rid`, `_etag`, `_ts` …) or Azure Search (with `@search.score`, Dates) hashes the same.
 */

/**
 * JSON with object keys sorted at every level and no whitespace. Dates become ISO strings (Azure Search's SDK
 * returns Edm.DateTimeOffset fields as Dates); `undefined` members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Only the model's fields of a topic's entity: system properties and anything a sink added are left out. */
export function entityFields(topic: Topic, doc: Record<string, unknown>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const field of ENTITY_FIELDS[topic]) {
    if (doc[field] !== undefined) own[field] = doc[field];
  }
  return own;
}

/** SHA-256 (hex) of the canonical JSON of the entity's own fields: the manifest's content hash per id. */
export function contentHash(topic: Topic, doc: object): string {
  return createHash('sha256')
    .update(canonicalJson(entityFields(topic, doc as Record<string, unknown>)))
    .digest('hex');
}
