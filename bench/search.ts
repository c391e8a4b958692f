/**
 * `npm run bench:search` — the Search emulator as `hack up` runs it (its own process), driven through the
 * official @azure/search-documents SDK: cold start on an empty and on a full data dir (journal replay),
 * documents indexed/s in batches of 1000, and query latency p50/p99 at BENCH_SEARCH_DOCS (default 100k)
 * documents. Then vector search: BENCH_SEARCH_VECTOR_DOCS (default 100k) documents with a BENCH_SEARCH_DIMENSIONS
 * (default 1536) `Collection(Edm.Single)` field, indexed in batches of 500 (16 MB per request), and the latency
 * of pure, filtered and hybrid vector queries, with the emulator's resident memory. Not a test: it prints
 * figures for BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Faker, base, en } from '@faker-js/faker';
import type { SearchOptions } from '@azure/search-documents';
import {
  freePort,
  spawnDetached,
  stopProcess,
  typescriptServiceCommand,
  waitUntil,
} from '../infra/process/index.ts';
import { renderTable } from '../infra/console/table.ts';
import { progressBar } from '../infra/console/progress.ts';
import { searchClient, searchIndexClient } from '../infra/search/client.ts';
import { keysFor } from '../infra/search/emulator.ts';
import type { SearchEntry } from '../infra/stack/stack-file.ts';

const documentCount = Number(process.env.BENCH_SEARCH_DOCS ?? 100_000);
const batchSize = 1000;
const queriesPerKind = Number(process.env.BENCH_SEARCH_QUERIES ?? 100);
const vectorDocuments = Number(process.env.BENCH_SEARCH_VECTOR_DOCS ?? 100_000);
const dimensions = Number(process.env.BENCH_SEARCH_DIMENSIONS ?? 1536);
const vectorQueries = Number(process.env.BENCH_SEARCH_VECTOR_QUERIES ?? 20);
const vectorBatchSize = 500;

type Person = {
  id: string;
  name: string;
  email: string;
  city: string;
  country: string;
  age: number;
  joined: Date;
  tags: string[];
};

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function startEmulator(dataDir: string, port: number): Promise<{ pid: number; ms: number }> {
  const started = performance.now();
  const { command, args } = typescriptServiceCommand(join(import.meta.dirname, '../infra/search/main.ts'), [
    '--data-dir',
    dataDir,
    '--port',
    String(port),
  ]);
  const child = spawnDetached(command, args, { logFile: join(dataDir, 'emulator.log') });
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${port}/servicestats`).catch(() => undefined))?.status === 401,
    { timeoutMs: 600_000, intervalMs: 20, what: 'the Search emulator' },
  );
  return { pid: child.pid, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-search-'));
  const rows: Array<{ what: string; value: string }> = [];
  let pid = 0;
  try {
    const dataDir = join(home, 'data');
    const port = await freePort();
    const entry: SearchEntry = { endpoint: `http://127.0.0.1:${port}`, ...keysFor(dataDir) };
    const empty = await startEmulator(dataDir, port);
    pid = empty.pid;
    rows.push({
      what: 'cold start, empty data dir (process spawn → first answer)',
      value: `${(empty.ms / 1000).toFixed(2)} s`,
    });

    await searchIndexClient(entry).createIndex({
      name: 'people',
      fields: [
        { name: 'id', type: 'Edm.String', key: true, filterable: true, sortable: true },
        { name: 'name', type: 'Edm.String', searchable: true, sortable: true },
        { name: 'email', type: 'Edm.String', searchable: true, filterable: true },
        { name: 'city', type: 'Edm.String', searchable: true, filterable: true, facetable: true },
        { name: 'country', type: 'Edm.String', filterable: true, facetable: true },
        { name: 'age', type: 'Edm.Int32', filterable: true, sortable: true, facetable: true },
        { name: 'joined', type: 'Edm.DateTimeOffset', filterable: true, sortable: true },
        { name: 'tags', type: 'Collection(Edm.String)', searchable: true, filterable: true, facetable: true },
      ],
      suggesters: [{ name: 'names', searchMode: 'analyzingInfixMatching', sourceFields: ['name'] }],
    });
    const client = searchClient<Person>(entry, 'people');
    // The text index is built on the first full-text query; build it now (empty) so that the indexing rate below
    // includes keeping it up to date, as in steady state.
    await client.search('warm-up', { top: 1 });
    const faker = new Faker({ locale: [en, base], seed: 42 });
    const lastNames: string[] = [];
    const bar = progressBar('index', documentCount);
    let indexingMs = 0;
    for (let offset = 0; offset < documentCount; offset += batchSize) {
      const batch: Person[] = [];
      for (let i = offset; i < Math.min(documentCount, offset + batchSize); i++) {
        const last = faker.person.lastName();
        if (i % 1000 === 0) lastNames.push(last);
        batch.push({
          id: `u${i}`,
          name: `${faker.person.firstName()} ${last}`,
          email: faker.internet.email(),
          city: faker.location.city(),
          country: faker.location.countryCode(),
          age: faker.number.int({ min: 18, max: 90 }),
          joined: faker.date.past({ years: 5 }),
          tags: faker.helpers.arrayElements(['gold', 'silver', 'bronze', 'new', 'vip', 'churn-risk'], {
            min: 0,
            max: 3,
          }),
        });
      }
      const started = performance.now();
      await client.uploadDocuments(batch, { throwOnAnyFailure: true });
      indexingMs += performance.now() - started;
      bar.update(offset + batch.length);
    }
    bar.finish();
    rows.push({
      what: `index ${documentCount} documents, batches of ${batchSize} (SDK → fsynced journal)`,
      value: `${Math.round(documentCount / (indexingMs / 1000))} docs/s`,
    });

    // Every query differs from the others (filters vary with i): the emulator caches a ranking per query for
    // paging, and repeating one query would measure that cache.
    const kinds: Array<[string, (i: number) => [string, SearchOptions<Person>]]> = [
      ['simple term', (i) => [lastNames[i % lastNames.length]!, { top: 10 }]],
      [
        'fuzzy (full, ~1) on a typo',
        (i) => [
          `${typo(lastNames[i % lastNames.length]!)}~1`,
          { queryType: 'full', searchFields: ['name'], top: 10 },
        ],
      ],
      [
        'prefix + $filter + $count',
        (i) => [
          `${lastNames[i % lastNames.length]!.slice(0, 3)}*`,
          { filter: `age ge 30 and age lt ${60 + i}`, includeTotalCount: true, top: 10 },
        ],
      ],
      [
        '* + $filter + $orderby',
        (i) => [
          '*',
          {
            filter: `country eq 'DE' and tags/any(t: t eq 'vip') and age ne ${i}`,
            orderBy: ['joined desc'],
            top: 10,
          },
        ],
      ],
      [
        '* + facets (3 fields, all docs)',
        (i) => ['*', { filter: `age ne ${i}`, facets: ['country', 'tags', 'age,interval:10'], top: 0 }],
      ],
    ];
    for (const [kind, make] of kinds) {
      const times: number[] = [];
      for (let i = 0; i < queriesPerKind; i++) {
        const [text, options] = make(i);
        const started = performance.now();
        const response = await client.search(text, options);
        for await (const _ of response.results) void _;
        times.push(performance.now() - started);
      }
      rows.push({
        what: `query at ${documentCount} docs: ${kind} (${queriesPerKind}×)`,
        value: `p50 ${percentile(times, 50).toFixed(1)} ms · p99 ${percentile(times, 99).toFixed(1)} ms`,
      });
    }

    const pagingStarted = performance.now();
    let paged = 0;
    for (let skip = 0; skip < documentCount; skip += 1000) {
      const page = await client.search('*', { orderBy: ['id asc'], select: ['id'], top: 1000, skip });
      for await (const _ of page.results) paged++;
    }
    if (paged !== documentCount) throw new Error(`paging read ${paged} of ${documentCount} documents`);
    rows.push({
      what: `read all ${documentCount} docs: '*', $orderby id, pages of 1000 via $skip`,
      value: `${((performance.now() - pagingStarted) / 1000).toFixed(2)} s`,
    });

    process.kill(pid, 'SIGKILL');
    const full = await startEmulator(dataDir, port);
    pid = full.pid;
    rows.push({
      what: `cold start after kill -9 with ${documentCount} documents (journal replay)`,
      value: `${(full.ms / 1000).toFixed(2)} s`,
    });
    if ((await client.getDocumentsCount()) !== documentCount)
      throw new Error('documents were lost across the restart');
    const firstQuery = performance.now();
    await client.search(lastNames[0]!, { top: 10 });
    rows.push({
      what: `full-text query right after that restart (finishes building the text index itself)`,
      value: `${((performance.now() - firstQuery) / 1000).toFixed(2)} s`,
    });

    process.kill(pid, 'SIGKILL');
    const logSize = statSync(join(dataDir, 'emulator.log')).size;
    pid = (await startEmulator(dataDir, port)).pid;
    const built = await waitUntil(
      async () =>
        /text indexes built (\d+) ms/.exec(
          readFileSync(join(dataDir, 'emulator.log'), 'utf8').slice(logSize),
        )?.[1],
      { timeoutMs: 600_000, what: 'the background text-index build' },
    );
    rows.push({
      what: `text index over ${documentCount} docs built between requests after a restart`,
      value: `${(Number(built) / 1000).toFixed(2)} s after start`,
    });

    if (vectorDocuments > 0) await benchVectors(entry, pid, rows);
  } finally {
    if (pid) await stopProcess(pid);
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nSearch emulator on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'measure', value: (row) => row.what },
        { header: 'result', value: (row) => row.value, align: 'right' },
      ],
      rows,
    )}\n`,
  );
}

type Chunk = { id: string; title: string; category: string; embedding: number[] };

/** Vector indexing and query latency on their own index, generated batch by batch (the bench holds one batch). */
async function benchVectors(entry: SearchEntry, pid: number, rows: Array<{ what: string; value: string }>) {
  await searchIndexClient(entry).createIndex({
    name: 'chunks',
    fields: [
      { name: 'id', type: 'Edm.String', key: true },
      { name: 'title', type: 'Edm.String', searchable: true },
      { name: 'category', type: 'Edm.String', filterable: true },
      {
        name: 'embedding',
        type: 'Collection(Edm.Single)',
        searchable: true,
        vectorSearchDimensions: dimensions,
        vectorSearchProfileName: 'default',
      },
    ],
    vectorSearch: {
      algorithms: [{ name: 'hnsw', kind: 'hnsw' }],
      profiles: [{ name: 'default', algorithmConfigurationName: 'hnsw' }],
    },
  });
  const client = searchClient<Chunk>(entry, 'chunks');
  let seed = 7;
  // Four decimals, as compact as embeddings get on the wire; a linear congruential generator keeps runs equal.
  const vector = (): number[] =>
    Array.from({ length: dimensions }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.round((seed / 2147483648 - 0.5) * 10_000) / 10_000;
    });
  const words = ['harbour', 'mountain', 'river', 'garden', 'station', 'castle', 'forest', 'market'];
  const bar = progressBar('vectors', vectorDocuments);
  let indexingMs = 0;
  for (let offset = 0; offset < vectorDocuments; offset += vectorBatchSize) {
    const batch: Chunk[] = [];
    for (let i = offset; i < Math.min(vectorDocuments, offset + vectorBatchSize); i++) {
      batch.push({
        id: `c${i}`,
        title: `${words[i % words.length]} ${words[(i * 7) % words.length]} ${i}`,
        category: `cat${i % 10}`,
        embedding: vector(),
      });
    }
    const started = performance.now();
    await client.uploadDocuments(batch, { throwOnAnyFailure: true });
    indexingMs += performance.now() - started;
    bar.update(offset + batch.length);
  }
  bar.finish();
  const size = `${vectorDocuments} docs × ${dimensions} dims`;
  rows.push({
    what: `index ${size}, batches of ${vectorBatchSize}`,
    value: `${Math.round(vectorDocuments / (indexingMs / 1000))} docs/s`,
  });
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (rss)
    rows.push({
      what: `emulator resident memory with ${size}`,
      value: `${Math.round(Number(rss) / 1024)} MB`,
    });

  const kinds: Array<[string, (i: number) => [string, SearchOptions<Chunk>]]> = [
    ['vector, k=10', () => ['*', { vectorSearchOptions: { queries: [query(vector())] } }]],
    [
      'vector, k=10, $filter (preFilter, 1 in 10 docs)',
      (i) => [
        '*',
        { filter: `category eq 'cat${i % 10}'`, vectorSearchOptions: { queries: [query(vector())] } },
      ],
    ],
    [
      'hybrid: text + vector, RRF',
      (i) => [words[i % words.length]!, { top: 10, vectorSearchOptions: { queries: [query(vector())] } }],
    ],
  ];
  for (const [kind, make] of kinds) {
    const times: number[] = [];
    for (let i = 0; i < vectorQueries; i++) {
      const [text, options] = make(i);
      const started = performance.now();
      const response = await client.search(text, { ...options, select: ['id'] });
      for await (const _ of response.results) void _;
      times.push(performance.now() - started);
    }
    rows.push({
      what: `query at ${size}: ${kind} (${vectorQueries}×)`,
      value: `p50 ${percentile(times, 50).toFixed(1)} ms · p99 ${percentile(times, 99).toFixed(1)} ms`,
    });
  }
}

function query(vector: number[]) {
  return { kind: 'vector' as const, vector, fields: ['embedding' as const], kNearestNeighborsCount: 10 };
}

function typo(word: string): string {
  const i = Math.floor(word.length / 2);
  return word.slice(0, i) + (word[i] === 'x' ? 'q' : 'x') + word.slice(i + 1);
}

await main();
