/**
 * `npm run bench:cosmos` — the Cosmos DB emulator as `hack up` runs it (its own process, HTTPS), driven through
 * the official @azure/cosmos SDK: cold start on an empty and on a full data dir (journal replay), point writes/s
 * (concurrent creates), bulk writes/s (executeBulkOperations), change-feed documents/s and the cost of a 304 poll,
 * and query latency at BENCH_COSMOS_DOCS (default 100k) documents. Not a test: it prints figures for
 * BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeFeedStartFrom, StatusCodes, type Container, type OperationInput } from '@azure/cosmos';
import { renderTable } from '../infra/console/table.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { cosmosService } from '../infra/cosmos/service.ts';
import { stopProcess } from '../infra/process/index.ts';
import type { CosmosEntry } from '../infra/stack/stack-file.ts';

const documentCount = Number(process.env.BENCH_COSMOS_DOCS ?? 100_000);
const pointWrites = Number(process.env.BENCH_COSMOS_POINT_WRITES ?? 5000);
const concurrency = 32;
const queryRuns = 5;

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const cities = ['Oslo', 'Rome', 'Lima', 'Kyiv', 'Pune', 'Cork', 'Nice', 'Bern'];

function person(i: number): Record<string, unknown> {
  return {
    id: `u${i}`,
    pk: `tenant${i % 50}`,
    name: `Person ${i}`,
    email: `person${i}@example.com`,
    city: cities[i % cities.length],
    age: 18 + (i % 60),
    score: (i * 7919) % 1000,
    tags: [`t${i % 3}`, `t${i % 5}`],
    address: { street: `${i} Main Street`, zip: String(10000 + (i % 89999)) },
  };
}

async function start(): Promise<{ entry: CosmosEntry; ms: number }> {
  const started = performance.now();
  const entry = await cosmosService.start({
    profile: 'local',
    services: {},
    env: process.env,
    ephemeralPorts: true,
    progress: () => {},
  });
  return { entry, ms: performance.now() - started };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-cosmos-'));
  process.env.HACK_HOME = home;
  const rows: { what: string; value: string }[] = [];
  let entry: CosmosEntry | undefined;
  try {
    const cold = await start();
    entry = cold.entry;
    rows.push({
      what: 'cold start, empty data dir (process spawn → HTTPS port open)',
      value: `${(cold.ms / 1000).toFixed(2)} s`,
    });
    let client = cosmosClient(entry);
    const { database } = await client.databases.createIfNotExists({ id: 'bench' });
    const { container: points } = await database.containers.createIfNotExists({
      id: 'points',
      partitionKey: { paths: ['/pk'] },
    });

    let next = 0;
    const pointMs = await timed(() =>
      Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < pointWrites) await points.items.create(person(next++));
        }),
      ),
    );
    rows.push({
      what: `point writes (create, ${concurrency} concurrent, durable before ack)`,
      value: `${Math.round((pointWrites / pointMs) * 1000)} /s`,
    });

    const { container } = await database.containers.createIfNotExists({
      id: 'people',
      partitionKey: { paths: ['/pk'] },
    });
    const operations: OperationInput[] = Array.from({ length: documentCount }, (_, i) => {
      const body = person(i);
      return {
        operationType: 'Create',
        partitionKey: body.pk as string,
        resourceBody: body,
      } as OperationInput;
    });
    const bulkMs = await timed(async () => {
      const results = await container.items.executeBulkOperations(operations);
      const failed = results.filter((r) => r.error || (r.response && r.response.statusCode >= 400));
      if (failed.length > 0) {
        const first = failed[0]!;
        const why = first.error
          ? `${first.error.code ?? ''} ${first.error.message}`
          : `status ${first.response?.statusCode}`;
        throw new Error(`${failed.length} bulk operations failed; the first: ${why.slice(0, 300)}`);
      }
    });
    rows.push({
      what: `bulk writes (executeBulkOperations, ${documentCount} documents)`,
      value: `${Math.round((documentCount / bulkMs) * 1000)} /s`,
    });

    const feedMs = await timed(async () => {
      const iterator = container.items.getChangeFeedIterator({
        changeFeedStartFrom: ChangeFeedStartFrom.Beginning(),
        maxItemCount: 1000,
      });
      let read = 0;
      for (;;) {
        const page = await iterator.readNext();
        if (page.statusCode === StatusCodes.NotModified) break;
        read += page.result.length;
      }
      if (read !== documentCount) throw new Error(`change feed returned ${read} of ${documentCount}`);
    });
    rows.push({
      what: `change feed from the beginning (pages of 1000)`,
      value: `${Math.round((documentCount / feedMs) * 1000)} docs/s`,
    });

    const poller = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Now() });
    const polls: number[] = [];
    for (let i = 0; i < 200; i++) polls.push(await timed(() => poller.readNext()));
    rows.push({
      what: 'change feed poll with nothing new (304), median of 200',
      value: `${median(polls).toFixed(2)} ms`,
    });

    await queries(container, rows);

    client.dispose();
    await stopProcess(entry.pid!);
    const warm = await start();
    entry = warm.entry;
    rows.push({
      what: `restart on a full data dir (${documentCount + pointWrites} documents, journal replay)`,
      value: `${(warm.ms / 1000).toFixed(2)} s`,
    });
    client = cosmosClient(entry);
    const { resources } = await client
      .database('bench')
      .container('people')
      .items.query('SELECT VALUE COUNT(1) FROM c')
      .fetchAll();
    if (resources[0] !== documentCount) throw new Error(`after restart: ${String(resources[0])} documents`);
    client.dispose();
  } finally {
    if (entry?.pid) await stopProcess(entry.pid);
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nCosmos DB emulator — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'measure', value: (r: { what: string }) => r.what },
        { header: 'result', value: (r: { value: string }) => r.value, align: 'right' },
      ],
      rows,
    )}\n`,
  );
}

async function queries(container: Container, rows: { what: string; value: string }[]): Promise<void> {
  const cases: { what: string; query: string; partitionKey?: string }[] = [
    { what: 'lookup by id in WHERE (id index)', query: "SELECT * FROM c WHERE c.id = 'u4242'" },
    {
      what: 'filter in one partition key',
      query: 'SELECT * FROM c WHERE c.age > 70',
      partitionKey: 'tenant7',
    },
    { what: 'SELECT VALUE COUNT(1)', query: 'SELECT VALUE COUNT(1) FROM c' },
    { what: 'ORDER BY two keys, TOP 10', query: 'SELECT TOP 10 c.id FROM c ORDER BY c.score DESC, c.id' },
    {
      what: 'GROUP BY with aggregates',
      query: 'SELECT c.city, COUNT(1) AS n, AVG(c.age) AS age FROM c GROUP BY c.city',
    },
    {
      what: 'LIKE + ARRAY_CONTAINS, first page of 100',
      query: "SELECT * FROM c WHERE c.name LIKE 'Person 9%' AND ARRAY_CONTAINS(c.tags, 't1')",
    },
  ];
  for (const entry of cases) {
    const runs: number[] = [];
    for (let i = 0; i < queryRuns; i++) {
      runs.push(
        await timed(() =>
          container.items
            .query(
              entry.query,
              entry.partitionKey
                ? { partitionKey: entry.partitionKey, maxItemCount: 100 }
                : { maxItemCount: 100 },
            )
            .fetchNext(),
        ),
      );
    }
    rows.push({
      what: `query at ${documentCount} docs: ${entry.what}, median of ${queryRuns}`,
      value: `${median(runs).toFixed(1)} ms`,
    });
  }
}

await main();
