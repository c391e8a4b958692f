import { afterAll, describe, expect, it } from 'vitest';
import {
  consume,
  createTopic,
  produce,
  testKafka,
  uniqueName,
  waitFor,
  withAdmin,
} from '../testing/helpers.ts';

const kafka = testKafka();

describe('the test broker (real Apache Kafka)', () => {
  const topics: string[] = [];
  afterAll(async () => {
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics }).catch(() => undefined));
  });

  it('round-trips keyed records with headers, keeping per-key order within a partition', async () => {
    const topic = uniqueName('round-trip');
    topics.push(topic);
    await createTopic(kafka, topic, 4);
    const messages = Array.from({ length: 40 }, (_, i) => ({
      key: `user-${i % 5}`,
      value: JSON.stringify({ n: i }),
      headers: { source: 'test', seq: String(i) },
    }));
    await produce(kafka, topic, messages);
    const records = await consume(kafka, topic, 40);
    expect(records).toHaveLength(40);
    for (const key of ['user-0', 'user-1', 'user-2', 'user-3', 'user-4']) {
      const ofKey = records.filter((record) => record.key === key);
      expect(new Set(ofKey.map((record) => record.partition)).size).toBe(1); // same key, same partition
      const sequence = ofKey.map((record) => Number(record.headers.seq));
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
      expect(ofKey.every((record) => JSON.parse(record.value ?? '{}').n % 5 === Number(key.slice(5)))).toBe(
        true,
      );
    }
    expect(records.every((record) => record.headers.source === 'test')).toBe(true);
  });

  it('creates, lists and deletes topics', async () => {
    const topic = uniqueName('lifecycle');
    await createTopic(kafka, topic, 3);
    await withAdmin(kafka, async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);
      await admin.deleteTopics({ topics: [topic] });
      await waitFor(async () => !(await admin.listTopics()).includes(topic), {
        description: `${topic} deleted`,
      });
    });
  });

  it('reads the committed offsets of a consumer group', async () => {
    const topic = uniqueName('offsets');
    const groupId = uniqueName('group');
    topics.push(topic);
    await createTopic(kafka, topic, 2);
    await produce(
      kafka,
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: String(i) })),
    );
    await consume(kafka, topic, 10, { groupId });
    await withAdmin(kafka, async (admin) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = offsets?.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0);
      expect(committed).toBe(10);
    });
  });
});
