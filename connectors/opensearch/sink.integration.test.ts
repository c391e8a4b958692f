import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSearchClient } from '../../infra/opensearch/client.ts';
import { startTestOpenSearch } from '../../infra/opensearch/test-support.ts';
import {
  consume,
  createTopic,
  produce,
  testKafka,
  uniqueName,
  waitFor,
} from '../../infra/testing/helpers.ts';
import { jsonConverters, startTestWorker, type TestWorker } from '../cosmos/test-support.ts';

let opensearch: Awaited<ReturnType<typeof startTestOpenSearch>>;
let connect: TestWorker;
let kafka: Kafka;

beforeAll(async () => {
  [opensearch, connect] = await Promise.all([startTestOpenSearch(), startTestWorker()]);
  kafka = testKafka();
}, 240_000);

afterAll(async () => {
  await connect?.close();
  await opensearch?.dispose();
});

const change = (key: string, op: string, ts: number, object: unknown) =>
  JSON.stringify({ before: null, after: { key, value: { type: 'service', object } }, op, ts_ms: ts });

async function documents(
  index: string,
): Promise<Map<string, { source: Record<string, unknown>; version: number }>> {
  const client = openSearchClient(opensearch);
  await client.indices.refresh({ index });
  const found = await client.search({ index, body: { size: 1000, version: true, query: { match_all: {} } } });
  return new Map(
    found.body.hits.hits.map((hit) => [
      hit._id!,
      { source: hit._source as Record<string, unknown>, version: hit._version as number },
    ]),
  );
}

describe('OpenSearch sink through the worker, on real OpenSearch', () => {
  it('upserts by key with external versions, deletes on op d and tombstones, and sends bad records to the DLQ', async () => {
    const run = uniqueName('cdc');
    await createTopic(kafka, run, 2);
    await createTopic(kafka, `${run}-dlq`, 1);
    await produce(kafka, run, [
      { key: 'svc-a', value: change('svc-a', 'c', 1000, { name: 'billing', port: 80 }) },
      { key: 'svc-a', value: change('svc-a', 'u', 3000, { name: 'billing-v3', port: 8080 }) },
      { key: 'svc-b', value: change('svc-b', 'c', 1100, { name: 'orders', port: 81 }) },
      // A late, older change of svc-a (a replay): must not win.
      { key: 'svc-a', value: change('svc-a', 'u', 2000, { name: 'billing-v2', port: 443 }) },
      { key: 'svc-b', value: JSON.stringify({ before: null, after: null, op: 'd', ts_ms: 1200 }) },
      { key: 'svc-b', value: null },
      { key: 'svc-c', value: change('svc-c', 'c', 1300, { name: 'catalog', port: 82 }) },
      { key: 'svc-d', value: change('svc-d', 'c', 1300, { name: 'gateway', port: 83 }) },
      { key: 'svc-d', value: null },
      // Bad records: no key; no document at after.value; a port OpenSearch cannot map as the number it is.
      { key: null, value: change('svc-x', 'c', 1400, { name: 'keyless', port: 84 }) },
      {
        key: 'svc-y',
        value: JSON.stringify({ after: { key: 'svc-y', value: 'text' }, op: 'c', ts_ms: 1500 }),
      },
      { key: 'svc-z', value: change('svc-z', 'c', 1600, { name: 'mapper', port: 'eighty' }) },
    ]);
    await connect.put(`${run}-sink`, {
      'connector.class': 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector',
      topics: run,
      'tasks.max': '1',
      ...jsonConverters,
      'connection.url': opensearch.url,
      'document.field': 'after.value',
      'document.version.field': 'ts_ms',
      'document.delete.op.field': 'op',
      'behavior.on.null.values': 'delete',
      'behavior.on.malformed.documents': 'warn',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': `${run}-dlq`,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    await connect.running(`${run}-sink`);
    const dead = await consume(kafka, `${run}-dlq`, 3, { timeoutMs: 60_000 }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; task: ${JSON.stringify(await connect.status(`${run}-sink`))}; index: ${JSON.stringify([...(await documents(run).catch(() => new Map())).keys()])}`,
      );
    });
    expect(dead.map((record) => record.key ?? null).sort()).toEqual(['svc-y', 'svc-z', null].sort());
    for (const record of dead) expect(record.headers['__connect.errors.exception.message']).toBeTruthy();
    const found = await waitFor(
      async () => {
        const docs = await documents(run);
        return docs.size === 2 ? docs : undefined;
      },
      { timeoutMs: 30_000, description: 'svc-a and svc-c indexed, the rest deleted or refused' },
    );
    expect(found.get('svc-a')).toEqual({
      source: { type: 'service', object: { name: 'billing-v3', port: 8080 } },
      version: 3000,
    });
    expect(found.get('svc-c')?.version).toBe(1300);

    // A restarted worker redelivers nothing twice: the index keeps one document per key and the newest version.
    await connect.restart();
    await connect.running(`${run}-sink`);
    await produce(kafka, run, [
      { key: 'svc-c', value: change('svc-c', 'u', 1700, { name: 'catalog-2', port: 82 }) },
    ]);
    const after = await waitFor(
      async () => {
        const docs = await documents(run);
        return docs.get('svc-c')?.version === 1700 ? docs : undefined;
      },
      { timeoutMs: 30_000, description: 'svc-c updated after the restart' },
    );
    expect([...after.keys()].sort()).toEqual(['svc-a', 'svc-c']);
  });

  it('indexes every record as a new document with key.ignore=true (an event log, not an entity index)', async () => {
    const run = uniqueName('log');
    await createTopic(kafka, run, 1);
    await produce(
      kafka,
      run,
      [1, 2, 3].map((n) => ({ key: 'svc-a', value: change('svc-a', 'u', n, { name: `v${n}` }) })),
    );
    await connect.put(`${run}-sink`, {
      'connector.class': 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector',
      topics: run,
      ...jsonConverters,
      'connection.url': opensearch.url,
      'key.ignore': 'true',
    });
    const found = await waitFor(
      async () => {
        const docs = await documents(run).catch(() => new Map());
        return docs.size === 3 ? docs : undefined;
      },
      { timeoutMs: 30_000, description: 'three documents' },
    );
    expect([...found.keys()].sort()).toEqual([`${run}+0+0`, `${run}+0+1`, `${run}+0+2`]);
  });
});
