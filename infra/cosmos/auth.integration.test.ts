import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse } from '@azure/cosmos';
import { sign } from './auth.ts';
import { cosmosClient } from './client.ts';
import { startTestEmulator, type TestEmulator } from './test-support.ts';

let test: TestEmulator;

beforeAll(async () => {
  test = await startTestEmulator({ tls: false });
});
afterAll(async () => test?.close());

async function signedGet(path: string, key: string, date: Date): Promise<Response> {
  const segments = path.split('/').filter(Boolean);
  const type =
    segments.length % 2 === 1 ? segments[segments.length - 1]! : (segments[segments.length - 2] ?? '');
  const link = segments.length % 2 === 1 ? segments.slice(0, -1).join('/') : segments.join('/');
  const xDate = date.toUTCString();
  const authorization = encodeURIComponent(`type=master&ver=1.0&sig=${sign(key, 'GET', type, link, xDate)}`);
  return fetch(`${test.emulator.endpoint}/${path}`, { headers: { authorization, 'x-ms-date': xDate } });
}

describe('Cosmos emulator: master-key auth', () => {
  it('rejects a wrong key with 401 and Cosmos error body, without echoing any key', async () => {
    const wrongKey = Buffer.from('definitely not the key').toString('base64');
    const wrong = cosmosClient({ endpoint: test.emulator.endpoint, key: wrongKey });
    try {
      await wrong.databases.readAll().fetchAll();
      expect.unreachable();
    } catch (error) {
      const response = error as ErrorResponse;
      expect(response.code).toBe(401);
      expect(response.body?.code).toBe('Unauthorized');
      expect(response.body?.message).toContain('wrong key');
      expect(response.body?.message).not.toContain(wrongKey);
      expect(response.body?.message).not.toContain(test.emulator.key);
    } finally {
      wrong.dispose();
    }
  });

  it('accepts the right key, tolerates clock skew up to 15 minutes, and rejects unsigned requests', async () => {
    expect((await signedGet('dbs', test.emulator.key, new Date())).status).toBe(200);
    expect((await signedGet('dbs', test.emulator.key, new Date(Date.now() - 10 * 60_000))).status).toBe(200);
    expect((await signedGet('dbs', test.emulator.key, new Date(Date.now() + 20 * 60_000))).status).toBe(401);
    expect((await fetch(`${test.emulator.endpoint}/dbs`)).status).toBe(401);
  });

  it('accepts any key when told to', async () => {
    const open = await startTestEmulator({ tls: false, acceptAnyKey: true });
    try {
      const anyKey = cosmosClient({
        endpoint: open.emulator.endpoint,
        key: Buffer.from('whatever').toString('base64'),
      });
      const { database } = await anyKey.databases.createIfNotExists({ id: 'any' });
      expect(database.id).toBe('any');
      anyKey.dispose();
    } finally {
      await open.close();
    }
  });

  it('accepts extra keys beside the primary', async () => {
    const secondary = Buffer.from('secondary key of the test').toString('base64');
    const own = await startTestEmulator({ tls: false, extraKeys: [secondary] });
    try {
      expect((await fetch(`${own.emulator.endpoint}/dbs`)).status).toBe(401);
      const client = cosmosClient({ endpoint: own.emulator.endpoint, key: secondary });
      await client.databases.createIfNotExists({ id: 'second' });
      client.dispose();
    } finally {
      await own.close();
    }
  });
});

describe('Cosmos emulator: injected 429s', () => {
  it('answers 429 with retry-after and the SDK retries through them', async () => {
    const { database } = await test.client.databases.createIfNotExists({ id: 'throttled' });
    const { container } = await database.containers.createIfNotExists({
      id: 'c',
      partitionKey: { paths: ['/pk'] },
    });
    test.emulator.throttle.retryAfterMs = 10;
    test.emulator.throttle.next = 2;
    const created = await container.items.create({ id: '1', pk: 'a' });
    expect(created.statusCode).toBe(201);
    expect(Number(created.headers['x-ms-throttle-retry-count'])).toBe(2);

    test.emulator.throttle.next = 1;
    const raw = await fetch(`${test.emulator.endpoint}/dbs`);
    expect(raw.status).toBe(429);
    expect(raw.headers.get('x-ms-retry-after-ms')).toBe('10');
    expect(((await raw.json()) as { code: string }).code).toBe('TooManyRequests');
  });
});
