import type { Database } from '@azure/cosmos';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../infra/cosmos/test-support.ts';
import {
  consume,
  createTopic,
  testKafka,
  uniqueName,
  waitFor,
  type ConsumedRecord,
} from '../../infra/testing/helpers.ts';
import { jsonConverters, startTestWorker, type TestWorker } from './test-support.ts';

let cosmos: TestEmulator;
let connect: TestWorker;
let kafka: Kafka;
let database: Database;

beforeAll(async () => {
  [cosmos, connect] = await Promise.all([startTestEmulator(), startTestWorker()]);
  kafka = testKafka();
  ({ database } = await cosmos.client.databases.createIfNotExists({ id: uniqueName('retail') }));
});

afterAll(async () => {
  await connect?.close();
  await cosmos?.close();
});

const sourceConfig = (extra: Record<string, string>) => ({
  'connector.class': 'com.azure.cosmos.kafka.connect.CosmosSourceConnector',
  ...jsonConverters,
  'azure.cosmos.account.endpoint': cosmos.emulator.endpoint,
  'azure.cosmos.account.key': cosmos.emulator.key,
  'azure.cosmos.source.database.name': database.id,
  'azure.cosmos.source.changeFeed.maxItemCountHint': '7',
  'azure.cosmos.source.metadata.poll.delay.ms': '500',
  'connect.cosmos.task.poll.interval': '200',
  ...extra,
});

/** Reads a topic until `done` holds for what arrived (a fresh group each time: from the beginning). */
async function readUntil(
  topic: string,
  done: (records: ConsumedRecord[]) => boolean,
): Promise<ConsumedRecord[]> {
  let seen: ConsumedRecord[] = [];
  await waitFor(
    async () => {
      seen = await consume(kafka, topic, 1, { timeoutMs: 10_000 }).catch(() => []);
      return done(seen);
    },
    { timeoutMs: 60_000, intervalMs: 500, description: `the expected records on ${topic}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; saw ${seen.length} records`);
  });
  return seen;
}

const latestById = (records: ConsumedRecord[]) =>
  new Map(records.map((record) => [record.key!, JSON.parse(record.value!) as Record<string, unknown>]));

describe('Cosmos source through the worker', () => {
  it('streams inserts and updates, made while it runs and across a worker restart, without replaying everything', async () => {
    const run = uniqueName('src');
    const users = database.container(
      (await database.containers.create({ id: `${run}-users`, partitionKey: { paths: ['/id'] } })).container
        .id,
    );
    const products = database.container(
      (await database.containers.create({ id: `${run}-products`, partitionKey: { paths: ['/category'] } }))
        .container.id,
    );
    const usersTopic = `${run}-users-topic`;
    const productsTopic = `${run}-products-topic`;
    await Promise.all([createTopic(kafka, usersTopic, 2), createTopic(kafka, productsTopic, 2)]);
    for (let n = 0; n < 30; n++) await users.items.create({ id: `u${n}`, fullName: `User ${n}`, visits: n });
    for (let n = 0; n < 12; n++)
      await products.items.create({ id: `p${n}`, category: n % 2 ? 'toys' : 'books', unitPrice: n + 0.5 });

    await connect.put(
      `${run}-source`,
      sourceConfig({
        'tasks.max': '2',
        'azure.cosmos.source.containers.includedList': `${users.id},${products.id}`,
        'azure.cosmos.source.containers.topicMap': `${usersTopic}#${users.id},${productsTopic}#${products.id}`,
      }),
    );
    await connect.running(`${run}-source`, 2);

    const first = await readUntil(usersTopic, (records) => latestById(records).size === 30);
    const u7 = latestById(first).get('u7')!;
    const { resource: stored } = await users.item('u7', 'u7').read();
    // The value is the document as the change feed has it: system properties (and the feed's `_lsn`) included,
    // numbers as numbers.
    expect(u7).toEqual({ ...stored, _lsn: expect.any(Number) });
    await readUntil(productsTopic, (records) => latestById(records).size === 12);

    // Updates while running.
    for (let n = 0; n < 5; n++)
      await users.items.upsert({ id: `u${n}`, fullName: `User ${n} (renamed)`, visits: 100 });
    await readUntil(usersTopic, (records) => latestById(records).get('u4')?.fullName === 'User 4 (renamed)');

    // Changes while the worker is down arrive after it restarts; the unchanged past is not sent again.
    await new Promise((resolve) => setTimeout(resolve, 1500)); // > offset.flush.interval.ms
    await connect.worker.close();
    await users.items.create({ id: 'u-late', fullName: 'Late user', visits: 0 });
    await products.items.upsert({ id: 'p3', category: 'toys', unitPrice: 99 });
    await connect.restart();
    await connect.running(`${run}-source`, 2);
    const after = await readUntil(usersTopic, (records) => latestById(records).has('u-late'));
    const productsAfter = await readUntil(
      productsTopic,
      (records) => latestById(records).get('p3')?.unitPrice === 99,
    );
    const copies = (records: ConsumedRecord[], key: string) =>
      records.filter((record) => record.key === key).length;
    // u10..u29 never changed: at most a page (maxItemCountHint=7) is replayed, never the whole feed.
    const replayed = Array.from({ length: 20 }, (_, n) => `u${n + 10}`).filter(
      (key) => copies(after, key) > 1,
    );
    expect(replayed.length).toBeLessThanOrEqual(7);
    expect(copies(productsAfter, 'p0')).toBeLessThanOrEqual(2);
  });

  it('with tasks.max 3, spreads three feed ranges over three tasks, and through a live split loses and repeats nothing', async () => {
    const run = uniqueName('wide');
    const { container } = await database.containers.create({
      id: run,
      partitionKey: { paths: ['/id'] },
      throughput: 25_000,
    });
    await createTopic(kafka, run, 3);
    for (let n = 0; n < 60; n++) await container.items.create({ id: `w${n}`, n });
    await connect.put(
      `${run}-source`,
      sourceConfig({ 'tasks.max': '3', 'azure.cosmos.source.containers.includedList': run }),
    );
    await connect.running(`${run}-source`, 3);
    const assigned = async () => {
      const response = await fetch(`${connect.worker.url}/connectors/${run}-source/tasks`);
      const tasks = (await response.json()) as Array<{ config: Record<string, string> }>;
      return tasks.map((task) =>
        (JSON.parse(task.config['azure.cosmos.source.task.assignments']!) as Array<{ min: string }>).map(
          (a) => a.min,
        ),
      );
    };
    // One physical partition per task.
    expect((await assigned()).map((mins) => mins.length)).toEqual([1, 1, 1]);
    expect(new Set((await assigned()).flat()).size).toBe(3);
    const first = await readUntil(run, (records) => latestById(records).size === 60);
    expect(first).toHaveLength(60);

    // Split a partition while the connector runs (after its offsets are flushed), then write more.
    await new Promise((resolve) => setTimeout(resolve, 1500)); // > offset.flush.interval.ms
    const { resource: offer } = await container.readOffer();
    await cosmos.client.offer(offer!.id).replace({
      ...offer!,
      content: { offerThroughput: 35_000, offerIsRUPerMinuteThroughputEnabled: false },
    });
    await waitFor(async () => (await assigned()).flat().length === 4, {
      description: 'the tasks reassigned over the four ranges after the split',
    });
    await connect.running(`${run}-source`, 3);
    for (let n = 60; n < 90; n++) await container.items.create({ id: `w${n}`, n });
    const all = await readUntil(run, (records) => latestById(records).size === 90);
    // Every change exactly once: the split's children continued where their parent stopped.
    expect(all.map((record) => record.key).sort()).toEqual(
      Array.from({ length: 90 }, (_, n) => `w${n}`).sort(),
    );
  });

  it('with includeAll, picks up a container created after it started', async () => {
    const run = uniqueName('all');
    const { database: own } = await cosmos.client.databases.createIfNotExists({ id: run });
    await own.containers.create({ id: `${run}-a`, partitionKey: { paths: ['/id'] } });
    await createTopic(kafka, `${run}-a`, 1);
    await createTopic(kafka, `${run}-b`, 1);
    await own.container(`${run}-a`).items.create({ id: 'a1' });
    await connect.put(
      `${run}-source`,
      sourceConfig({
        'tasks.max': '2',
        'azure.cosmos.source.database.name': run,
        'azure.cosmos.source.containers.includeAll': 'true',
      }),
    );
    await connect.running(`${run}-source`, 1);
    await readUntil(`${run}-a`, (records) => latestById(records).has('a1'));
    const { container: later } = await own.containers.create({
      id: `${run}-b`,
      partitionKey: { paths: ['/id'] },
    });
    await later.items.create({ id: 'b1', note: 'created after the connector' });
    const records = await readUntil(`${run}-b`, (seen) => latestById(seen).has('b1'));
    expect(latestById(records).get('b1')?.note).toBe('created after the connector');
    await connect.running(`${run}-source`, 2);
  });

  it('with changeFeed.startFrom=Now, sends only changes made after it started', async () => {
    const run = uniqueName('now');
    const { container } = await database.containers.create({ id: run, partitionKey: { paths: ['/id'] } });
    await createTopic(kafka, run, 1);
    for (const id of ['old1', 'old2']) await container.items.create({ id });
    await connect.put(
      `${run}-source`,
      sourceConfig({
        'azure.cosmos.source.containers.includedList': run,
        'azure.cosmos.source.changeFeed.startFrom': 'Now',
      }),
    );
    await connect.running(`${run}-source`);
    // The task reads "now" when it starts; keep writing until a change made after that shows up.
    let n = 0;
    const records = await waitFor(
      async () => {
        await container.items.create({ id: `new${n++}` });
        const seen = await consume(kafka, run, 1, { timeoutMs: 3_000 }).catch(() => []);
        return seen.length > 0 ? seen : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'a change made after the start' },
    );
    expect(records.map((record) => record.key).filter((key) => key?.startsWith('old'))).toEqual([]);
  });
});
