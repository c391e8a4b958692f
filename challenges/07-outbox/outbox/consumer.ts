import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

/**
 * Your consumer: keep the read model `cache.orders` (on Cosmos DB for MongoDB) in step with `order-events`.
 * The harness starts it with KAFKA_BOOTSTRAP_SERVERS, COSMOS_MONGO_CONNECTION_STRING and COSMOS_MONGO_CA_FILE.
 * One document per order: { _id: orderId, status, totalCents, customerId, version, history: [eventType, …] }.
 * Make it idempotent (events can arrive twice) and evict cancelled orders (see the README).
 */
const mongo = await new MongoClient(process.env.COSMOS_MONGO_CONNECTION_STRING!, {
  ...(process.env.COSMOS_MONGO_CA_FILE ? { tlsCAFile: process.env.COSMOS_MONGO_CA_FILE } : {}),
}).connect();
const cache = mongo.db('cache').collection<{ _id: string }>('orders');
const kafka = new Kafka({
  clientId: 'order-cache',
  brokers: process.env.KAFKA_BOOTSTRAP_SERVERS!.split(','),
  logLevel: logLevel.WARN,
});
const consumer = kafka.consumer({ groupId: 'order-cache' });
await consumer.connect();
await consumer.subscribe({ topic: 'order-events', fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const orderId = message.key?.toString();
    if (!orderId || !message.value) return;
    // TODO: apply the event to cache.orders — once, in order; evict a cancelled order.
    void cache;
  },
});
