import type { Consumer, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { headerStrings, kafkaClient, type KafkaConnection } from '../../infra/kafka/connection.ts';

/** One key's latest record on a topic (a changelog view: later offsets win; a null value is a tombstone). */
export interface LatestRecord {
  key: string | null;
  value: unknown;
  partition: number;
  offset: number;
}

export interface TopicSnapshot {
  topic: string;
  exists: boolean;
  /** Records read, tombstones included. */
  records: number;
  /** Latest record per id (the value's `id`, else the key). */
  latest: Map<string, LatestRecord>;
  /** How many records each id had: a count that keeps growing is a feedback loop. */
  versions: Map<string, number>;
  /** Values that are not JSON objects, by offset, for the report. */
  unreadable: number;
  /** The value schema's name in the first record with a value (JsonConverter with schemas); null: no name. */
  schemaName?: string | null;
  /** Every record in offset order per partition, with its headers (only with `{ keepRecords: true }`). */
  all?: RawRecord[];
}

export interface RawRecord {
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
  partition: number;
  offset: number;
  timestamp: number;
}

/**
 * The first character of every JSON text (after whitespace). Anything else — a plain id as a key — is not JSON,
 * and is known without a thrown SyntaxError (a few microseconds each, seconds over a million keys).
 */
const jsonStart = /^[\s]*[{["\-0-9tfn]/;

/** Kafka Connect's JsonConverter may wrap a value in `{schema, payload}`; verification compares the payload. */
export function decodeJson(bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  const text = bytes.toString('utf8');
  if (!jsonStart.test(text)) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const keys = Object.keys(parsed);
    if (keys.length === 2 && keys.includes('schema') && keys.includes('payload')) {
      return (parsed as { payload: unknown }).payload;
    }
  }
  return parsed;
}

/** `schema.name` of a `{schema, payload}` value; null when the value has no schema or no name. */
function schemaName(bytes: Buffer): string | null {
  try {
    const name = (JSON.parse(bytes.toString('utf8')) as { schema?: { name?: unknown } }).schema?.name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

export function recordId(key: string | null, value: unknown): string | null {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  return key;
}

function decodeKey(bytes: Buffer | null): string | null {
  const decoded = decodeJson(bytes);
  if (decoded === null || decoded === undefined) return null;
  return typeof decoded === 'string' ? decoded : JSON.stringify(decoded);
}

/**
 * How long a fetch waits on the broker when the reader has caught up. kafkajs's default (5 s) is also how long
 * `disconnect()` waits for the fetch in flight: every verification ended with ~4 s of nothing.
 */
const idleFetchWaitMs = 200;

/**
 * Reads topics from the beginning with one consumer that lives for a whole verification, and catches up to the
 * current end of every partition on each `snapshot()`; polling then costs only what arrived since. A topic that
 * appears later restarts the consumer on the larger set.
 */
export class TopicReader {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private groupId: string | undefined;
  private subscribed: string[] = [];
  private readonly positions = new Map<string, number>();
  private readonly snapshots = new Map<string, TopicSnapshot>();

  constructor(
    connection: KafkaConnection,
    private readonly topics: string[],
    private readonly options: { keepRecords?: boolean } = {},
  ) {
    this.kafka = kafkaClient(connection, 'connect-hack-verify');
  }

  /**
   * Catches up to the current end of every partition. `timeoutMs` is how long the read may go without moving:
   * a million records take longer than that on a busy machine, and are not "Kafka does not answer" while they
   * arrive.
   */
  async snapshot(timeoutMs = 30_000): Promise<Map<string, TopicSnapshot>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const present = this.topics.filter((topic) => existing.has(topic));
      if (present.join() !== this.subscribed.join()) await this.restart(present);
      const ends = new Map<string, number>();
      const offsets = await Promise.all(present.map((topic) => admin.fetchTopicOffsets(topic)));
      present.forEach((topic, i) => {
        for (const partition of offsets[i] ?? [])
          ends.set(`${topic}:${partition.partition}`, Number(partition.high));
      });
      let read = this.recordsRead();
      let movedAt = Date.now();
      while ([...ends].some(([partition, end]) => (this.positions.get(partition) ?? 0) < end)) {
        if (this.recordsRead() !== read) {
          read = this.recordsRead();
          movedAt = Date.now();
        } else if (Date.now() - movedAt > timeoutMs)
          throw new Error(
            `Reading ${present.join(', ')} stopped short of the end: nothing arrived for ${timeoutMs / 1000} s.`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const result = new Map<string, TopicSnapshot>();
      for (const topic of this.topics) {
        result.set(topic, this.snapshots.get(topic) ?? emptySnapshot(topic, existing.has(topic)));
      }
      return result;
    } finally {
      await admin.disconnect();
    }
  }

  private recordsRead(): number {
    let records = 0;
    for (const snapshot of this.snapshots.values()) records += snapshot.records;
    return records;
  }

  private async restart(topics: string[]): Promise<void> {
    await this.close();
    this.positions.clear();
    this.snapshots.clear();
    this.subscribed = topics;
    if (topics.length === 0) return;
    for (const topic of topics) {
      const snapshot = emptySnapshot(topic, true);
      if (this.options.keepRecords) snapshot.all = [];
      this.snapshots.set(topic, snapshot);
    }
    // A throwaway group that commits nothing: verification must never move a participant's offsets.
    const groupId = `connect-hack-verify-${randomBytes(4).toString('hex')}`;
    const consumer = this.kafka.consumer({
      groupId,
      maxBytesPerPartition: 4 * 1024 * 1024,
      sessionTimeout: 30_000,
      maxWaitTimeInMs: idleFetchWaitMs,
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const snapshot = this.snapshots.get(batch.topic)!;
        for (const message of batch.messages) {
          const key = decodeKey(message.key);
          const value = decodeJson(message.value);
          const id = recordId(key, value);
          snapshot.records++;
          snapshot.all?.push({
            key,
            value,
            headers: headerStrings(message.headers),
            partition: batch.partition,
            offset: Number(message.offset),
            timestamp: Number(message.timestamp),
          });
          if (value !== null && (typeof value !== 'object' || Array.isArray(value))) snapshot.unreadable++;
          if (snapshot.schemaName === undefined && message.value)
            snapshot.schemaName = schemaName(message.value);
          if (id === null) continue;
          snapshot.latest.set(id, { key, value, partition: batch.partition, offset: Number(message.offset) });
          snapshot.versions.set(id, (snapshot.versions.get(id) ?? 0) + 1);
        }
        this.positions.set(`${batch.topic}:${batch.partition}`, Number(batch.lastOffset()) + 1);
      },
    });
    this.consumer = consumer;
    this.groupId = groupId;
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    await consumer.disconnect().catch(() => {});
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId!]).catch(() => {}); // leave no trace in the team's cluster
    await admin.disconnect();
  }
}

function emptySnapshot(topic: string, exists: boolean): TopicSnapshot {
  return { topic, exists, records: 0, latest: new Map(), versions: new Map(), unreadable: 0 };
}

/** The first `count` records of a topic with their headers (a throwaway group that commits nothing). */
export async function peekTopic(
  connection: KafkaConnection,
  topic: string,
  count: number,
  timeoutMs = 10_000,
): Promise<Array<{ key: string | null; headers: Record<string, string> }>> {
  const kafka = kafkaClient(connection, 'connect-hack-verify');
  const groupId = `connect-hack-verify-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: idleFetchWaitMs });
  const seen: Array<{ key: string | null; headers: Record<string, string> }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => {
          if (seen.length >= count) return;
          seen.push({ key: message.key?.toString() ?? null, headers: headerStrings(message.headers) });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect().catch(() => {});
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return seen;
}
