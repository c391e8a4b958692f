import { EJSON, ObjectId, type Document } from 'bson';
import type { Document as CosmosItem } from '../cosmos/store/index.ts';

/**
 * How a MongoDB document is a Cosmos DB item: the item's `id` is the `_id` (an ObjectId's hex, a string as is,
 * anything else as extended JSON) and its other fields are the document in relaxed extended JSON, so the
 * NoSQL SDK and `hack verify` read numbers, strings and nested objects as they are. A document's own `id` field
 * is kept as `__id` (`id` is the item's).
 */
const systemFields = new Set(['id', '_rid', '_self', '_etag', '_attachments', '_ts', '_lsn']);
const ownIdField = '__id';

export function itemId(id: unknown): string {
  if (id instanceof ObjectId) return id.toHexString();
  if (typeof id === 'string' && id !== '' && !/[/\\?#]/.test(id)) return id;
  return encodeURIComponent(EJSON.stringify(id as Document, { relaxed: false })).replace(/%/g, '~');
}

export function toItem(doc: Document): Record<string, unknown> {
  const json = EJSON.serialize(doc, { relaxed: true }) as Record<string, unknown>;
  const item: Record<string, unknown> = { id: itemId(doc._id) };
  for (const [key, value] of Object.entries(json)) item[key === 'id' ? ownIdField : key] = value;
  return item;
}

const cache = new WeakMap<CosmosItem, Document>();

/** The MongoDB document of an item (cached per item version, which the store never changes in place). */
export function fromItem(item: CosmosItem): Document {
  const cached = cache.get(item);
  if (cached) return cached;
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === ownIdField) json.id = value;
    else if (!systemFields.has(key)) json[key] = value;
  }
  const doc = EJSON.deserialize(json, { relaxed: true }) as Document;
  // MongoDB keeps _id first; items written through the NoSQL API have no _id: their id is it.
  const result = { _id: doc._id === undefined ? item.id : doc._id, ...doc };
  cache.set(item, result);
  return result;
}
