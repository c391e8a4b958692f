import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { assignPartitions, keyPartition, murmur2 } from './partitioner.ts';

describe('the generators’ partitioner', () => {
  it('hashes as the Java client’s Utils.murmur2 (its unit test’s vectors)', () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key)), key).toBe(hash);
  });

  it('picks the partition kafkajs’s DefaultPartitioner picks, for every key length and byte', () => {
    const theirs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 4, 7]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        partitionErrorCode: 0,
        replicas: [1],
        isr: [1],
      }));
      for (let n = 0; n < 2000; n++) {
        const bytes = randomBytes(n % 40);
        const key = n % 2 === 0 ? bytes : `ü-${bytes.toString('hex')}-€`;
        const args: PartitionerArgs = { topic: 't', partitionMetadata, message: { key, value: 'v' } };
        expect(keyPartition(Buffer.from(key), partitions), `key ${String(key)} of ${partitions}`).toBe(
          theirs(args),
        );
      }
    }
  });

  it('gives every partition one producer, and the producers an even share of all topics’ partitions', () => {
    const counts = new Map([
      ['orders', 4],
      ['returns', 4],
      ['ratings', 1],
      ['views', 3],
    ]);
    const assignment = assignPartitions(counts, 3);
    for (const [topic, partitions] of counts) expect(assignment.get(topic), topic).toHaveLength(partitions);
    const share = [0, 0, 0];
    for (const producers of assignment.values()) for (const producer of producers) share[producer]! += 1;
    expect(share).toEqual([4, 4, 4]);
    expect(assignPartitions(counts, 1).get('orders')).toEqual([0, 0, 0, 0]);
  });
});
