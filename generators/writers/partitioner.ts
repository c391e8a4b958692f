/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`), in 32-bit integer arithmetic. kafkajs computes the same
 * hash with 64-bit `Long` objects, several allocations per 4 bytes of key: at a million records that was a
 * few seconds of the generators' Kafka run.
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const tail = length & ~3;
  for (let i = 0; i < tail; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition of a keyed message, as the Java client and kafkajs's `DefaultPartitioner` choose it
 * (`toPositive(murmur2(key)) % partitions`), without kafkajs's `Long`s. The Kafka writer sets it on every message.
 */
export function keyPartition(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/**
 * Which of `producers` producers writes each partition: for each topic, the producer's index per partition.
 * Round robin over every topic's partitions in turn, so the producers share the partitions evenly and each
 * partition (hence each key) has exactly one producer — the one that keeps its records in order.
 */
export function assignPartitions(
  partitionCounts: ReadonlyMap<string, number>,
  producers: number,
): Map<string, number[]> {
  const assignment = new Map<string, number[]>();
  let next = 0;
  for (const [topic, partitions] of partitionCounts) {
    assignment.set(
      topic,
      Array.from({ length: partitions }, () => next++ % producers),
    );
  }
  return assignment;
}
