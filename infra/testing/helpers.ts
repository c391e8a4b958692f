import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka, Message } from 'kafkajs';
import { inject } from 'vitest';
import { headerStrings, kafkaClient } from '../kafka/connection.ts';
import { createTopicsReady } from '../kafka/topics.ts';

/**
 * Shared test helpers (kafkajs' testHelpers are the model): tests that share the run's one broker isolate
 * themselves by unique names and close what they open in `afterEach`/`afterAll`.
 */

/** A name no other test in this run uses: `prefix-<random>`; safe for topics, groups, databases and indexes. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/**
 * Polls `probe` until it returns a truthy value (which is returned) or the timeout passes; the timeout error
 * carries `description` and the last value seen, so a failing test says what it was waiting for.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; description?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Timed out waiting for ${options.description ?? 'a condition'}; last value: ${seen}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

export function testBootstrapServers(): string {
  return inject('kafkaBootstrapServers');
}

/** A kafkajs client on the run's broker. */
export function testKafka(clientId = uniqueName('client')): Kafka {
  return kafkaClient({ bootstrapServers: testBootstrapServers() }, clientId);
}

export async function withAdmin<T>(kafka: Kafka, body: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(kafka: Kafka, topic: string, partitions = 1): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await createTopicsReady(admin, [{ topic, numPartitions: partitions }]);
  });
}

export async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  // Idempotent: a send retried after a timeout on a loaded machine must not write a record twice (seen in CI: 14
  // records on a topic the test wrote 10 to).
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * Reads a topic from the beginning until `count` records arrived (or the timeout passes, which fails with the
 * records seen so far). Uses a throwaway group.
 */
export async function consume(
  kafka: Kafka,
  topic: string,
  count: number,
  options: { timeoutMs?: number; groupId?: string } = {},
): Promise<ConsumedRecord[]> {
  const consumer = kafka.consumer({
    groupId: options.groupId ?? uniqueName('reader'),
    sessionTimeout: 10_000,
  });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: from, partition, message }) => {
        records.push({
          topic: from,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: headerStrings(message.headers),
          timestamp: message.timestamp,
        });
      },
    });
    await waitFor(() => records.length >= count, {
      timeoutMs: options.timeoutMs ?? 30_000,
      description: `${count} records on ${topic} (have ${records.length})`,
    });
    // A named group's offsets are committed before it leaves: kafkajs commits a batch asynchronously, and a
    // disconnect right after the last record can come first (seen once in CI).
    if (options.groupId) {
      const next = new Map<string, { topic: string; partition: number; offset: string }>();
      for (const record of records) {
        const offset = String(Number(record.offset) + 1);
        const key = `${record.topic}:${record.partition}`;
        if (Number(offset) > Number(next.get(key)?.offset ?? -1))
          next.set(key, { topic: record.topic, partition: record.partition, offset });
      }
      await consumer.commitOffsets([...next.values()]);
    }
    return records;
  } finally {
    await consumer.disconnect();
  }
}
