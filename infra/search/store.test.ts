import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
});
