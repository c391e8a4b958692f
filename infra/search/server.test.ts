import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSearchApp } from './server.ts';
import { SearchStore } from './store.ts';

/** The HTTP surface in-process (hono's app.request): routes, auth, envelopes — no sockets. */
describe('Search emulator HTTP handlers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'search-unit-'));
  const store = new SearchStore(dataDir);
  const app = createSearchApp(store, { adminKey: 'admin', queryKey: 'query' });
  afterAll(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const call = (method: string, path: string, body?: unknown, key = 'admin') =>
    app.request(path, {
      method,
      headers: { 'api-key': key, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('creates an index with REST defaults and serves both route spellings', async () => {
    const created = await call('POST', '/indexes?api-version=2025-09-01', {
      name: 'h',
      fields: [
        { name: 'id', type: 'Edm.String', key: true },
        { name: 'title', type: 'Edm.String' },
      ],
    });
    expect(created.status).toBe(201);
    const definition = (await created.json()) as { fields: Record<string, unknown>[] };
    expect(definition.fields[1]).toMatchObject({
      searchable: true,
      filterable: true,
      sortable: true,
      facetable: true,
      retrievable: true,
    });
    expect((await call('GET', "/indexes('h')")).status).toBe(200);
    expect((await call('GET', '/indexes/h')).status).toBe(200);
  });

  it('indexes, answers 207 on partial failure, and counts in plain text', async () => {
    const response = await call('POST', "/indexes('h')/docs/search.index", {
      value: [
        { '@search.action': 'upload', id: 'a', title: 'hello world' },
        { '@search.action': 'merge', id: 'zz', title: 'x' },
      ],
    });
    expect(response.status).toBe(207);
    expect(
      ((await response.json()) as { value: { statusCode: number }[] }).value.map((v) => v.statusCode),
    ).toEqual([201, 404]);
    const count = await call('GET', "/indexes('h')/docs/$count", undefined, 'query');
    expect(await count.text()).toBe('1');
    const search = await call(
      'POST',
      '/indexes/h/docs/search.post.search',
      { search: 'hello', select: 'id' },
      'query',
    );
    expect(await search.json()).toEqual({ value: [{ '@search.score': expect.any(Number), id: 'a' }] });
  });

  it('answers auth failures and unknown parameters with the Azure error envelope', async () => {
    const wrong = await call('GET', '/indexes', undefined, 'wrong');
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: 'Forbidden', message: expect.any(String) } });
    expect((await app.request('/indexes')).status).toBe(401);
    expect((await call('GET', '/indexes', undefined, 'query')).status).toBe(403);
    const debug = await call(
      'POST',
      "/indexes('h')/docs/search.post.search",
      { search: '*', debug: 'vector' },
      'query',
    );
    expect(debug.status).toBe(400);
    expect(await debug.json()).toMatchObject({
      error: { message: expect.stringContaining('debug') },
    });
    const top = await call(
      'POST',
      "/indexes('h')/docs/search.post.search",
      { search: '*', top: -1 },
      'query',
    );
    expect(top.status).toBe(400);
    expect((await call('GET', '/indexers')).status).toBe(404);
  });

  it('answers hamming queries on packedBit vectors and refuses hamming on float vectors', async () => {
    const index = (type: string, encoding: string | null) => ({
      name: 'bits',
      fields: [
        { name: 'id', type: 'Edm.String', key: true },
        { name: 'v', type, dimensions: 16, vectorSearchProfile: 'p', vectorEncoding: encoding },
      ],
      vectorSearch: {
        algorithms: [{ name: 'a', kind: 'exhaustiveKnn', exhaustiveKnnParameters: { metric: 'hamming' } }],
        profiles: [{ name: 'p', algorithm: 'a' }],
      },
    });
    const refused = await call('POST', '/indexes', index('Collection(Edm.Single)', null));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { code: 'InvalidRequestParameter', details: [{ code: 'InvalidField' }] },
    });
    expect((await call('POST', '/indexes', index('Collection(Edm.Byte)', 'packedBit'))).status).toBe(201);
    // 16 bits = 2 bytes per vector; distances to [0xff, 0x00]: a 0, b 8, c 16 differing bits.
    await call('POST', "/indexes('bits')/docs/index", {
      value: [
        { id: 'c', v: [0x00, 0xff] },
        { id: 'a', v: [0xff, 0x00] },
        { id: 'b', v: [0x0f, 0x0f] },
      ],
    });
    const found = await call('POST', "/indexes('bits')/docs/search", {
      vectorQueries: [{ kind: 'vector', vector: [0xff, 0x00], fields: 'v', k: 3 }],
      select: 'id',
    });
    expect(await found.json()).toEqual({
      value: [
        { '@search.score': 1, id: 'a' },
        { '@search.score': 1 / 9, id: 'b' },
        { '@search.score': 1 / 17, id: 'c' },
      ],
    });
  });

  it('replays its journal into a fresh store', async () => {
    const reopened = new SearchStore(dataDir);
    try {
      expect(reopened.get('h').documents.get('a')).toEqual({ id: 'a', title: 'hello world' });
    } finally {
      reopened.close();
    }
  });
});
