import type { Admin, ITopicConfig } from 'kafkajs';

/** Errors a broker answers while a topic it has just created is still reaching its metadata cache. */
const propagating = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates the topics that do not exist yet and waits until every partition of each has a leader; returns the names
 * it created. kafkajs's own `waitForLeaders` gives up when a KRaft broker answers UNKNOWN_TOPIC_OR_PARTITION for a
 * topic it created a moment ago (seen on a loaded machine), so this waits on the metadata itself. A topic another
 * client creates between the list and the create counts as existing.
 */
export async function createTopicsReady(
  admin: Admin,
  topics: ITopicConfig[],
  options: { timeoutMs?: number } = {},
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({ topics: missing, waitForLeaders: false }).catch((error: unknown) => {
    if (!String((error as Error).message).includes('already exists')) throw error;
  });
  const names = missing.map((spec) => spec.topic);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const ready = metadata.every(
        (topic) =>
          topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return names;
    } catch (error) {
      const type = (error as { type?: string }).type ?? '';
      if (!propagating.has(type) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `Topics ${names.join(', ')} have no leader ${options.timeoutMs ?? 30_000} ms after creation.`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
