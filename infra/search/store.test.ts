import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeSearch } from './query.ts';
import { SearchStore } from './store.ts';

const definition = {
  name: 'j',
  fields: [
    { name: 'id', type: 'Edm.String', key: true },
    { name: 'n', type: 'Edm.Int32' },
  ],
};

describe('SearchStore journal', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'search-journal-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('ignores and cuts off a torn last line (an unacknowledged write), then keeps appending cleanly', () => {
    const dir = fresh();
    const store = new SearchStore(dir);
    store.create(definition);
    store.indexDocuments('j', { value: [{ id: 'a', n: 1 }] });
    store.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"t":"docs","index":"j","changes":[{"put":{"id":"b"');

    const reopened = new SearchStore(dir);
    expect([...reopened.get('j').documents.keys()]).toEqual(['a']);
    reopened.indexDocuments('j', { value: [{ id: 'c', n: 3 }] });
    reopened.close();
    const third = new SearchStore(dir);
    expect([...third.get('j').documents.keys()]).toEqual(['a', 'c']);
    third.close();
  });

  it('keeps vectors (merged, compacted) and synonym maps across restarts', () => {
    const dir = fresh();
    const store = new SearchStore(dir);
    store.create({
      name: 'v',
      fields: [
        { name: 'id', type: 'Edm.String', key: true },
        { name: 'text', type: 'Edm.String', searchable: true, synonymMaps: ['s'] },
        { name: 'vec', type: 'Collection(Edm.Single)', dimensions: 2, vectorSearchProfile: 'p' },
      ],
      vectorSearch: {
        algorithms: [{ name: 'a', kind: 'exhaustiveKnn' }],
        profiles: [{ name: 'p', algorithm: 'a' }],
      },
    });
    store.createSynonymMap({ name: 's', format: 'solr', synonyms: 'car, automobile' });
    store.indexDocuments('v', { value: [{ id: 'a', text: 'old car', vec: [0.1, 0.2] }] });
    // A merge that does not name the vector keeps it.
    store.indexDocuments('v', { value: [{ '@search.action': 'merge', id: 'a', text: 'automobile' }] });
    store.compact();
    store.close();

    const reopened = new SearchStore(dir);
    try {
      expect(reopened.get('v').fullDocument('a')).toEqual({ id: 'a', text: 'automobile', vec: [0.1, 0.2] });
      expect(reopened.getSynonymMap('s').synonyms).toBe('car, automobile');
      const found = executeSearch(reopened.get('v'), { search: 'car', select: 'id' }, '');
      expect(found.value.map((hit) => hit.id)).toEqual(['a']);
    } finally {
      reopened.close();
    }
  });

  it('compacts a journal of many overwrites into the live state at start-up', () => {
    const dir = fresh();
    const store = new SearchStore(dir);
    store.create(definition);
    for (let round = 0; round < 12; round++) {
      store.indexDocuments('j', {
        value: Array.from({ length: 1000 }, (_, i) => ({ id: `k${i % 10}`, n: round })),
      });
    }
    store.indexDocuments('j', { value: [{ '@search.action': 'delete', id: 'k9' }] });
    store.close();
    const before = statSync(join(dir, 'journal.jsonl')).size;

    const compacted = new SearchStore(dir);
    compacted.close();
    expect(statSync(join(dir, 'journal.jsonl')).size).toBeLessThan(before / 100);
    const reopened = new SearchStore(dir);
    const index = reopened.get('j');
    expect(index.documents.size).toBe(9);
    expect(index.documents.get('k0')).toEqual({ id: 'k0', n: 11 });
    reopened.close();
  });

  it('builds the text index between requests after a restart, consistent with changes made meanwhile', async () => {
    const dir = fresh();
    const store = new SearchStore(dir);
    store.create({ ...definition, fields: [...definition.fields, { name: 'title', type: 'Edm.String' }] });
    for (let batch = 0; batch < 3; batch++) {
      const value = Array.from({ length: 1000 }, (_, i) => ({
        id: `d${batch * 1000 + i}`,
        title: `alpha ${i}`,
      }));
      store.indexDocuments('j', { value });
    }
    store.close();

    const reopened = new SearchStore(dir);
    const index = reopened.get('j');
    const building = index.buildInBackground(500);
    // Changes while the build runs: an update to a document not yet fed, a delete, and a new document.
    reopened.indexDocuments('j', {
      value: [
        { id: 'd2999', title: 'omega' },
        { '@search.action': 'delete', id: 'd2998' },
        { id: 'new', title: 'alpha omega' },
      ],
    });
    await building;
    const ids = (search: string): string[] =>
      executeSearch(index, { search, top: 1000, select: 'id' }, '')
        .value.map((d) => String(d.id))
        .sort();
    expect(ids('omega')).toEqual(['d2999', 'new']);
    // 3000 - d2999 (now omega) - d2998 (deleted) + new
    expect(executeSearch(index, { search: 'alpha', count: true, top: 0 }, '')['@odata.count']).toBe(2999);
    reopened.close();
  });

  it('scores with BM25: rarer terms and shorter fields rank higher, and similarity k1/b are honoured', () => {
    const store = new SearchStore(fresh());
    const fields = [...definition.fields, { name: 'title', type: 'Edm.String' }];
    store.create({ ...definition, name: 'bm', fields });
    store.indexDocuments('bm', {
      value: [
        { id: 'short', title: 'red fox' },
        { id: 'long', title: 'red fox jumping over the lazy brown dog' },
        { id: 'other', title: 'red hen' },
      ],
    });
    const scores = (search: string, name = 'bm'): Record<string, number> =>
      Object.fromEntries(
        executeSearch(store.get(name), { search, select: 'id' }, '').value.map((d) => [
          d.id,
          d['@search.score'],
        ]),
      );
    const fox = scores('fox');
    expect(fox.short).toBeGreaterThan(fox.long!);
    const red = scores('red');
    expect(fox.short).toBeGreaterThan(red.short!); // "red" is in every document: lower idf
    // b = 0 switches length normalisation off: both fox documents score the same.
    store.create({
      ...definition,
      name: 'flat',
      fields,
      similarity: { '@odata.type': '#Microsoft.Azure.Search.BM25Similarity', b: 0 },
    });
    store.indexDocuments('flat', {
      value: [
        { id: 'short', title: 'red fox' },
        { id: 'long', title: 'red fox jumping over the lazy brown dog' },
      ],
    });
    const flat = scores('fox', 'flat');
    expect(flat.short).toBeCloseTo(flat.long!, 10);
    store.close();
  });

  it('pages from a cached ranking that every write invalidates', () => {
    const store = new SearchStore(fresh());
    store.create({
      ...definition,
      name: 'pages',
      fields: [{ name: 'id', type: 'Edm.String', key: true, sortable: true }],
    });
    store.indexDocuments('pages', { value: [{ id: 'b' }, { id: 'c' }, { id: 'd' }] });
    const page = (skip: number): string[] =>
      executeSearch(store.get('pages'), { search: '*', orderby: 'id asc', top: 2, skip }, '').value.map((d) =>
        String(d.id),
      );
    expect([...page(0), ...page(2)]).toEqual(['b', 'c', 'd']);
    store.indexDocuments('pages', { value: [{ id: 'a' }, { '@search.action': 'delete', id: 'd' }] });
    expect([...page(0), ...page(2)]).toEqual(['a', 'b', 'c']);
    store.close();
  });
});
