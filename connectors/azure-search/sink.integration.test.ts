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

  it('writes change events version-aware: base64url keys, the document at document.field, op d deletes, and a late older change never wins', async () => {
    const run = uniqueName('ver');
    const index = `${run}-entities`;
    await searchIndexClient(search).createIndex({
      name: index,
      fields: [
        { name: 'id', type: 'Edm.String', key: true, filterable: true },
        { name: 'name', type: 'Edm.String', searchable: true },
        { name: 'document_version', type: 'Edm.Int64', filterable: true },
      ],
    });
    const event = (key: string, ts: number, name: string | null) =>
      JSON.stringify({
        after: { key, value: name === null ? null : { name } },
        op: name === null ? 'd' : 'u',
        ts,
      });
    const encoded = (key: string) => Buffer.from(key).toString('base64url');
    const names = async (topic: string, extra: Record<string, string>) => {
      await createTopic(kafka, topic, 1);
      // Per key, in this order: a newer change then an older one (a lagging exporter); a delete then an older update.
      await produce(kafka, topic, [
        { key: 'c/1/o/service/a', value: event('c/1/o/service/a', 10, 'alpha') },
        { key: 'c/1/o/service/b', value: event('c/1/o/service/b', 10, 'beta') },
        { key: 'c/1/o/service/a', value: event('c/1/o/service/a', 30, 'alpha-v3') },
        { key: 'c/1/o/service/b', value: event('c/1/o/service/b', 20, null) },
      ]);
      await connect.put(
        `${topic}-sink`,
        sinkConfig(topic, {
          'index.name': index,
          'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
          'key.encoding': 'BASE64URL',
          'document.field': 'after.value',
          'document.delete.op.field': 'op',
          'max.batch.size': '1',
          ...extra,
        }),
      );
      await waitFor(
        async () => {
          const found = await searchClient(search, index)
            .getDocument(encoded('c/1/o/service/a'))
            .catch(() => undefined);
          return found?.name === 'alpha-v3' ? found : undefined;
        },
        { description: 'a renamed to alpha-v3' },
      );
      // Later, in a second poll: the lagging exporter's older changes of both.
      await produce(kafka, topic, [
        { key: 'c/1/o/service/a', value: event('c/1/o/service/a', 20, 'alpha-v2') },
        { key: 'c/1/o/service/b', value: event('c/1/o/service/b', 15, 'beta-v2') },
        { key: 'c/1/o/service/z', value: event('c/1/o/service/z', 1, 'marker') },
      ]);
      await waitFor(
        async () =>
          (await searchClient(search, index)
            .getDocument(encoded('c/1/o/service/z'))
            .catch(() => undefined)) ?? undefined,
        { description: 'the marker after the late changes' },
      );
      const found = new Map<string, unknown>();
      for (const key of ['a', 'b'])
        found.set(
          key,
          (
            await searchClient(search, index)
              .getDocument(encoded(`c/1/o/service/${key}`))
              .catch(() => undefined)
          )?.name,
        );
      return found;
    };
    const versioned = await names(run, { 'document.version.field': 'ts' });
    expect(versioned.get('a')).toBe('alpha-v3');
    expect(versioned.get('b')).toBeUndefined();
    const stored = await searchClient(search, index).getDocument(encoded('c/1/o/service/a'));
    expect(stored).toMatchObject({ id: encoded('c/1/o/service/a'), document_version: 30 });

    // A new task (nothing remembered) refuses an older change by the version stored in the index.
    const late = `${run}-late`;
    await createTopic(kafka, late, 1);
    await produce(kafka, late, [
      { key: 'c/1/o/service/a', value: event('c/1/o/service/a', 25, 'alpha-late') },
      { key: 'c/1/o/service/y', value: event('c/1/o/service/y', 1, 'marker') },
    ]);
    await connect.put(
      `${late}-sink`,
      sinkConfig(late, {
        'index.name': index,
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'key.encoding': 'BASE64URL',
        'document.field': 'after.value',
        'document.version.field': 'ts',
      }),
    );
    await waitFor(
      async () =>
        (await searchClient(search, index)
          .getDocument(encoded('c/1/o/service/y'))
          .catch(() => undefined)) ?? undefined,
      { description: 'the marker after the late change' },
    );
    expect((await searchClient(search, index).getDocument(encoded('c/1/o/service/a'))).name).toBe('alpha-v3');

    // The same stream without versions: the last write wins, the older rename overwrites, the deleted one is back.
    await searchClient(search, index).deleteDocuments('id', [
      encoded('c/1/o/service/a'),
      encoded('c/1/o/service/z'),
    ]);
    const lastWriteWins = await names(`${run}-unversioned`, {});
    expect(lastWriteWins.get('a')).toBe('alpha-v2');
    expect(lastWriteWins.get('b')).toBe('beta-v2');
  });
});
