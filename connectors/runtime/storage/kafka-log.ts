import type { Admin, Kafka, Producer } from 'kafkajs';
import { topicPartitionKey, type PartitionOffsets } from '../api/plugins.ts';
import { randomBytes } from 'node:crypto';
import { createTopicsReady } from '../../../infra/kafka/topics.ts';

export interface LogRecord {
  topic: string;
  key: string | null;
  value: Buffer | null;
  partition: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/**
 * Apache's KafkaBasedLog, reduced to what one worker needs: compacted topics created if missing, read from the
 * beginning to the end once at start, and written with `acks=all` (a write returns once it is durable, so state
 * the worker acted on survives `kill -9`).
 */
export async function ensureCompactedTopics(
  admin: Admin,
  topics: TopicSpec[],
  replicationFactor: number,
): Promise<void> {
  await createTopicsReady(
    admin,
    topics.map((spec) => ({
      topic: spec.topic,
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    })),
  );
}

/** Everything in these topics up to their current end, in offset order per partition. */
export async function readToEnd(kafka: Kafka, admin: Admin, topics: string[]): Promise<LogRecord[]> {
  const ends: PartitionOffsets = new Map();
  for (const topic of topics) {
    for (const partition of await retrying(() => admin.fetchTopicOffsets(topic))) {
      if (Number(partition.high) > Number(partition.low))
        ends.set(topicPartitionKey({ topic, partition: partition.partition }), Number(partition.high));
    }
  }
  if (ends.size === 0) return [];
  const groupId = `connect-hack-reader-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
  const records: LogRecord[] = [];
  const remaining = new Set(ends.keys());
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        records.push({
          topic,
          partition,
          key: message.key?.toString('utf8') ?? null,
          value: message.value ?? null,
        });
        const id = topicPartitionKey({ topic, partition });
        if (Number(message.offset) + 1 >= (ends.get(id) ?? 0)) remaining.delete(id);
        if (remaining.size === 0) done();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records;
}

/** Metadata lags just after a topic is created (NOT_LEADER…): retriable errors are retried for a while. */
async function retrying<T>(operation: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function writeRecord(
  producer: Producer,
  topic: string,
  key: string,
  value: unknown,
  partition?: number,
): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: [
      {
        key,
        value: value === null ? null : Buffer.from(JSON.stringify(value)),
        ...(partition === undefined ? {} : { partition }),
      },
    ],
  });
}

export function parseJsonValue(value: Buffer | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
}
