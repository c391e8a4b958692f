import { ChangeFeedStartFrom, type Container, type FeedRange } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from './auth.ts';
import { startTestEmulator, type TestEmulator } from './test-support.ts';

/**
 * Physical partitions through the JavaScript SDK: a container provisioned above 10,000 RU/s has several
 * partition key ranges, the SDK fans queries and feeds out over them, and raising the throughput splits a range
 * live — the SDK moves to the children and a continuation saved before the split still resumes exactly.
 */
let cosmos: TestEmulator;
let counter = 0;

beforeAll(async () => {
  cosmos = await startTestEmulator();
});
afterAll(async () => cosmos?.close());

async function wideContainer(throughput: number, items = 90): Promise<Container> {
  const { database } = await cosmos.client.databases.createIfNotExists({ id: 'partitions' });
  const { container } = await database.containers.create({
    id: `wide${++counter}`,
    partitionKey: { paths: ['/pk'] },
    throughput,
  });
  for (let i = 0; i < items; i++)
    await container.items.create({ id: `i${String(i).padStart(3, '0')}`, pk: `k${i}`, n: i, g: i % 3 });
  return container;
}

type Change = { id: string; _lsn: number };

/** Every change of a feed until it is caught up, and the token to continue from. */
async function drain(container: Container, startFrom: ReturnType<typeof ChangeFeedStartFrom.Beginning>) {
  const iterator = container.items.getChangeFeedIterator<Change>({ changeFeedStartFrom: startFrom });
  const changes: Change[] = [];
  let token = '';
  for (;;) {
    const page = await iterator.readNext();
    token = page.continuationToken;
    if (page.statusCode === 304) return { changes, token };
    changes.push(...page.result);
  }
}

const ids = (changes: Change[]) => changes.map((c) => c.id).sort();

describe('Cosmos emulator: physical partitions', () => {
  it('provisions ceil(RU/s / 10,000) ranges, manual or autoscale, covering the key space', async () => {
    const { database } = await cosmos.client.databases.createIfNotExists({ id: 'partitions' });
    const small = (await database.containers.create({ id: 'small', partitionKey: { paths: ['/pk'] } }))
      .container;
    expect(await small.getFeedRanges()).toHaveLength(1);
    const autoscale = (
      await database.containers.create({
        id: 'autoscale',
        partitionKey: { paths: ['/pk'] },
        maxThroughput: 40_000,
      })
    ).container;
    const { resources: ranges } = await autoscale.readPartitionKeyRanges().fetchAll();
    expect(ranges.map((r) => r.id)).toEqual(['0', '1', '2', '3']);
    expect(ranges[0]!.minInclusive).toBe('');
    expect(ranges.at(-1)!.maxExclusive).toBe('FF');
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.minInclusive).toBe(ranges[i - 1]!.maxExclusive);
    const { resource: offer } = await autoscale.readOffer();
    expect(offer?.content?.offerAutopilotSettings).toEqual({ maxThroughput: 40_000 });
  });

  it('answers cross-partition queries whole: ORDER BY, aggregates, GROUP BY, DISTINCT, TOP, OFFSET', async () => {
    const container = await wideContainer(25_000);
    expect(await container.getFeedRanges()).toHaveLength(3);
    const all = await container.items.query<{ n: number }>('SELECT * FROM c').fetchAll();
    expect(all.resources).toHaveLength(90);
    const ordered = await container.items
      .query<number>('SELECT VALUE c.n FROM c ORDER BY c.n DESC')
      .fetchAll();
    expect(ordered.resources).toEqual(Array.from({ length: 90 }, (_, i) => 89 - i));
    const query = async (text: string) => (await container.items.query(text).fetchAll()).resources;
    expect(await query('SELECT VALUE COUNT(1) FROM c')).toEqual([90]);
    expect(await query('SELECT VALUE SUM(c.n) FROM c')).toEqual([4005]);
    expect(await query('SELECT c.g, COUNT(1) AS count FROM c GROUP BY c.g')).toHaveLength(3);
    expect((await query('SELECT DISTINCT VALUE c.g FROM c')).sort()).toEqual([0, 1, 2]);
    expect(await query('SELECT TOP 2 VALUE c.n FROM c ORDER BY c.n')).toEqual([0, 1]);
    expect(await query('SELECT VALUE c.n FROM c ORDER BY c.n OFFSET 10 LIMIT 3')).toEqual([10, 11, 12]);
    // Paged: every item exactly once.
    const paged = await container.items
      .query<{ id: string }>('SELECT c.id FROM c', { maxItemCount: 7 })
      .fetchAll();
    expect(new Set(paged.resources.map((r) => r.id)).size).toBe(90);
  });

  it('serves each feed range its own changes: together all of them, each once', async () => {
    const container = await wideContainer(25_000);
    const ranges = await container.getFeedRanges();
    const perRange = await Promise.all(ranges.map((r) => drain(container, ChangeFeedStartFrom.Beginning(r))));
    for (const { changes } of perRange) expect(changes.length).toBeGreaterThan(0);
    const union = perRange.flatMap(({ changes }) => ids(changes));
    expect(union).toHaveLength(90);
    expect(new Set(union).size).toBe(90);
  });

  it('splits a live range when throughput rises: 410/1002 for the parent, children name it, tokens resume', async () => {
    const container = await wideContainer(25_000, 60);
    const ranges: readonly FeedRange[] = await container.getFeedRanges();
    const before = await Promise.all(ranges.map((r) => drain(container, ChangeFeedStartFrom.Beginning(r))));
    const whole = await drain(container, ChangeFeedStartFrom.Beginning());
    expect(whole.changes).toHaveLength(60);

    const { resource: offer } = await container.readOffer();
    await cosmos.client.offer(offer!.id).replace({
      ...offer!,
      content: { offerThroughput: 35_000, offerIsRUPerMinuteThroughputEnabled: false },
    });
    const { resources: split } = await container.readPartitionKeyRanges().fetchAll();
    // The widest range splits (the last: integer division leaves it a little wider), in place, into two.
    expect(split.map((r) => [r.id, r.parents])).toEqual([
      ['0', []],
      ['1', []],
      ['3', ['2']],
      ['4', ['2']],
    ]);
    expect(await rawStatus(container, '2')).toEqual({ status: 410, substatus: '1002' });
    expect((await rawStatus(container, '3')).status).toBe(200);

    for (let i = 0; i < 30; i++) await container.items.create({ id: `new${i}`, pk: `k${i}` });
    await cosmos.emulator.store.splitPartition(
      cosmos.emulator.store.container('partitions', container.id),
      '1',
    );
    await container.items.create({ id: 'after-second-split', pk: 'k1000' });

    // Tokens saved before the splits resume with exactly what changed since, per range and for the whole.
    const resumed = await Promise.all(
      before.map(({ token }) => drain(container, ChangeFeedStartFrom.Continuation(token))),
    );
    const union = resumed.flatMap(({ changes }) => ids(changes));
    const expected = [...Array.from({ length: 30 }, (_, i) => `new${i}`), 'after-second-split'].sort();
    expect(union.sort()).toEqual(expected);
    expect(ids((await drain(container, ChangeFeedStartFrom.Continuation(whole.token))).changes)).toEqual(
      expected,
    );
    expect((await container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources).toEqual([91]);
  });
});

/** A change-feed read of one partition key range by id, straight over HTTP (what the SDKs send). */
async function rawStatus(
  container: Container,
  rangeId: string,
): Promise<{ status: number; substatus?: string }> {
  const path = `dbs/partitions/colls/${container.id}/docs`;
  const date = new Date().toUTCString();
  const signature = sign(cosmos.emulator.key, 'GET', 'docs', `dbs/partitions/colls/${container.id}`, date);
  const response = await fetch(`${cosmos.emulator.httpEndpoint}/${path}`, {
    headers: {
      authorization: encodeURIComponent(`type=master&ver=1.0&sig=${signature}`),
      'x-ms-date': date,
      'a-im': 'Incremental Feed',
      'x-ms-documentdb-partitionkeyrangeid': rangeId,
    },
  });
  const substatus = response.headers.get('x-ms-substatus') ?? undefined;
  return substatus === undefined ? { status: response.status } : { status: response.status, substatus };
}
