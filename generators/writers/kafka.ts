import type { Kafka, Message, Producer } from 'kafkajs';
import { HackError, errorMessage } from '../../infra/errors.ts';
import { createTopicsReady } from '../../infra/kafka/topics.ts';
import { TOPIC_PARTITIONS, type AnyRecord, type Topic } from '../model.ts';
import { javaCompatiblePartitioner } from './partitioner.ts';
import type { RecordWriter } from './record-writer.ts';

export interface KafkaWriterOptions {
  /** Records per `sendBatch` across topics; bigger batches mean fewer round trips. */
  batchSize?: number;
  /** Creates the topics that do not exist yet (with 4 partitions); existing topics are left as they are. */
  createTopics?: boolean;
  partitions?: number;
  /**
   * Idempotent producer (default): kafkajs resends a whole batch when one partition fails (e.g. "not the leader"
   * right after the topic was created), and without idempotence the partitions that had succeeded get duplicates.
   * Turn it off only for a cluster that refuses idempotent producers.
   */
  idempotent?: boolean;
  /** The Kafka topic a model topic goes to; the identity unless tests isolate themselves with a prefix. */
  topicName?: (topic: Topic) => string;
  description?: string;
}

/** Creates the missing topics with `partitions` partitions and waits for their leaders. */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions = TOPIC_PARTITIONS,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsReady(
      admin,
      topics.map((topic) => ({ topic, numPartitions: partitions })),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produces records keyed by id (value = JSON) in batches with `acks: -1`. Batches go one after another so that
 * the versions of an id (a changelog) arrive in the order they were generated; the next batch is generated while
 * the broker acknowledges the last.
 */
export async function kafkaWriter(
  kafka: Kafka,
  topics: readonly Topic[],
  options: KafkaWriterOptions = {},
): Promise<RecordWriter> {
  const batchSize = options.batchSize ?? 2_000;
  const topicName = options.topicName ?? ((topic: Topic) => topic);
  if (options.createTopics ?? true) await ensureTopics(kafka, topics.map(topicName), options.partitions);
  const idempotent = options.idempotent ?? true;
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent,
    ...(idempotent ? { maxInFlightRequests: 1 } : {}),
    createPartitioner: javaCompatiblePartitioner,
  });
  await producer.connect();
  const selected = new Set(topics);
  let pending = new Map<Topic, Message[]>();
  let buffered = 0;
  /** The batch the broker is acknowledging while the next one is generated. */
  let inFlight: Promise<void> | undefined;

  /**
   * Starts sending what is buffered once the batch before it is acknowledged, and returns without waiting for
   * this one: the generator fills the next batch meanwhile. Sends still go one after another, so an id's
   * versions keep their order; a failure surfaces at the next batch or at `close`.
   */
  const sendInBackground = async (): Promise<void> => {
    const previous = inFlight;
    inFlight = undefined;
    if (previous) await previous;
    inFlight = send();
    inFlight.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
  };

  const send = async (): Promise<void> => {
    if (buffered === 0) return;
    const topicMessages = [...pending].map(([topic, messages]) => ({ topic: topicName(topic), messages }));
    pending = new Map();
    buffered = 0;
    try {
      await producer.sendBatch({ topicMessages, acks: -1 });
    } catch (error) {
      throw new HackError(`Producing to Kafka failed: ${errorMessage(error)}`, {
        fix: 'Check that the broker is running (`npx hack status`) and that the topics exist.',
        retriable: true,
        cause: error,
      });
    }
  };

  return {
    description: options.description ?? 'Kafka',
    write(record: AnyRecord) {
      if (!selected.has(record.topic)) return;
      let messages = pending.get(record.topic);
      if (!messages) pending.set(record.topic, (messages = []));
      messages.push({ key: record.key, value: JSON.stringify(record.value) });
      buffered += 1;
      if (buffered >= batchSize) return sendInBackground();
    },
    async close() {
      try {
        await inFlight;
        await send();
      } finally {
        await producer.disconnect();
      }
    },
  };
}
