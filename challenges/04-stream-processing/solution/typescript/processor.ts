import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { RetailProcessor, type Fault } from './core.ts';

/**
 * Challenge 04 in TypeScript on kafkajs: reads the input topics from the beginning and writes inventory-on-hand
 * and top-5-products. It keeps its state in memory and has no transactions, so on every start it reads the whole
 * input again under a new consumer group (outputs are latest-value changelogs, so re-reading overwrites rather
 * than double-counts). What it gives up next to Kafka Streams: no state stores (a restart costs a full re-read),
 * no exactly-once (a crash between a write and the next read may leave an output briefly behind).
 */
const INPUTS = [
  'products',
  'product-inventory-capacity',
  'inventory-replenishment',
  'purchases',
  'returns',
  'product-ratings',
];

const kafka = new Kafka({
  clientId: 'challenge-04-typescript',
  brokers: (process.env.KAFKA_BOOTSTRAP_SERVERS ?? 'localhost:9092').split(','),
  logLevel: logLevel.WARN,
});
const processor = new RetailProcessor(process.env.HACK_PROCESSOR_FAULT as Fault);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId: `challenge-04-typescript-${randomUUID()}` });

await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: INPUTS, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    // The latest record per output key of the whole batch: fewer writes, same final values.
    const latest = new Map<string, { topic: string; key: string; value: string }>();
    for (const message of batch.messages) {
      if (!message.value) continue;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(message.value.toString('utf8')) as Record<string, unknown>;
      } catch {
        console.warn(`skipped ${batch.topic}@${message.offset}: not JSON`);
        continue;
      }
      for (const out of processor.handle(batch.topic, value))
        latest.set(`${out.topic}/${out.key}`, {
          topic: out.topic,
          key: out.key,
          value: JSON.stringify(out.value),
        });
    }
    if (latest.size === 0) return;
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const out of latest.values()) byTopic.set(out.topic, [...(byTopic.get(out.topic) ?? []), out]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  },
});
console.log(`processing ${INPUTS.join(', ')}`);

const stop = async (): Promise<void> => {
  await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
