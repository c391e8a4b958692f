import { hash } from 'node:crypto';
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

const sortedFields = new Map<Topic, string[]>();

/**
 * SHA-256 (hex) of the canonical JSON of the entity's own fields: the manifest's content hash per id. Same text
 * as `canonicalJson(entityFields(topic, doc))`, built without the intermediate object (it runs once per record).
 */
export function contentHash(topic: Topic, doc: object): string {
  let fields = sortedFields.get(topic);
  if (!fields) sortedFields.set(topic, (fields = [...ENTITY_FIELDS[topic]].sort()));
  const record = doc as Record<string, unknown>;
  let text = '';
  for (const field of fields) {
    const value = record[field];
    if (value === undefined) continue;
    text += `${text ? ',' : '{'}${JSON.stringify(field)}:${canonicalJson(value)}`;
  }
  // One-shot `hash` (Node ≥ 20.12) is much cheaper than createHash() per record.
  return hash('sha256', text ? `${text}}` : '{}', 'hex');
}
