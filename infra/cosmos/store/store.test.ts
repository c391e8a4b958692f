import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalPath } from './journal.ts';
import { CosmosStore } from './store.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function seeded(dir: string): Promise<CosmosStore> {
  const store = await CosmosStore.open(dir);
  await store.createDatabase({ id: 'db' });
  await store.createContainer('db', { id: 'c', partitionKey: { paths: ['/pk'] } });
  return store;
}

describe('CosmosStore persistence', () => {
  it('replays items, LSNs, rids and deletes from the journal', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    const container = store.container('db', 'c');
    const a = await store.write(container, (tx) => container.create(tx, { id: 'a', pk: 1 }));
    await store.write(container, (tx) => container.create(tx, { id: 'b', pk: 1 }));
    await store.write(container, (tx) => container.delete(tx, 'b', [1]));
    const rid = container.resource._rid;
    await store.close();

    const reopened = await CosmosStore.open(dir);
    const again = reopened.container('db', 'c');
    expect(again.resource._rid).toBe(rid);
    expect(again.read([1], 'a')).toEqual(a);
    expect(again.find([1], 'b')).toBeUndefined();
    expect(again.lsn).toBe(3);
    expect(again.durableLsn).toBe(3);
    const next = await reopened.write(again, (tx) => again.create(tx, { id: 'c', pk: 1 }));
    expect(next._lsn).toBe(4);
    expect(next._rid).not.toBe(a._rid);
    await reopened.close();
  });

  it('ignores a torn last line (a write that was never acknowledged)', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    const container = store.container('db', 'c');
    await store.write(container, (tx) => container.create(tx, { id: 'a', pk: 1 }));
    await store.close();
    appendFileSync(
      journalPath(dir),
      '{"op":"tx","db":"db","coll":"c","changes":[{"op":"put","doc":{"id":"half',
    );
    const reopened = await CosmosStore.open(dir);
    expect([...reopened.container('db', 'c').documents()].map((d) => d.id)).toEqual(['a']);
    expect(readFileSync(journalPath(dir), 'utf8').endsWith('\n')).toBe(true);
    await reopened.close();
  });

  it('rolls back a failed transaction entirely', async () => {
    const store = await seeded(tempDir());
    const container = store.container('db', 'c');
    await store.write(container, (tx) => container.create(tx, { id: 'a', pk: 1 }));
    await expect(
      store.write(container, (tx) => {
        container.create(tx, { id: 'b', pk: 1 });
        container.create(tx, { id: 'a', pk: 1 }); // conflict
      }),
    ).rejects.toMatchObject({ status: 409 });
    expect(container.find([1], 'b')).toBeUndefined();
    expect(container.lsn).toBe(1);
    expect(container.readChanges(0, 10).documents.map((d) => d.id)).toEqual(['a']);
    await store.close();
  });

  it('compacts a journal that is mostly history, keeping LSNs and the change feed order', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    const container = store.container('db', 'c');
    for (let i = 0; i < 1500; i++)
      await store.write(container, (tx) => container.upsert(tx, { id: `k${i % 3}`, pk: 1, i }));
    await store.close();
    const before = readFileSync(journalPath(dir), 'utf8').split('\n').length;
    const reopened = await CosmosStore.open(dir);
    const after = readFileSync(journalPath(dir), 'utf8').split('\n').length;
    expect(after).toBeLessThan(before / 10);
    const compacted = reopened.container('db', 'c');
    expect(compacted.lsn).toBe(1500);
    expect(compacted.readChanges(0, 10).documents.map((d) => [d.id, d._lsn])).toEqual([
      ['k0', 1498],
      ['k1', 1499],
      ['k2', 1500],
    ]);
    await reopened.close();
  });

  it('dates replayed changes by their _ts, so a point-in-time start survives a restart', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    const container = store.container('db', 'c');
    await store.write(container, (tx) => container.create(tx, { id: 'old', pk: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const boundary = Math.floor(Date.now() / 1000) * 1000;
    await store.write(container, (tx) => container.create(tx, { id: 'new', pk: 1 }));
    await store.close();
    const reopened = await CosmosStore.open(dir);
    const again = reopened.container('db', 'c');
    const after = again.lsnBefore(boundary);
    expect(again.readChanges(after, 10).documents.map((d) => d.id)).toEqual(['new']);
    await reopened.close();
  });

  it('keeps the feeds right while history is compacted under heavy update traffic', async () => {
    const store = await seeded(tempDir());
    const container = store.container('db', 'c');
    for (let i = 0; i < 30_000; i++) {
      container.upsert(container.begin(), { id: `k${i % 10}`, pk: 1, i });
      container.markDurable(container.lsn);
    }
    const latest = container.readChanges(0, 100).documents;
    expect(latest.map((d) => d.i)).toEqual(Array.from({ length: 10 }, (_, j) => 29_990 + j));
    const recent = container.readAllVersions(29_980, 100).changes;
    expect(recent.map((c) => c.metadata.lsn)).toEqual(Array.from({ length: 20 }, (_, j) => 29_981 + j));
    expect(recent.every((c) => c.metadata.operationType === 'replace')).toBe(true);
    await store.close();
  });

  it('replays a journal larger than one read chunk', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    const container = store.container('db', 'c');
    const padding = 'x'.repeat(300_000);
    for (let i = 0; i < 20; i++)
      await store.write(container, (tx) => container.create(tx, { id: `big${i}`, pk: 1, padding }));
    await store.close();
    const reopened = await CosmosStore.open(dir);
    const docs = [...reopened.container('db', 'c').documents()];
    expect(docs.map((d) => d.id)).toEqual(Array.from({ length: 20 }, (_, i) => `big${i}`));
    expect(docs.every((d) => d.padding === padding)).toBe(true);
    await reopened.close();
  });

  it('refuses a data dir another live process has open, and takes over one left by a dead process', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'emulator.pid'), String(process.ppid)); // alive: whoever started this test process
    await expect(CosmosStore.open(dir)).rejects.toThrow(/in use by process/);
    writeFileSync(join(dir, 'emulator.pid'), '2147483646'); // no such process
    const store = await CosmosStore.open(dir);
    expect(readFileSync(join(dir, 'emulator.pid'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });

  it('answers 503 to every write once the journal cannot be written', async () => {
    const store = await seeded(tempDir());
    const container = store.container('db', 'c');
    await (store as unknown as { journal: { close(): Promise<void> } }).journal.close(); // the disk "fails"
    await expect(
      store.write(container, (tx) => container.create(tx, { id: 'a', pk: 1 })),
    ).rejects.toMatchObject({ status: 503 });
    await expect(
      store.write(container, (tx) => container.create(tx, { id: 'b', pk: 1 })),
    ).rejects.toMatchObject({ status: 503 });
    expect(container.find([1], 'b')).toBeUndefined();
    await store.close();
  });
});
