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

/** Schemaless maps with string keys (nested too) re-ordered as Java's HashMap iterates them. */
export function inJavaHashOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inJavaHashOrder);
  if (value instanceof Map && [...value.keys()].every((key) => typeof key === 'string')) {
    const keys = hashMapOrder([...value.keys()] as string[]);
    return new Map(keys.map((key) => [key, inJavaHashOrder(value.get(key))]));
  }
  return value;
}
