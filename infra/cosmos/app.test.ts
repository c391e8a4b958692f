import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCosmosApp } from './app.ts';
import { emulatorKey, sign } from './auth.ts';
import { CosmosStore, type EmulatorMetrics } from './store/index.ts';

let dir: string;
let store: CosmosStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cosmos-app-'));
  store = await CosmosStore.open(dir);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function signed(method: string, type: string, link: string): Record<string, string> {
  const date = new Date().toUTCString();
  return {
    'x-ms-date': date,
    authorization: encodeURIComponent(
      `type=master&ver=1.0&sig=${sign(emulatorKey, method, type, link, date)}`,
    ),
  };
}

describe('Cosmos emulator HTTP handlers in-process (hono app.request)', () => {
  const app = () =>
    createCosmosApp({ store, keys: [emulatorKey], acceptAnyKey: false, endpoint: () => 'http://test' });

  it('answers the account read and signed resource requests', async () => {
    const account = await app().request('/', { headers: signed('GET', '', '') });
    expect(account.status).toBe(200);
    expect(((await account.json()) as { id: string }).id).toBe('localhost');
    const created = await app().request('/dbs', {
      method: 'POST',
      body: JSON.stringify({ id: 'inproc' }),
      headers: signed('POST', 'dbs', ''),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-ms-request-charge')).toBe('1');
    const read = await app().request('/dbs/inproc', { headers: signed('GET', 'dbs', 'dbs/inproc') });
    expect(((await read.json()) as { id: string }).id).toBe('inproc');
  });

  it('rejects an unsigned request with 401 and a Cosmos error body', async () => {
    const response = await app().request('/dbs');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('Unauthorized');
  });

  it('counts requests by operation and status class on GET /_hack/metrics, signed like any request', async () => {
    const metrics = async () => {
      const response = await app().request('/_hack/metrics', {
        headers: signed('GET', '_hack', '_hack/metrics'),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as EmulatorMetrics;
    };
    const before = await metrics();
    const countOf = (snapshot: EmulatorMetrics, operation: string, status: string): number =>
      snapshot.requests.find((entry) => entry.operation === operation && entry.status === status)?.count ?? 0;
    await app().request('/dbs', {
      method: 'POST',
      body: JSON.stringify({ id: 'counted' }),
      headers: signed('POST', 'dbs', ''),
    });
    await app().request('/dbs/counted/colls', {
      method: 'POST',
      body: JSON.stringify({ id: 'c', partitionKey: { paths: ['/pk'] } }),
      headers: signed('POST', 'colls', 'dbs/counted'),
    });
    for (const id of ['a', 'b', 'c']) {
      const created = await app().request('/dbs/counted/colls/c/docs', {
        method: 'POST',
        body: JSON.stringify({ id, pk: 'x' }),
        headers: {
          ...signed('POST', 'docs', 'dbs/counted/colls/c'),
          'x-ms-documentdb-partitionkey': '["x"]',
        },
      });
      expect(created.status).toBe(201);
    }
    await app().request('/dbs/counted/colls/c/docs/missing', {
      headers: {
        ...signed('GET', 'docs', 'dbs/counted/colls/c/docs/missing'),
        'x-ms-documentdb-partitionkey': '["x"]',
      },
    });
    await app().request('/dbs'); // unsigned: 401

    const after = await metrics();
    expect(countOf(after, 'database', '2xx') - countOf(before, 'database', '2xx')).toBe(1);
    expect(countOf(after, 'container', '2xx') - countOf(before, 'container', '2xx')).toBe(1);
    expect(countOf(after, 'create', '2xx') - countOf(before, 'create', '2xx')).toBe(3);
    expect(countOf(after, 'read', '4xx') - countOf(before, 'read', '4xx')).toBe(1);
    expect(countOf(after, 'database', '4xx') - countOf(before, 'database', '4xx')).toBe(1);
    // The scrapes themselves are not counted.
    expect(after.requests.map((entry) => entry.operation)).not.toContain('metrics');
    const creates = after.latency.find((entry) => entry.operation === 'create')!;
    expect(creates.count).toBe(countOf(after, 'create', '2xx') + countOf(after, 'create', '4xx'));
    expect(creates.totalMs).toBeGreaterThan(0);
    expect(after.containers).toContainEqual({ database: 'counted', container: 'c', documents: 3, lsn: 3 });

    const unsigned = await app().request('/_hack/metrics');
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify(after)).not.toContain(emulatorKey);
  });

  it('reports change-feed lag from the position the latest change-feed request read from', async () => {
    const feed = (etag?: string) =>
      app().request('/dbs/counted/colls/c/docs', {
        headers: {
          ...signed('GET', 'docs', 'dbs/counted/colls/c'),
          'a-im': 'Incremental feed',
          ...(etag ? { 'if-none-match': etag } : {}),
        },
      });
    const lag = async () => {
      const response = await app().request('/_hack/metrics', {
        headers: signed('GET', '_hack', '_hack/metrics'),
      });
      const { containers } = (await response.json()) as EmulatorMetrics;
      return containers.find((entry) => entry.database === 'counted')!.changeFeedLag;
    };
    expect(await lag()).toBeUndefined();
    const first = await feed();
    expect(first.status).toBe(200);
    expect(await lag()).toBe(3);
    await feed(first.headers.get('etag')!);
    expect(await lag()).toBe(0);
  });
});
