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

/** Schemaless maps with string keys (nested too) re-ordered as Java's HashMap iterates them. */
export function inJavaHashOrder(value: unknown): unknown {
  if (Array.isArray(value))
    return value.some((item) => item instanceof Map || Array.isArray(item))
      ? value.map(inJavaHashOrder)
      : value;
  if (value instanceof Map) {
    const keys = [...value.keys()];
    if (!keys.every((key) => typeof key === 'string')) return value;
    return new Map(cachedOrder(keys as string[]).map((key) => [key, inJavaHashOrder(value.get(key))]));
  }
  return value;
}
