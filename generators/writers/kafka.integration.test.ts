import { afterAll, describe, expect, it } from 'vitest';
import { testKafka, uniqueName, waitFor, withAdmin } from '../../infra/testing/helpers.ts';
import { contentHash } from '../canonical.ts';
import { ManifestBuilder } from '../manifest.ts';
import { EVENT_TOPICS, TOPIC_PARTITIONS, type AnyRecord, type Topic } from '../model.ts';
import { manifestHeader, runGeneration } from '../run.ts';
import { generateScenario, resolveScenario } from '../scenario.ts';
import { kafkaWriter } from './kafka.ts';
import { keyPartition } from './partitioner.ts';

const kafka = testKafka();
const prefix = uniqueName('gen');
const topicName = (topic: Topic): string => `${prefix}-${topic}`;

afterAll(async () => {
  await withAdmin(kafka, (admin) =>
    admin.deleteTopics({ topics: EVENT_TOPICS.map(topicName) }).catch(() => undefined),
  );
});

interface Received {
  key: string;
  value: string;
  partition: number;
  offset: number;
  /** The id of the idempotent producer that wrote the record's batch. */
  producerId: string;
}

/** kafkajs decodes the record batch's header onto each message, but its types do not declare it. */
function producerIdOf(message: object): string {
  const context = (message as { batchContext?: { producerId?: unknown } }).batchContext;
  return String(context?.producerId);
}

describe('the Kafka writer (real broker)', () => {
  it('produces the seven event topics keyed by id, 4 partitions each, changelog versions in order, each partition by one of 3 producers', async () => {
    const options = resolveScenario({ seed: 11, scale: 'users=10,products=6,events=150' });
    const writer = await kafkaWriter(kafka, EVENT_TOPICS, { topicName, batchSize: 64, producers: 3 });
    const summary = await runGeneration({
      challenge: '03',
      options,
      target: 'kafka',
      topics: EVENT_TOPICS,
      writer,
    });

    const received = new Map<string, Received[]>();
    const consumer = kafka.consumer({ groupId: uniqueName('gen-reader') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: EVENT_TOPICS.map(topicName), fromBeginning: true });
      // A rebalance may deliver a record twice; count each (topic, partition, offset) once.
      const seen = new Set<string>();
      let count = 0;
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const position = `${topic}/${partition}/${message.offset}`;
          if (seen.has(position)) return;
          seen.add(position);
          const list = received.get(topic) ?? [];
          list.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            partition,
            offset: Number(message.offset),
            producerId: producerIdOf(message),
          });
          received.set(topic, list);
          count += 1;
        },
      });
      await waitFor(() => count >= summary.writtenTotal, {
        timeoutMs: 60_000,
        description: `${summary.writtenTotal} records`,
      });
    } finally {
      await consumer.disconnect();
    }

    const metadata = await withAdmin(kafka, (admin) =>
      admin.fetchTopicMetadata({ topics: EVENT_TOPICS.map(topicName) }),
    );
    for (const topic of metadata.topics) expect(topic.partitions).toHaveLength(TOPIC_PARTITIONS);

    // Against what the generator yields: same keys and values, and per key the same order of versions.
    const manifest = new ManifestBuilder();
    const expected = new Map<Topic, { key: string; value: string }[]>();
    for (const record of generateScenario(options)) {
      manifest.add(record);
      if (!EVENT_TOPICS.includes(record.topic)) continue;
      const list = expected.get(record.topic) ?? [];
      list.push({ key: record.key, value: JSON.stringify(record.value) });
      expected.set(record.topic, list);
    }
    const built = await manifest.build(manifestHeader('03', options, 'kafka', EVENT_TOPICS));
    for (const topic of EVENT_TOPICS) {
      const got = received.get(topicName(topic)) ?? [];
      const want = expected.get(topic) ?? [];
      expect(got.length, topic).toBe(want.length);
      const inOrder = (list: { key: string; value: string }[], key: string) =>
        list.filter((item) => item.key === key).map((item) => item.value);
      for (const key of new Set(want.map((item) => item.key))) {
        const versions = got.filter((item) => item.key === key).sort((a, b) => a.offset - b.offset);
        expect(new Set(versions.map((item) => item.partition)).size, `${topic} ${key}`).toBe(1);
        // The partition the Java client's default partitioner picks, as consumers that join by key expect.
        expect(versions[0]?.partition, `${topic} ${key}`).toBe(
          keyPartition(Buffer.from(key), TOPIC_PARTITIONS),
        );
        expect(versions.map((item) => item.value)).toEqual(inOrder(want, key));
      }
      // What verification does: latest version per key, hashed, against the manifest.
      const latest: Record<string, string> = {};
      for (const item of [...got].sort((a, b) => a.offset - b.offset)) {
        latest[item.key] = contentHash(topic, JSON.parse(item.value) as object);
      }
      expect(latest).toEqual(built.topics[topic].hashes);
    }
    expect(received.get(topicName('returns'))?.length ?? 0).toBeGreaterThan(0);

    // Each partition has one writer — what keeps its records in generation order — and the three share them.
    const writers = new Map<string, Set<string>>();
    for (const [topic, list] of received) {
      for (const item of list) {
        const partition = `${topic}/${item.partition}`;
        writers.set(partition, (writers.get(partition) ?? new Set()).add(item.producerId));
      }
    }
    for (const [partition, producers] of writers) expect([...producers], partition).toHaveLength(1);
    expect(new Set([...writers.values()].flatMap((producers) => [...producers])).size).toBe(3);
  });

  it('reports a batch the broker refuses (one of 3 producers) at a later write and again at close', async () => {
    const writer = await kafkaWriter(kafka, ['purchases'], { topicName, batchSize: 1, producers: 3 });
    const record = (key: string, value: object) =>
      ({ topic: 'purchases', key, value }) as unknown as AnyRecord;
    // Over the broker's 1 MB message.max.bytes: MESSAGE_TOO_LARGE, which kafkajs does not retry.
    await writer.write(record('too-large', { blob: 'x'.repeat(2_000_000) }));
    let failure: unknown;
    for (let i = 0; i < 1_000 && failure === undefined; i++) {
      try {
        await writer.write(record(`small-${i}`, { i }));
      } catch (error) {
        failure = error;
      }
    }
    expect(String(failure)).toMatch(/Producing to Kafka failed/);
    await expect(writer.close()).rejects.toThrow(/Producing to Kafka failed/);
  });
});
