import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCosmosApp } from './app.ts';
import { emulatorKey, sign } from './auth.ts';
import { CosmosStore } from './store/index.ts';

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
});
