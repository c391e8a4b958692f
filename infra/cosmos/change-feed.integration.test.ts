import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeFeedMode,
  ChangeFeedStartFrom,
  StatusCodes,
  type ChangeFeedIteratorOptions,
  type Container,
} from '@azure/cosmos';
import { startTestEmulator, type TestEmulator } from './test-support.ts';

let test: TestEmulator;

beforeAll(async () => {
  test = await startTestEmulator();
});
afterAll(async () => test?.close());

type Doc = { id: string; pk: string; v?: number; _lsn?: number };

async function drain(
  container: Container,
  start: ChangeFeedIteratorOptions['changeFeedStartFrom'],
  maxItemCount?: number,
) {
  const iterator = container.items.getChangeFeedIterator<Doc>({ changeFeedStartFrom: start, maxItemCount });
  const documents: Doc[] = [];
  const pages: number[] = [];
  for (;;) {
    const page = await iterator.readNext();
    if (page.statusCode === StatusCodes.NotModified)
      return { documents, pages, token: page.continuationToken, iterator };
    pages.push(page.result.length);
    documents.push(...page.result);
  }
}

describe('Cosmos emulator: change feed through getChangeFeedIterator', () => {
  it('reads from the beginning, latest version only, in LSN order, paged, then 304 with the same token', async () => {
    const container = await test.container();
    for (let i = 0; i < 5; i++) await container.items.create({ id: `d${i}`, pk: `p${i % 2}`, v: 0 });
    await container.item('d1', 'p1').replace({ id: 'd1', pk: 'p1', v: 1 });
    await container.item('d3', 'p1').delete();
    const { documents, pages, token, iterator } = await drain(container, ChangeFeedStartFrom.Beginning(), 2);
    expect(documents.map((d) => d.id)).toEqual(['d0', 'd2', 'd4', 'd1']); // d1's newest version last; deletes not shown
    expect(documents.find((d) => d.id === 'd1')?.v).toBe(1);
    expect(pages.every((n) => n <= 2)).toBe(true);
    const lsns = documents.map((d) => d._lsn!);
    expect([...lsns].sort((a, b) => a - b)).toEqual(lsns);
    const again = await iterator.readNext();
    expect(again.statusCode).toBe(304);
    expect(again.continuationToken).toBe(token);
    expect(JSON.parse(token).rid).toBe((await container.read()).resource?._rid);
  });

  it('starts from now, from a point in time, and from a continuation token', async () => {
    const container = await test.container();
    await container.items.create({ id: 'before', pk: 'a' });
    const now = container.items.getChangeFeedIterator<Doc>({
      changeFeedStartFrom: ChangeFeedStartFrom.Now(),
    });
    expect((await now.readNext()).statusCode).toBe(304);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // If-Modified-Since has one-second resolution
    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await container.items.create({ id: 'after', pk: 'a' });
    const fromNow = await now.readNext();
    expect(fromNow.result.map((d) => d.id)).toEqual(['after']);

    const fromTime = await drain(container, ChangeFeedStartFrom.Time(since));
    expect(fromTime.documents.map((d) => d.id)).toEqual(['after']);

    const saved = fromNow.continuationToken;
    await container.items.create({ id: 'later', pk: 'b' });
    const resumed = await drain(container, ChangeFeedStartFrom.Continuation(saved));
    expect(resumed.documents.map((d) => d.id)).toEqual(['later']);
  });

  it('scopes the feed to a partition key and to a feed range', async () => {
    const container = await test.container();
    await container.items.create({ id: '1', pk: 'x' });
    await container.items.create({ id: '2', pk: 'y' });
    await container.items.create({ id: '3', pk: 'x' });
    const byKey = await drain(container, ChangeFeedStartFrom.Beginning('x'));
    expect(byKey.documents.map((d) => d.id)).toEqual(['1', '3']);
    expect(JSON.parse(byKey.token).partitionKey).toBeDefined();
    const ranges = await container.getFeedRanges();
    expect(ranges).toHaveLength(1);
    const byRange = await drain(container, ChangeFeedStartFrom.Beginning(ranges[0]));
    expect(byRange.documents.map((d) => d.id)).toEqual(['1', '2', '3']);
    // A partition-key token resumes too.
    await container.items.create({ id: '4', pk: 'x' });
    await container.items.create({ id: '5', pk: 'y' });
    const resumed = await drain(container, ChangeFeedStartFrom.Continuation(byKey.token));
    expect(resumed.documents.map((d) => d.id)).toEqual(['4']);
  });

  it('resumes from a saved continuation token after the emulator restarts', async () => {
    const own = await startTestEmulator();
    try {
      let container = await own.container();
      const ids = { db: container.database.id, container: container.id };
      for (let i = 0; i < 3; i++) await container.items.create({ id: `r${i}`, pk: 'r' });
      const first = await drain(container, ChangeFeedStartFrom.Beginning());
      expect(first.documents).toHaveLength(3);
      await own.restart();
      container = own.client.database(ids.db).container(ids.container);
      await container.items.create({ id: 'r3', pk: 'r' });
      const resumed = await drain(container, ChangeFeedStartFrom.Continuation(first.token));
      expect(resumed.documents.map((d) => d.id)).toEqual(['r3']);
      expect(resumed.documents[0]!._lsn).toBeGreaterThan(Math.max(...first.documents.map((d) => d._lsn!)));
    } finally {
      await own.close();
    }
  });

  it('rejects a token of another container (different _rid)', async () => {
    const a = await test.container();
    const b = await test.container();
    await a.items.create({ id: '1', pk: 'a' });
    const { token } = await drain(a, ChangeFeedStartFrom.Beginning());
    const iterator = b.items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Continuation(token),
    });
    await expect(iterator.readNext()).rejects.toThrow(/continuation token is not for the current container/);
  });

  it('scopes the feed to a prefix of a hierarchical partition key (effective-partition-key range)', async () => {
    const container = await test.container(['/tenant', '/user']);
    await container.items.create({ id: '1', tenant: 't1', user: 'a' });
    await container.items.create({ id: '2', tenant: 't2', user: 'a' });
    await container.items.create({ id: '3', tenant: 't1', user: 'b' });
    const prefix = await drain(container, ChangeFeedStartFrom.Beginning(['t1']));
    expect(prefix.documents.map((d) => d.id)).toEqual(['1', '3']);
    const full = await drain(container, ChangeFeedStartFrom.Beginning(['t2', 'a']));
    expect(full.documents.map((d) => d.id)).toEqual(['2']);
  });

  it('reports creates, replaces and deletes in all-versions-and-deletes mode', async () => {
    const container = await test.container();
    const iterator = container.items.getChangeFeedIterator<{
      current?: Doc;
      previous?: Doc;
      metadata: {
        operationType: string;
        lsn: number;
        previousImageLSN?: number;
        id?: string;
        partitionKey?: Record<string, unknown>;
      };
    }>({
      changeFeedStartFrom: ChangeFeedStartFrom.Now(),
      changeFeedMode: ChangeFeedMode.AllVersionsAndDeletes,
    });
    expect((await iterator.readNext()).statusCode).toBe(304);
    await container.items.create({ id: 'v', pk: 'a', v: 1 });
    await container.item('v', 'a').replace({ id: 'v', pk: 'a', v: 2 });
    await container.item('v', 'a').delete();
    const page = await iterator.readNext();
    expect(page.result.map((c) => c.metadata.operationType)).toEqual(['create', 'replace', 'delete']);
    expect(page.result[0]!.current?.v).toBe(1);
    expect(page.result[1]!.current?.v).toBe(2);
    expect(page.result[1]!.metadata.previousImageLSN).toBe(page.result[0]!.metadata.lsn);
    expect(page.result[2]!.metadata).toMatchObject({
      id: 'v',
      partitionKey: { pk: 'a' },
      previousImageLSN: page.result[1]!.metadata.lsn,
    });
    expect((await iterator.readNext()).statusCode).toBe(304);
  });

  it('serves the legacy items.changeFeed() iterator too', async () => {
    const container = await test.container();
    for (let i = 0; i < 4; i++) await container.items.create({ id: `${i}`, pk: i % 2 ? 'odd' : 'even' });
    const legacy = container.items.changeFeed('even', { startFromBeginning: true });
    const page = await legacy.fetchNext();
    expect(page.result?.map((d: Doc) => d.id)).toEqual(['0', '2']);
    expect((await legacy.fetchNext()).statusCode).toBe(304);
  });
});
