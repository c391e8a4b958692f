import type { Admin, Kafka, Producer } from 'kafkajs';
import { ConfigStore } from './config-store.ts';
import { ensureCompactedTopics, readToEnd } from './kafka-log.ts';
import { OffsetStore } from './offset-store.ts';
import { StatusStore } from './status-store.ts';

export interface StorageTopics {
  config: string;
  offset: string;
  status: string;
}

export interface Storage {
  configs: ConfigStore;
  offsets: OffsetStore;
  statuses: StatusStore;
  producer: Producer;
  admin: Admin;
  close(): Promise<void>;
}

/**
 * Opens the three internal topics (creating them compacted with Apache's partition counts if missing) and reads
 * them back, so a restarted worker resumes from what it stored.
 */
export async function openStorage(
  kafka: Kafka,
  topics: StorageTopics,
  options: { replicationFactor?: number } = {},
): Promise<Storage> {
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  await producer.connect();
  try {
    await ensureCompactedTopics(
      admin,
      [
        { topic: topics.config, partitions: 1 },
        { topic: topics.offset, partitions: 25 },
        { topic: topics.status, partitions: 5 },
      ],
      options.replicationFactor ?? -1,
    );
    const configs = new ConfigStore(producer, topics.config);
    const offsets = new OffsetStore(producer, topics.offset);
    const statuses = new StatusStore(producer, topics.status);
    for (const record of await readToEnd(kafka, admin, [topics.config, topics.offset, topics.status])) {
      if (record.topic === topics.config) configs.apply(record);
      else if (record.topic === topics.offset) offsets.apply(record);
      else statuses.apply(record);
    }
    return {
      configs,
      offsets,
      statuses,
      producer,
      admin,
      close: async () => {
        await producer.disconnect();
        await admin.disconnect();
      },
    };
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    throw error;
  }
}

export { ConfigStore, OffsetStore, StatusStore };
export type { TargetState } from './config-store.ts';
export type { ConnectorState, StatusEntry } from './status-store.ts';
