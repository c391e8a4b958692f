/**
 * `npm run bench:cosmos-mongo` — Cosmos DB for MongoDB as `hack up` runs it (the Cosmos emulator's own process,
 * MongoDB listener over TLS), driven through the official mongodb driver: inserts/s (insertMany batches and
 * concurrent insertOne, each acknowledged once durable), finds/s (point finds by _id and a filtered, sorted query
 * at BENCH_COSMOS_MONGO_DOCS documents) and change-stream events/s. Not a test: it prints figures for
 * BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { renderTable } from '../infra/console/table.ts';
import { cosmosMongoService } from '../infra/cosmos-mongo/service.ts';
import { cosmosService } from '../infra/cosmos/service.ts';
import { stopProcess } from '../infra/process/index.ts';

const documentCount = Number(process.env.BENCH_COSMOS_MONGO_DOCS ?? 20_000);
const pointOperations = 2000;
const concurrency = 32;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

async function inParallel(count: number, run: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-cosmos-mongo-'));
  process.env.HACK_HOME = home;
  const context = {
    profile: 'local' as const,
    services: {},
    env: process.env,
    ephemeralPorts: true,
    progress: () => {},
  };
  const cosmos = await cosmosService.start(context);
  const entry = await cosmosMongoService.start({ ...context, services: { cosmos } });
  const client = await new MongoClient(entry.connectionString, {
    tlsCAFile: entry.certificateFile,
    maxPoolSize: concurrency,
  }).connect();
  const rows: string[][] = [];
  const rate = (count: number, seconds: number): string =>
    `${Math.round(count / seconds).toLocaleString('en')} /s`;
  try {
    const people = client
      .db('bench')
      .collection<{ _id: number; name: string; city?: string; age: number }>('people');
    const person = (i: number) => ({
      _id: i,
      name: `Person ${i}`,
      city: ['Oslo', 'Rome', 'Lima'][i % 3],
      age: 18 + (i % 60),
    });

    const stream = people.watch(
      [
        { $match: { operationType: { $in: ['insert', 'update', 'replace'] } } },
        { $project: { _id: 1, fullDocument: 1 } },
      ],
      { fullDocument: 'updateLookup', batchSize: 1000 },
    );
    await stream.tryNext();

    const batches = await timed(async () => {
      for (let i = 0; i < documentCount; i += 1000) {
        await people.insertMany(
          Array.from({ length: Math.min(1000, documentCount - i) }, (_, j) => person(i + j)),
        );
      }
    });
    rows.push([
      `inserts, insertMany of 1000 (${documentCount.toLocaleString('en')} documents)`,
      rate(documentCount, batches),
    ]);
    const single = await timed(() =>
      inParallel(pointOperations, (i) => people.insertOne(person(documentCount + i))),
    );
    rows.push([`inserts, insertOne (${concurrency} concurrent)`, rate(pointOperations, single)]);

    const events = await timed(async () => {
      for (let seen = 0; seen < documentCount + pointOperations; seen++) await stream.next();
    });
    rows.push([
      `change-stream events (${(documentCount + pointOperations).toLocaleString('en')} waiting)`,
      rate(documentCount + pointOperations, events),
    ]);
    await stream.close();

    const finds = await timed(() =>
      inParallel(pointOperations, (i) => people.findOne({ _id: (i * 7919) % documentCount })),
    );
    rows.push([`finds by _id (${concurrency} concurrent)`, rate(pointOperations, finds)]);
    const queries = 20;
    const scans = await timed(async () => {
      for (let i = 0; i < queries; i++)
        await people
          .find({ city: 'Rome', age: { $gte: 30 } })
          .sort({ age: -1 })
          .limit(10)
          .toArray();
    });
    rows.push([
      `finds by filter + sort + limit (scan of ${(documentCount + pointOperations).toLocaleString('en')})`,
      rate(queries, scans),
    ]);
  } finally {
    await client.close();
    if (cosmos.pid) await stopProcess(cosmos.pid, 10_000);
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `${renderTable(
      [
        { header: 'measure', value: (row: string[]) => row[0]! },
        { header: 'result', value: (row: string[]) => row[1]!, align: 'right' },
      ],
      rows,
    )}\n`,
  );
}

await main();
