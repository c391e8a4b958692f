import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

/**
 * Challenge 06's two processors in TypeScript on kafkajs (`npm run challenge:06 -- --connectors
 * challenges/06-cdc-pipeline/solution-typescript`). The customers and products tables are read to their end first
 * (as Kafka Streams restores a global table before processing), then kept up to date while the orders stream:
 * each order is enriched onto orders-details or dead-lettered onto orders-dlq, and counted into its customer's
 * totals on orders-totals-by-customer; a deleted customer's totals become a tombstone.
 *
 * State lives in memory and every start re-reads everything under a new consumer group: the outputs are keyed
 * changelogs, so a re-read writes the same values again instead of counting twice. What it gives up next to Kafka
 * Streams: no state stores (a restart costs a full re-read) and no exactly-once (a crash between two writes may
 * leave an output briefly behind). A customer deleted before an order of theirs is read again still counts as
 * known (its last value enriches the order), so a re-read gives the same answer as the first read.
 */
type Row = Record<string, unknown>;

const kafka = new Kafka({
  clientId: 'challenge-06-typescript',
  brokers: (process.env.KAFKA_BOOTSTRAP_SERVERS ?? 'localhost:9092').split(','),
  logLevel: logLevel.WARN,
});
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

const current = { customers: new Map<string, Row>(), products: new Map<string, Row>() };
const lastKnown = { customers: new Map<string, Row>(), products: new Map<string, Row>() };
const deleted = new Set<string>();
const totals = new Map<string, { customer_id: number; order_count: number; total_amount: number }>();

/** JsonConverter's {schema, payload} unwrapped; a null payload is a delete, as a tombstone is. */
function decode(bytes: Buffer | null): Row | null {
  if (!bytes) return null;
  try {
    let value = JSON.parse(bytes.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && 'schema' in value && 'payload' in value)
      value = (value as { payload: unknown }).payload;
    return value && typeof value === 'object' ? (value as Row) : null;
  } catch {
    return null;
  }
}

type Out = { topic: string; key: string; value: string | null };

function onTable(table: 'customers' | 'products', key: string, value: Row | null): Out[] {
  if (value) {
    current[table].set(key, value);
    lastKnown[table].set(key, value);
    if (table === 'customers') deleted.delete(key);
    return [];
  }
  current[table].delete(key);
  if (table !== 'customers') return [];
  deleted.add(key);
  return totals.has(key) ? [{ topic: 'orders-totals-by-customer', key, value: null }] : [];
}

function onOrder(key: string, order: Row): Out[] {
  const customerId = String(order.customer_id);
  const customer = current.customers.get(customerId) ?? lastKnown.customers.get(customerId);
  const product =
    current.products.get(String(order.product_id)) ?? lastKnown.products.get(String(order.product_id));
  const reason = !(Number(order.product_quantity) > 0)
    ? `quantity ${String(order.product_quantity)} <= 0`
    : !customer
      ? `unknown customer ${customerId}`
      : !product
        ? `unknown product ${String(order.product_id)}`
        : undefined;
  if (reason) return [{ topic: 'orders-dlq', key, value: JSON.stringify({ order, reason }) }];
  const sum = totals.get(customerId) ?? {
    customer_id: Number(order.customer_id),
    order_count: 0,
    total_amount: 0,
  };
  sum.order_count++;
  sum.total_amount = Math.round((sum.total_amount + Number(order.total_amount)) * 100) / 100;
  totals.set(customerId, sum);
  return [
    { topic: 'orders-details', key, value: JSON.stringify({ ...order, customer, product }) },
    {
      topic: 'orders-totals-by-customer',
      key: customerId,
      value: deleted.has(customerId) ? null : JSON.stringify(sum),
    },
  ];
}

async function send(outs: Out[]): Promise<void> {
  if (outs.length === 0) return;
  const byTopic = new Map<string, Array<{ key: string; value: string | null }>>();
  for (const out of outs)
    byTopic.set(out.topic, [...(byTopic.get(out.topic) ?? []), { key: out.key, value: out.value }]);
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
}

async function consumer(
  topics: string[],
  handle: (topic: string, key: string, value: Buffer | null) => Out[],
): Promise<Consumer> {
  const reader = kafka.consumer({ groupId: `challenge-06-typescript-${randomUUID()}` });
  await reader.connect();
  await reader.subscribe({ topics, fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      const outs: Out[] = [];
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        if (key !== undefined) outs.push(...handle(batch.topic, key, message.value));
      }
      await send(outs);
    },
  });
  return reader;
}

await producer.connect();
// The tables first, read to their current end: an order must never be judged against a half-loaded table.
const admin = kafka.admin();
await admin.connect();
const ends = new Map<string, number>();
for (const topic of ['customers', 'products'])
  for (const partition of await admin.fetchTopicOffsets(topic))
    ends.set(`${topic}:${partition.partition}`, Number(partition.high));
await admin.disconnect();
const positions = new Map<string, number>();
const tables = await consumer(['customers', 'products'], (topic, key, value) => {
  const outs = onTable(topic as 'customers' | 'products', key, decode(value));
  return outs;
});
tables.on(tables.events.END_BATCH_PROCESS, (event) => {
  positions.set(`${event.payload.topic}:${event.payload.partition}`, Number(event.payload.lastOffset) + 1);
});
while ([...ends].some(([partition, end]) => (positions.get(partition) ?? 0) < end))
  await new Promise((resolve) => setTimeout(resolve, 100));
const orders = await consumer(['orders'], (_, key, value) => {
  const order = decode(value);
  return order ? onOrder(key, order) : [];
});
console.log('processing orders (tables loaded)');

const stop = async (): Promise<void> => {
  await orders.disconnect().catch(() => undefined);
  await tables.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
