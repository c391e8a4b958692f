import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { applyOrderEvent, type CacheEntry } from './read-model.ts';

/**
 * The reference consumer: keeps a read model of the orders (`cache.orders` on Cosmos DB for MongoDB) in step
 * with `order-events`. Idempotent: Kafka Connect sources deliver at least once, so after a crash an event can
 * arrive again — each cache entry remembers the sequence it was built from, and an event at or below it is
 * skipped. A cancelled order (payload `deleted: true`) is evicted: a tombstone entry keeps its sequence, so a late
 * redelivery of an older event cannot bring it back.
 *
 * Environment: KAFKA_BOOTSTRAP_SERVERS, COSMOS_MONGO_CONNECTION_STRING, COSMOS_MONGO_CA_FILE (a local emulator's
 * certificate; not needed on Azure).
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const mongo = await new MongoClient(env('COSMOS_MONGO_CONNECTION_STRING'), {
  ...(process.env.COSMOS_MONGO_CA_FILE ? { tlsCAFile: process.env.COSMOS_MONGO_CA_FILE } : {}),
}).connect();
const cache = mongo.db('cache').collection<CacheEntry>('orders');
const kafka = new Kafka({
  clientId: 'order-cache',
  brokers: env('KAFKA_BOOTSTRAP_SERVERS').split(','),
  logLevel: logLevel.WARN,
});
const consumer = kafka.consumer({ groupId: 'order-cache' });
await consumer.connect();
await consumer.subscribe({ topic: 'order-events', fromBeginning: true });

const stop = async (): Promise<void> => {
  await consumer.disconnect().catch(() => undefined);
  await mongo.close().catch(() => undefined);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

await consumer.run({
  eachMessage: async ({ message }) => {
    const orderId = message.key?.toString();
    if (!orderId || !message.value) return;
    const payload = JSON.parse(message.value.toString()) as Record<string, unknown>;
    const entry = applyOrderEvent(await cache.findOne({ _id: orderId }), {
      orderId,
      eventType: message.headers?.eventType?.toString() ?? 'unknown',
      sequence: Number(message.headers?.sequence?.toString() ?? payload.version),
      payload,
    });
    if (!entry) return; // a redelivery: already applied
    await cache.replaceOne({ _id: orderId }, entry, { upsert: true });
  },
});
console.log('order-cache consumer running');
