import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchClient, searchIndexClient } from '../../infra/search/client.ts';
import { startTestEmulator } from '../../infra/search/test-fixtures.ts';
import {
  consume,
  createTopic,
  produce,
  testBootstrapServers,
  testKafka,
  uniqueName,
  waitFor,
} from '../../infra/testing/helpers.ts';
import { jsonConverters, startTestWorker, type TestWorker } from '../cosmos/test-support.ts';

let search: Awaited<ReturnType<typeof startTestEmulator>>;
let connect: TestWorker;
let kafka: Kafka;

beforeAll(async () => {
  [search, connect] = await Promise.all([startTestEmulator(), startTestWorker()]);
  kafka = testKafka();
});

afterAll(async () => {
  await connect?.close();
  await search?.dispose();
});

async function createUsersIndex(name: string): Promise<void> {
  await searchIndexClient(search).createIndex({
    name,
    fields: [
      { name: 'userKey', type: 'Edm.String', key: true, filterable: true },
      { name: 'fullName', type: 'Edm.String', searchable: true },
      { name: 'email', type: 'Edm.String', filterable: true },
      { name: 'country', type: 'Edm.String', filterable: true, facetable: true },
      { name: 'city', type: 'Edm.String', filterable: true },
      { name: 'visits', type: 'Edm.Int32', filterable: true },
    ],
  });
}

const sinkConfig = (topics: string, extra: Record<string, string>) => ({
  'connector.class': 'io.confluent.connect.azure.search.AzureSearchSinkConnector',
  topics,
  'tasks.max': '1',
  ...jsonConverters,
  'azure.search.service.name': 'local',
  'azure.search.endpoint': search.endpoint,
  'azure.search.api.key': search.adminKey,
  ...extra,
});

async function documents(index: string): Promise<Map<string, Record<string, unknown>>> {
  const result = new Map<string, Record<string, unknown>>();
  const found = await searchClient(search, index).search('*', { top: 1000 });
  for await (const hit of found.results) result.set(hit.document.userKey as string, hit.document);
  return result;
}

describe('Azure AI Search sink through the worker', () => {
  it('indexes with the record key injected, merges partial updates, and deletes on tombstones', async () => {
    const run = uniqueName('idx');
    const index = `${run}-users`;
    await createUsersIndex(index);
    await createTopic(kafka, run, 2);
    await createTopic(kafka, `${run}-changes`, 1);
    await produce(
      kafka,
      run,
      Array.from({ length: 25 }, (_, n) => ({
        key: `u${n}`,
        value: JSON.stringify({
          fullName: `User ${n}`,
          email: `u${n}@example.com`,
          country: n % 2 ? 'FR' : 'DE',
          visits: n,
        }),
      })),
    );
    await connect.put(`${run}-upload`, sinkConfig(run, { 'index.name': index, 'max.batch.size': '10' }));
    await connect.running(`${run}-upload`);
    const indexed = await waitFor(
      async () => {
        const found = await documents(index);
        return found.size === 25 ? found : undefined;
      },
      { description: '25 documents in the index' },
    );
    // The document key is the record key, although the value has no key field.
    expect(indexed.get('u7')).toMatchObject({ userKey: 'u7', fullName: 'User 7', visits: 7 });

    await produce(kafka, `${run}-changes`, [
      { key: 'u1', value: JSON.stringify({ city: 'Lyon' }) },
      { key: 'u2', value: null },
      { key: 'u1', value: JSON.stringify({ visits: 100 }) },
      { key: 'u-new', value: JSON.stringify({ fullName: 'New user' }) },
    ]);
    await connect.put(
      `${run}-merge`,
      sinkConfig(`${run}-changes`, {
        'index.name': index,
        'write.method': 'MERGEORUPLOAD',
        'delete.enabled': 'true',
        'max.batch.size': '100',
      }),
    );
    const merged = await waitFor(
      async () => {
        const found = await documents(index);
        return found.get('u1')?.visits === 100 && !found.has('u2') && found.has('u-new') ? found : undefined;
      },
      { description: 'u1 merged twice, u2 deleted, u-new uploaded' },
    );
    expect(merged.get('u1')).toMatchObject({ fullName: 'User 1', city: 'Lyon', visits: 100, country: 'FR' });
    expect(merged.size).toBe(25);
  });

  it('sends rejected documents to the DLQ and the error topic while good ones are indexed', async () => {
    const run = uniqueName('bad');
    const index = `${run}-users`;
    await createUsersIndex(index);
    for (const topic of [run, `${run}-dlq`, `${run}-errors`, `${run}-results`])
      await createTopic(kafka, topic, 1);
    await produce(kafka, run, [
      { key: 'ok1', value: JSON.stringify({ fullName: 'Fine' }) },
      { key: 'not a valid key!', value: JSON.stringify({ fullName: 'Bad key' }) },
      { key: 'ok2', value: JSON.stringify({ fullName: 'Also fine' }) },
      { key: 'wrong-type', value: JSON.stringify({ fullName: 'Bad visits', visits: 'many' }) },
      { key: 'scalar', value: JSON.stringify(42) },
      { key: 'ok3', value: JSON.stringify({ fullName: 'Fine too' }) },
    ]);
    await connect.put(
      `${run}-sink`,
      sinkConfig(run, {
        'index.name': '${topic}-users',
        'max.batch.size': '50',
        'behavior.on.error': 'IGNORE',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': `${run}-dlq`,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
        'reporter.bootstrap.servers': testBootstrapServers(),
        'reporter.error.topic.name': `${run}-errors`,
        'reporter.result.topic.name': `${run}-results`,
      }),
    );
    const dead = await consume(kafka, `${run}-dlq`, 3, { timeoutMs: 60_000 });
    expect(dead.map((record) => record.key).sort()).toEqual(['not a valid key!', 'scalar', 'wrong-type']);
    for (const record of dead) {
      expect(record.headers['__connect.errors.topic']).toBe(run);
      expect(record.headers['__connect.errors.exception.message']).toBeTruthy();
    }
    const errors = await consume(kafka, `${run}-errors`, 3, { timeoutMs: 30_000 });
    expect(errors.map((record) => record.headers.input_record_offset).sort()).toEqual(['1', '3', '4']);
    const results = await consume(kafka, `${run}-results`, 3, { timeoutMs: 30_000 });
    expect(results.map((record) => record.key).sort()).toEqual(['ok1', 'ok2', 'ok3']);
    const found = await documents(index);
    expect([...found.keys()].sort()).toEqual(['ok1', 'ok2', 'ok3']);
  });
});
