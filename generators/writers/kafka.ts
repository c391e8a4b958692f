import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { HackError, errorMessage } from '../../infra/errors.ts';
import { createTopicsReady } from '../../infra/kafka/topics.ts';
import { TOPIC_PARTITIONS, type AnyRecord, type Topic } from '../model.ts';
import { assignPartitions, keyPartition } from './partitioner.ts';
import type { RecordWriter } from './record-writer.ts';

export interface KafkaWriterOptions {
  /** Records per `sendBatch` of one producer, across topics; bigger batches mean fewer round trips. */
  batchSize?: number;
  /**
   * Producers writing side by side, each to its own share of the partitions (default 3). kafkajs's idempotent
   * producer has one request in flight at a time; with several, one is acknowledged while another sends.
   */
  producers?: number;
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
  await partitionCounts(kafka, topics, partitions);
}

/** How many partitions each topic has, after creating the missing ones with `createWith` partitions if given. */
async function partitionCounts(
  kafka: Kafka,
  topics: readonly string[],
  createWith: number | undefined,
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (createWith !== undefined) {
      await createTopicsReady(
        admin,
        topics.map((topic) => ({ topic, numPartitions: createWith })),
      );
    }
    const { topics: metadata } = await admin
      .fetchTopicMetadata({ topics: [...topics] })
      .catch((error: unknown) => {
        throw new HackError(`Reading the partitions of ${topics.join(', ')} failed: ${errorMessage(error)}`, {
          fix: 'Check that the broker is running (`npx hack status`) and that the topics exist.',
          retriable: true,
          cause: error,
        });
      });
    return new Map(metadata.map((topic) => [topic.name, topic.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}

/** One producer, the partitions assigned to it, and its batches: the one being filled and the one in flight. */
interface Lane {
  producer: Producer;
  /** Messages by Kafka topic, for the next `sendBatch`. */
  pending: Map<string, Message[]>;
  buffered: number;
  /** The batch the broker is acknowledging while the next one is generated. */
  inFlight?: Promise<void>;
}

/** Where a model topic's records go: its Kafka topic, partition count and each partition's lane. */
interface Route {
  name: string;
  partitions: number;
  laneOfPartition: number[];
}

/**
 * Produces records keyed by id (value = JSON) in batches with `acks: -1`. Each partition is written by one of
 * `producers` producers, whose batches go one after another, so that the versions of an id (a changelog) arrive
 * in the order they were generated; the next batches are generated while the broker acknowledges the last.
 */
export async function kafkaWriter(
  kafka: Kafka,
  topics: readonly Topic[],
  options: KafkaWriterOptions = {},
): Promise<RecordWriter> {
  const batchSize = options.batchSize ?? 2_000;
  const topicName = options.topicName ?? ((topic: Topic) => topic);
  const counts = await partitionCounts(
    kafka,
    topics.map(topicName),
    (options.createTopics ?? true) ? (options.partitions ?? TOPIC_PARTITIONS) : undefined,
  );
  const laneCount = Math.max(1, options.producers ?? 3);
  const assignment = assignPartitions(counts, laneCount);
  const routes = new Map<Topic, Route>(
    topics.map((topic) => {
      const name = topicName(topic);
      return [
        topic,
        { name, partitions: counts.get(name) ?? 0, laneOfPartition: assignment.get(name) ?? [] },
      ];
    }),
  );
  const idempotent = options.idempotent ?? true;
  const lanes = await connectLanes(kafka, idempotent, laneCount);
  /** The first failure of any lane: the next batch of every lane, and `close`, report it. */
  let failure: unknown;

  /**
   * Starts sending the lane's buffer once its batch before is acknowledged, and returns without waiting for this
   * one: the generator fills the next batches meanwhile. A lane's sends go one after another, so an id's versions
   * keep their order; a failure surfaces at the next batch of any lane or at `close`.
   */
  const sendInBackground = async (lane: Lane): Promise<void> => {
    const previous = lane.inFlight;
    lane.inFlight = undefined;
    if (previous) await previous;
    if (failure !== undefined) throw failure;
    const sending = send(lane);
    sending.catch((error: unknown) => {
      failure ??= error; // awaited later; not an unhandled rejection meanwhile
    });
    lane.inFlight = sending;
  };

  return {
    description: options.description ?? 'Kafka',
    write(record: AnyRecord) {
      const route = routes.get(record.topic);
      if (!route) return;
      const key = Buffer.from(record.key);
      const partition = keyPartition(key, route.partitions);
      const lane = lanes[route.laneOfPartition[partition]!]!;
      let messages = lane.pending.get(route.name);
      if (!messages) lane.pending.set(route.name, (messages = []));
      messages.push({ key, value: JSON.stringify(record.value), partition });
      lane.buffered += 1;
      if (lane.buffered >= batchSize) return sendInBackground(lane);
    },
    async close() {
      try {
        const inFlight = await Promise.allSettled(lanes.map((lane) => lane.inFlight));
        throwFirstFailure(inFlight);
        if (failure !== undefined) throw failure;
        throwFirstFailure(await Promise.allSettled(lanes.map(send)));
      } finally {
        await Promise.all(lanes.map((lane) => lane.producer.disconnect()));
      }
    },
  };
}

async function connectLanes(kafka: Kafka, idempotent: boolean, count: number): Promise<Lane[]> {
  const lanes: Lane[] = Array.from({ length: count }, () => ({
    producer: kafka.producer({
      allowAutoTopicCreation: false,
      idempotent,
      ...(idempotent ? { maxInFlightRequests: 1 } : {}),
      createPartitioner: Partitioners.DefaultPartitioner, // unused: every message carries its partition (keyPartition)
    }),
    pending: new Map(),
    buffered: 0,
  }));
  const connected = await Promise.allSettled(lanes.map((lane) => lane.producer.connect()));
  if (connected.some((result) => result.status === 'rejected')) {
    await Promise.all(lanes.map((lane) => lane.producer.disconnect().catch(() => undefined)));
    throwFirstFailure(connected);
  }
  return lanes;
}

async function send(lane: Lane): Promise<void> {
  if (lane.buffered === 0) return;
  const topicMessages = [...lane.pending].map(([topic, messages]) => ({ topic, messages }));
  lane.pending = new Map();
  lane.buffered = 0;
  try {
    await lane.producer.sendBatch({ topicMessages, acks: -1 });
  } catch (error) {
    throw new HackError(`Producing to Kafka failed: ${errorMessage(error)}`, {
      fix: 'Check that the broker is running (`npx hack status`) and that the topics exist.',
      retriable: true,
      cause: error,
    });
  }
}

function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
