import { Kafka } from 'kafkajs';
import { readStack } from '../infra/stack/stack-file.ts';
const stack = readStack()!;
const kafka = new Kafka({ brokers: [stack.services.kafka!.bootstrapServers], logLevel: 0 });
const consumer = kafka.consumer({ groupId: 'peek-' + Date.now() });
await consumer.connect();
await consumer.subscribe({ topics: ['order-events', 'shipment-events'], fromBeginning: true });
let n = 0;
await consumer.run({ eachMessage: async ({ topic, partition, message }) => {
  n++;
  if (n <= 3 || topic === 'shipment-events' && n < 40) console.log(topic, partition, message.offset, message.key?.toString(), message.value?.toString(), Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()])));
}});
await new Promise((r) => setTimeout(r, 8000));
console.log('total', n);
await consumer.disconnect();
