import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AzureKeyCredential,
  IndexDocumentsBatch,
  SearchClient,
  type SearchIndexClient,
} from '@azure/search-documents';
import { uniqueName } from '../testing/helpers.ts';
import { clientsFor, peopleIndex, startTestEmulator } from './test-fixtures.ts';

type Person = Record<string, unknown> & { id: string };

describe('Search emulator: documents through @azure/search-documents', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let indexes: SearchIndexClient;
  let documents: SearchClient<Person>;
  let queries: SearchClient<Person>;
  const index = uniqueName('people');

  beforeAll(async () => {
    emulator = await startTestEmulator();
    ({ indexes, documents, queries } = clientsFor(emulator, index) as unknown as {
      indexes: SearchIndexClient;
      documents: SearchClient<Person>;
      queries: SearchClient<Person>;
    });
    await indexes.createIndex(peopleIndex(index));
  });
  afterAll(async () => emulator?.dispose());

  it('uploads (201 new, 200 replaced), looks up with $select and counts as plain text', async () => {
    const joined = new Date('2024-03-04T05:06:07.890Z');
    const first = await documents.uploadDocuments([
      {
        id: 'u1',
        name: 'Ada Lovelace',
        age: 36,
        joined,
        tags: ['math'],
        address: { city: 'London', zip: 'N1' },
        secret: 's',
      },
      { id: 'u2', name: 'Alan Turing', age: 41, orders: [{ sku: 'a', total: 2.5 }] },
    ]);
    expect(first.results.map((r) => [r.key, r.succeeded, r.statusCode])).toEqual([
      ['u1', true, 201],
      ['u2', true, 201],
    ]);
    const again = await documents.uploadDocuments([{ id: 'u2', name: 'Alan M. Turing', age: 41 }]);
    expect(again.results[0]!.statusCode).toBe(200);

    const ada = await documents.getDocument('u1');
    expect(ada.joined).toEqual(joined); // the SDK revives our ISO-8601 UTC strings as Dates
    expect(ada.address).toEqual({ city: 'London', zip: 'N1' });
    expect(ada).not.toHaveProperty('secret'); // hidden fields are not retrievable
    expect(ada.bio).toBeNull();
    expect((await documents.getDocument('u2')).orders).toEqual([]); // upload replaces the whole document

    const selected = await queries.getDocument('u1', { selectedFields: ['name', 'address/city'] });
    expect(selected).toEqual({ name: 'Ada Lovelace', address: { city: 'London' } });
    expect(await queries.getDocumentsCount()).toBe(2);
  });

  it('merges (explicit null clears a field), merges-or-uploads and deletes', async () => {
    await documents.uploadDocuments([{ id: 'm1', name: 'Grace Hopper', age: 85, bio: 'admiral' }]);
    const merged = await documents.mergeDocuments([{ id: 'm1', age: 86, bio: null }]);
    expect(merged.results[0]!.succeeded).toBe(true);
    expect(await documents.getDocument('m1')).toMatchObject({ name: 'Grace Hopper', age: 86, bio: null });
    const upserted = await documents.mergeOrUploadDocuments([
      { id: 'm2', name: 'Edsger Dijkstra' },
      { id: 'm1', age: 87 },
    ]);
    expect(upserted.results.map((r) => r.statusCode)).toEqual([201, 200]);
    await documents.deleteDocuments('id', ['m1', 'never-existed']);
    await expect(documents.getDocument('m1')).rejects.toMatchObject({ statusCode: 404 });
    expect((await documents.getDocument('m2')).name).toBe('Edsger Dijkstra');
  });

  it('answers 207 with per-item results when only some actions fail', async () => {
    const batch = new IndexDocumentsBatch<Person>();
    batch.upload([{ id: 'p1', name: 'ok' }]);
    batch.merge([{ id: 'missing-doc', name: 'x' }]);
    batch.upload([{ id: 'bad key/with slash', name: 'x' }]);
    let status = 0;
    const result = await documents.indexDocuments(batch, {
      onResponse: (response) => void (status = response.status),
    });
    expect(status).toBe(207);
    expect(result.results.map((r) => [r.key, r.succeeded, r.statusCode])).toEqual([
      ['p1', true, 201],
      ['missing-doc', false, 404],
      ['bad key/with slash', false, 400],
    ]);
    await expect(documents.indexDocuments(batch, { throwOnAnyFailure: true })).rejects.toBeDefined();
    expect((await documents.getDocument('p1')).name).toBe('ok');
  });

  it('rejects a whole batch for an unknown field or a wrong type, and enforces the 1000-action and 16 MB limits', async () => {
    await expect(documents.uploadDocuments([{ id: 'x1', nope: 1 }])).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining("'nope'"),
    });
    await expect(documents.uploadDocuments([{ id: 'x2', age: 'old' }])).rejects.toMatchObject({
      statusCode: 400,
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: `n${i}` }));
    await expect(documents.uploadDocuments(tooMany)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('1000'),
    });
    const huge = Array.from({ length: 17 }, (_, i) => ({ id: `h${i}`, bio: 'x'.repeat(1024 * 1024) }));
    await expect(documents.uploadDocuments(huge)).rejects.toMatchObject({ statusCode: 413 });
    await expect(documents.getDocument('x1')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('enforces api-keys: a wrong key is rejected, a query key reads but cannot write', async () => {
    const wrong = new SearchClient<Person>(emulator.endpoint, index, new AzureKeyCredential('not-the-key'), {
      allowInsecureConnection: true,
    });
    await expect(wrong.getDocumentsCount()).rejects.toMatchObject({ statusCode: 403 });
    await expect(wrong.search('*')).rejects.toMatchObject({ statusCode: 403 });
    await expect(queries.uploadDocuments([{ id: 'q1' }])).rejects.toMatchObject({ statusCode: 403 });
    const response = await fetch(
      `${emulator.endpoint}/indexes('${index}')/docs/$count?api-version=2026-04-01`,
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('Unauthorized');
    expect(await queries.getDocumentsCount()).toBeGreaterThan(0);
  });
});
