import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { readStack } from '../infra/stack/stack-file.ts';
const stack = readStack()!;
const entry = stack.services['cosmos-mongo']!;
const client = await new MongoClient(entry.connectionString, { tlsCAFile: entry.certificateFile }).connect();
const want = await client.db('shop').collection('orders').find({ _id: { $in: ['evt-000041', 'evt-000043'] } as never }).toArray();
for (const w of want) console.log('WANT', JSON.stringify(w.payload.items));
const kafka = new Kafka({ brokers: [stack.services.kafka!.bootstrapServers], logLevel: 0 });
const consumer = kafka.consumer({ groupId: 'peek-' + Date.now() });
await consumer.connect();
await consumer.subscribe({ topics: ['order-events'], fromBeginning: true });
await consumer.run({ eachMessage: async ({ message }) => {
  const id = message.headers?.eventId?.toString();
  if (id === 'evt-000041' || id === 'evt-000043') console.log('GOT ', id, JSON.stringify(JSON.parse(message.value!.toString()).items));
}});
await new Promise((r) => setTimeout(r, 6000));
await consumer.disconnect(); await client.close();
