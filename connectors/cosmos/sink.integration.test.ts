import type { Container, Database } from '@azure/cosmos';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../infra/cosmos/test-support.ts';
import { createTopicsReady } from '../../infra/kafka/topics.ts';
import {
  consume,
  createTopic,
  produce,
  testKafka,
  uniqueName,
  waitFor,
  withAdmin,
} from '../../infra/testing/helpers.ts';
import {
  entityFields,
  generateScenario,
  TOPICS,
  type AnyRecord,
  type Topic,
} from '../../generators/index.ts';
import { jsonConverters, startTestWorker, type TestWorker } from './test-support.ts';

/** Non-`id` partition keys, one hierarchical and one numeric, so nothing can assume the key is the id. */
const partitionKeys: Record<Topic, string[]> = {
  users: ['/country'],
  products: ['/category'],
  purchases: ['/userId'],
  returns: ['/productId'],
  'inventory-replenishment': ['/productId'],
  'product-ratings': ['/productId', '/userId'],
  'product-inventory-capacity': ['/productId'],
  'inventory-on-hand': ['/productId'],
  'top-5-products': ['/rank'],
};

let cosmos: TestEmulator;
let connect: TestWorker;
let kafka: Kafka;
let database: Database;

beforeAll(async () => {
  [cosmos, connect] = await Promise.all([startTestEmulator(), startTestWorker()]);
  kafka = testKafka();
  ({ database } = await cosmos.client.databases.createIfNotExists({ id: uniqueName('retail-sink') }));
});

afterAll(async () => {
  await connect?.close();
  await cosmos?.close();
});

async function containerFor(name: string, paths: string[]): Promise<Container> {
  const { container } = await database.containers.createIfNotExists({
    id: name,
    partitionKey: (paths.length > 1 ? { paths, kind: 'MultiHash', version: 2 } : { paths }) as never,
  });
  return container;
}

const sinkConfig = (topics: string[], topicMap: string, extra: Record<string, string> = {}) => ({
  'connector.class': 'com.azure.cosmos.kafka.connect.CosmosSinkConnector',
  topics: topics.join(','),
  'tasks.max': '2',
  ...jsonConverters,
  'azure.cosmos.account.endpoint': cosmos.emulator.endpoint,
  'azure.cosmos.account.key': cosmos.emulator.key,
  'azure.cosmos.sink.database.name': database.id,
  'azure.cosmos.sink.containers.topicMap': topicMap,
  ...extra,
});

describe('Cosmos sink through the worker', () => {
  it('writes all nine entities into containers with non-id partition keys (latest version per id)', async () => {
    const run = uniqueName('s');
    const records = [
      ...generateScenario({
        seed: 7,
        scale: { users: 12, products: 6, events: 30 },
        start: '2026-11-01T00:00:00.000Z',
        spanDays: 2,
        liveUpdates: 6,
      }),
    ];
    const latest = new Map<Topic, Map<string, AnyRecord['value']>>();
    for (const record of records) {
      (latest.get(record.topic) ?? latest.set(record.topic, new Map()).get(record.topic)!).set(
        record.key,
        record.value,
      );
    }
    expect([...latest.keys()].sort()).toEqual([...TOPICS].sort());
    const topicOf = (topic: Topic) => `${run}-${topic}`;
    await Promise.all(
      TOPICS.map(async (topic) => {
        await createTopic(kafka, topicOf(topic), 2);
        await containerFor(topic, partitionKeys[topic]);
      }),
    );
    for (const topic of TOPICS) {
      const ofTopic = records.filter((record) => record.topic === topic);
      await produce(
        kafka,
        topicOf(topic),
        ofTopic.map((record) => ({ key: record.key, value: JSON.stringify(record.value) })),
      );
    }
    await connect.put(
      `${run}-sink`,
      sinkConfig(TOPICS.map(topicOf), TOPICS.map((topic) => `${topicOf(topic)}#${topic}`).join(',')),
    );
    await connect.running(`${run}-sink`, 2);

    for (const topic of TOPICS) {
      const expected = latest.get(topic)!;
      const container = database.container(topic);
      const items = await waitFor(
        async () => {
          const { resources } = await container.items.readAll<Record<string, unknown>>().fetchAll();
          const byId = new Map(resources.map((item) => [item.id as string, item]));
          const converged = [...expected].every(
            ([id, value]) =>
              byId.has(id) &&
              JSON.stringify(entityFields(topic, byId.get(id)!)) ===
                JSON.stringify(entityFields(topic, value as unknown as Record<string, unknown>)),
          );
          return converged ? byId : undefined;
        },
        { timeoutMs: 60_000, description: `every ${topic} record in Cosmos with its latest content` },
      );
      expect(items.size).toBe(expected.size);
    }
    // Point reads by (id, partition key) find the items where the container's definition puts them.
    const rating = [...latest.get('product-ratings')!.values()][0] as {
      id: string;
      productId: string;
      userId: string;
    };
    const { resource } = await database
      .container('product-ratings')
      .item(rating.id, [rating.productId, rating.userId])
      .read();
    expect(resource?.id).toBe(rating.id);
  });

  it('sends bad records to the DLQ with context headers while good ones land, and deletes on tombstones', async () => {
    const run = uniqueName('d');
    const topic = `${run}-products`;
    const dlq = `${run}-dlq`;
    // Room for a record over Cosmos DB's 2 MB item limit, on the topic and on the DLQ it is sent to.
    await withAdmin(kafka, (admin) =>
      createTopicsReady(
        admin,
        [topic, dlq].map((name) => ({
          topic: name,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: '4000000' }],
        })),
      ),
    );
    const container = await containerFor(`${run}-products`, ['/category']);
    const good = (n: number) => ({
      key: `p${n}`,
      value: JSON.stringify({ id: `p${n}`, category: 'toys', n }),
    });
    await produce(kafka, topic, [
      good(1),
      { key: 'x1', value: JSON.stringify({ category: 'toys', name: 'no id' }) },
      good(2),
      { key: 'x2', value: JSON.stringify('just a string') },
      { key: 'x3', value: JSON.stringify({ id: 'x3', category: { not: 'a key' } }) },
      {
        key: 'x4',
        value: JSON.stringify({
          id: 'x4',
          category: 'toys',
          blob: 'x'.repeat(900_000) + 'y'.repeat(1_300_000),
        }),
      },
      good(3),
      { key: 'p2', value: null },
    ]);
    await connect.put(
      `${run}-sink`,
      sinkConfig([topic], `${topic}#${container.id}`, {
        'tasks.max': '1',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
        'azure.cosmos.sink.errors.tolerance.level': 'All',
        'azure.cosmos.sink.tombstone.delete.enabled': 'true',
      }),
    );
    await connect.running(`${run}-sink`);
    const dead = await consume(kafka, dlq, 4, { timeoutMs: 60_000 });
    expect(dead.map((record) => record.key).sort()).toEqual(['x1', 'x2', 'x3', 'x4']);
    for (const record of dead) {
      expect(record.headers['__connect.errors.topic']).toBe(topic);
      expect(record.headers['__connect.errors.stage']).toBe('TASK_PUT');
      expect(record.headers['__connect.errors.exception.message']).toBeTruthy();
    }
    const byKey = new Map(dead.map((record) => [record.key, record.headers]));
    expect(byKey.get('x1')!['__connect.errors.exception.message']).toMatch(/no id/);
    expect(byKey.get('x4')!['__connect.errors.exception.message']).toMatch(/too large/);
    const ids = await waitFor(
      async () => {
        const { resources } = await container.items.readAll().fetchAll();
        const found = resources.map((item) => item.id).sort();
        return found.join(',') === 'p1,p3' ? found : undefined;
      },
      { description: 'p1 and p3 in Cosmos, p2 deleted by its tombstone' },
    );
    expect(ids).toEqual(['p1', 'p3']);
  });

  it('accepts the v1 class and keys (item-by-item writes, id from the key) and patches with ItemPatch', async () => {
    const run = uniqueName('v1');
    const container = await containerFor(`${run}-stock`, ['/category']);
    await createTopic(kafka, `${run}-v1`, 1);
    await createTopic(kafka, `${run}-patch`, 1);
    await produce(
      kafka,
      `${run}-v1`,
      Array.from({ length: 10 }, (_, n) => ({
        key: `k-${n}`,
        value: JSON.stringify({ category: n % 2 ? 'toys' : 'books', name: `Item ${n}`, stock: 1 }),
      })),
    );
    await connect.put(`${run}-v1`, {
      'connector.class': 'com.azure.cosmos.kafka.connect.sink.CosmosDBSinkConnector',
      topics: `${run}-v1`,
      ...jsonConverters,
      'connect.cosmos.connection.endpoint': cosmos.emulator.endpoint,
      'connect.cosmos.master.key': cosmos.emulator.key,
      'connect.cosmos.databasename': database.id,
      'connect.cosmos.containers.topicmap': `${run}-v1#${container.id}`,
      'connect.cosmos.sink.bulk.enabled': 'false',
      'id.strategy': 'com.azure.cosmos.kafka.connect.sink.id.strategy.ProvidedInKeyStrategy',
    });
    await waitFor(async () => (await container.items.readAll().fetchAll()).resources.length === 10, {
      description: '10 items written item by item',
    });
    await produce(kafka, `${run}-patch`, [
      { key: 'k-0', value: JSON.stringify({ id: 'k-0', category: 'books', stock: 5 }) },
      { key: 'k-0', value: JSON.stringify({ id: 'k-0', category: 'books', stock: 5 }) },
    ]);
    await connect.put(
      `${run}-patch`,
      sinkConfig([`${run}-patch`], `${run}-patch#${container.id}`, {
        'tasks.max': '1',
        'azure.cosmos.sink.write.strategy': 'ItemPatch',
        'azure.cosmos.sink.write.patch.property.configs': 'property(stock).op(Increment)',
      }),
    );
    await connect.running(`${run}-patch`);
    const patched = await waitFor(
      async () => {
        const { resource } = await container.item('k-0', 'books').read<Record<string, unknown>>();
        if (resource?.stock !== 11)
          throw new Error(JSON.stringify([resource, await connect.status(`${run}-patch`)]));
        return resource;
      },
      { description: 'k-0 stock incremented twice to 11' },
    );
    expect(patched).toMatchObject({ id: 'k-0', name: 'Item 0', category: 'books', stock: 11 });
  });
});
