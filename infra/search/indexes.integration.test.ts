import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchIndexClient } from '@azure/search-documents';
import { uniqueName } from '../testing/helpers.ts';
import { searchClient, searchIndexClient } from './client.ts';
import { peopleIndex, startTestEmulator } from './test-fixtures.ts';

describe('Search emulator: index management through @azure/search-documents', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let indexes: SearchIndexClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    indexes = searchIndexClient(emulator);
  });
  afterAll(async () => emulator?.dispose());

  it('creates, gets, lists, updates and deletes an index with every field type', async () => {
    const name = uniqueName('idx');
    const created = await indexes.createIndex(peopleIndex(name));
    // SDK 13.0 surfaces the ETag as `eTag` (its public `etag` stays undefined, so onlyIfUnchanged cannot work).
    expect((created as unknown as { eTag: string }).eTag).toMatch(/^"0x/);
    const fetched = await indexes.getIndex(name);
    expect(fetched.fields.map((f) => [f.name, f.type])).toEqual(
      peopleIndex(name).fields.map((f) => [f.name, f.type]),
    );
    const address = fetched.fields.find((f) => f.name === 'address');
    expect(address && 'fields' in address ? (address.fields ?? []).map((f) => f.name) : []).toEqual([
      'city',
      'zip',
    ]);
    expect(fetched.fields.find((f) => f.name === 'secret')).toMatchObject({ hidden: true });
    expect(fetched.suggesters).toEqual([
      { name: 'names', searchMode: 'analyzingInfixMatching', sourceFields: ['name'] },
    ]);

    const names: string[] = [];
    for await (const n of indexes.listIndexesNames()) names.push(n);
    expect(names).toContain(name);
    const listed: string[] = [];
    for await (const index of indexes.listIndexes()) listed.push(index.name);
    expect(listed).toContain(name);

    fetched.fields.push({ name: 'nickname', type: 'Edm.String', searchable: true });
    const updated = await indexes.createOrUpdateIndex(fetched);
    expect(updated.fields.map((f) => f.name)).toContain('nickname');
    const stale = await fetch(`${emulator.endpoint}/indexes('${name}')?api-version=2026-04-01`, {
      method: 'PUT',
      headers: { 'api-key': emulator.adminKey, 'content-type': 'application/json', 'if-match': '"0xSTALE"' },
      body: JSON.stringify({ name, fields: [{ name: 'id', type: 'Edm.String', key: true }] }),
    });
    expect(stale.status).toBe(412);

    const changed = await indexes.getIndex(name);
    changed.fields = changed.fields.map((f) => (f.name === 'age' ? { ...f, type: 'Edm.String' } : f));
    await expect(indexes.createOrUpdateIndex(changed)).rejects.toMatchObject({ statusCode: 400 });

    await indexes.deleteIndex(name);
    await expect(indexes.getIndex(name)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('enforces key rules and answers in the service error envelope', async () => {
    const noKey = { name: uniqueName('bad'), fields: [{ name: 'id', type: 'Edm.String' as const }] };
    await expect(indexes.createIndex(noKey)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('key'),
    });
    const intKey = {
      name: uniqueName('bad'),
      fields: [{ name: 'id', type: 'Edm.Int32' as const, key: true }],
    };
    await expect(indexes.createIndex(intKey)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('Edm.String'),
    });
    const name = uniqueName('dup');
    await indexes.createIndex(peopleIndex(name));
    await expect(indexes.createIndex(peopleIndex(name))).rejects.toMatchObject({ statusCode: 409 });
    const response = await fetch(`${emulator.endpoint}/indexes/${name}/docs('nope')?api-version=2024-07-01`, {
      headers: { 'api-key': emulator.adminKey },
    });
    // The service answers a missing document with 404 and an empty body (the SDK still raises a 404 RestError).
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
    await expect(searchClient(emulator, name).getDocument('nope')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('reports index and service statistics', async () => {
    const name = uniqueName('stats');
    await indexes.createIndex(peopleIndex(name));
    await searchClient(emulator, name).uploadDocuments([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    const stats = await indexes.getIndexStatistics(name);
    expect(stats.documentCount).toBe(3);
    expect(stats.storageSize).toBeGreaterThan(0);
    const service = await indexes.getServiceStatistics();
    expect(service.counters.documentCounter.usage).toBeGreaterThanOrEqual(3);
    expect(service.counters.indexCounter.usage).toBeGreaterThanOrEqual(1);
  });

  it('serves the REST docs route forms (/indexes/name/docs/key) and any api-version', async () => {
    const name = uniqueName('routes');
    await indexes.createIndex(peopleIndex(name));
    await searchClient(emulator, name).uploadDocuments([{ id: 'k1', name: 'Route Test' }]);
    const headers = { 'api-key': emulator.queryKey, 'content-type': 'application/json' };
    const lookup = await fetch(
      `${emulator.endpoint}/indexes/${name}/docs/k1?api-version=1999-01-01&$select=name`,
      { headers },
    );
    expect(await lookup.json()).toEqual({ name: 'Route Test' });
    const count = await fetch(`${emulator.endpoint}/indexes/${name}/docs/$count?api-version=2023-11-01`, {
      headers,
    });
    expect(count.headers.get('content-type')).toContain('text/plain');
    expect(await count.text()).toBe('1');
    const search = await fetch(
      `${emulator.endpoint}/indexes/${name}/docs?api-version=2023-11-01&search=route&$count=true`,
      { headers },
    );
    expect(await search.json()).toMatchObject({ '@odata.count': 1, value: [{ id: 'k1' }] });
    const post = await fetch(`${emulator.endpoint}/indexes/${name}/docs/search?api-version=2023-11-01`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ search: 'test', select: 'id' }),
    });
    expect(((await post.json()) as { value: unknown[] }).value).toEqual([
      { '@search.score': expect.any(Number), id: 'k1' },
    ]);
  });
});
