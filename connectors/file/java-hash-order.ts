/**
 * Java's HashMap iteration order for string keys. Apache's JsonConverter reads schemaless objects into a
 * `java.util.HashMap`, so FileStreamSink prints `{score=0, name=…, id=…}` in hash order, not in the JSON's order;
 * to write the same bytes we print maps in that order too.
 */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Keys in the order a HashMap filled with them (in this order, default capacity 16, load factor 0.75) iterates. */
export function hashMapOrder(keys: string[]): string[] {
  let capacity = 16;
  for (let size = 1; size <= keys.length; size++) if (size > capacity * 0.75) capacity *= 2;
  const bucket = (key: string): number => {
    const hash = javaStringHash(key);
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return keys
    .map((key, index) => ({ key, index, bucket: bucket(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.key);
}

/** Records of a topic share their key sets, so the order of each set is computed once (bounded cache). */
const orderCache = new Map<string, string[]>();

function cachedOrder(keys: string[]): string[] {
  const id = keys.join('\u0000');
  let order = orderCache.get(id);
  if (!order) {
    if (orderCache.size >= 1000) orderCache.clear();
    order = hashMapOrder(keys);
    orderCache.set(id, order);
  }
  return order;
}

/**
 * The key sets met last, most recent first, with their order: a map with the same keys in the same order is
 * recognised by comparing its keys, without building the cache's id (most records of a topic hit the first).
 */
const recent: Array<{ keys: unknown[]; order: unknown[] }> = [];

function sameKeys(map: Map<unknown, unknown>, keys: unknown[]): boolean {
  if (map.size !== keys.length) return false;
  let i = 0;
  for (const key of map.keys()) if (key !== keys[i++]) return false;
  return true;
}

/**
 * The order Java's HashMap would print a map's entries in, for `javaToString`'s `mapKeys`: string-keyed maps
 * (nested too) in hash order, others as they are.
 */
export function javaHashOrderKeys(map: Map<unknown, unknown>): Iterable<unknown> {
  for (let i = 0; i < recent.length; i++) {
    const entry = recent[i]!;
    if (sameKeys(map, entry.keys)) {
      if (i > 0) recent.unshift(...recent.splice(i, 1));
      return entry.order;
    }
  }
  const keys = [...map.keys()];
  const order = keys.every((key) => typeof key === 'string') ? cachedOrder(keys as string[]) : keys;
  recent.unshift({ keys, order });
  if (recent.length > 8) recent.pop();
  return order;
}
