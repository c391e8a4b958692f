import type { Consumer, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';

/**
 * Every record of a few topics, read from the beginning by one consumer that lives for a whole verification;
 * `catchUp()` waits until it has what the partitions' ends were when it was called. Change events need all
 * records, not a latest-per-key view: their keys are extracted by the sink, not set on the topic.
 */
export class TopicLog {
  readonly records = new Map<
    string,
    Array<{ key: string | null; value: string | null; headers: Record<string, string> }>
  >();
  private readonly positions = new Map<string, number>();
  private consumer: Consumer | undefined;
  private started: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
  ) {
    for (const topic of topics) this.records.set(topic, []);
  }

  private start(existing: string[]): Promise<void> {
    this.started ??= (async () => {
      this.consumer = this.kafka.consumer({
        groupId: `connect-hack-verify-08-${randomBytes(4).toString('hex')}`,
        allowAutoTopicCreation: false,
      });
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: existing, fromBeginning: true });
      await this.consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {}))
            if (value !== undefined) headers[name] = String(value);
          this.records.get(topic)!.push({
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
            headers,
          });
          this.positions.set(`${topic}:${partition}`, Number(message.offset) + 1);
        },
      });
    })();
    return this.started;
  }

  /** Reads until every partition's end as of now (at most `timeoutMs`). */
  async catchUp(timeoutMs = 10_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = (await admin.listTopics()).filter((topic) => this.topics.includes(topic));
      if (existing.length === 0) return;
      await this.start(existing);
      const ends = new Map<string, number>();
      for (const topic of existing)
        for (const partition of await admin.fetchTopicOffsets(topic))
          ends.set(`${topic}:${partition.partition}`, Number(partition.high));
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ([...ends].every(([at, end]) => (this.positions.get(at) ?? 0) >= end)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
