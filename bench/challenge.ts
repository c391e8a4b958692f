/**
 * `npm run bench:challenge` — what a participant waits for: the wall time of `hack challenge 03 --solution` at the
 * default scale and at 100k events (a fresh stack each, as on a fresh clone with warm caches), and how long one
 * verification pass takes over ~1M records (topics, sink containers and indexes filled directly, so only verify is
 * timed). Not a test: it prints figures for BENCHMARKS.md.
 *
 * BENCH_VERIFY_SCALE (default `large`, ~1M records) and BENCH_SKIP=full,100k,verify choose what runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { challenge03 } from '../challenges/03-kafka-connect/challenge.ts';
import { pipeline03 } from '../challenges/03-kafka-connect/pipeline.ts';
import { provision } from '../challenges/provision.ts';
import { CATALOG_TOPICS, TOPICS, type AnyRecord } from '../generators/model.ts';
import { estimateRecords, generateScenario, resolveScenario } from '../generators/scenario.ts';
import { cosmosWriter, type CosmosTarget } from '../generators/writers/cosmos.ts';
import { kafkaWriter } from '../generators/writers/kafka.ts';
import type { RecordWriter } from '../generators/writers/record-writer.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { startCosmosEmulator } from '../infra/cosmos/server.ts';
import { startSearchEmulator } from '../infra/search/emulator.ts';
import { searchClient } from '../infra/search/client.ts';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { stopProcess } from '../infra/process/index.ts';
import { progressBar } from '../infra/console/progress.ts';
import { renderTable } from '../infra/console/table.ts';
import { projectRoot } from '../infra/paths.ts';
import type { Environment } from '../infra/stack/environment.ts';
import { verifyChallenge } from '../verify/run.ts';

const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const rows: Array<{ what: string; value: string }> = [];

function runChallenge(label: string, args: string[]): void {
  const home = mkdtempSync(join(tmpdir(), 'bench-challenge-'));
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(projectRoot, 'bin', 'hack.mjs'), 'challenge', '03', '--solution', ...args],
    {
      env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const seconds = (performance.now() - started) / 1000;
  rmSync(home, { recursive: true, force: true });
  const verdict = result.status === 0 ? 'passed' : `FAILED (exit ${result.status})`;
  rows.push({
    what: `hack challenge 03 --solution, ${label}`,
    value: `${seconds.toFixed(1)} s (${verdict})`,
  });
}

async function drain(
  writer: RecordWriter,
  records: Iterable<AnyRecord>,
  label: string,
  total: number,
): Promise<void> {
  const bar = progressBar(label, total);
  let done = 0;
  try {
    for (const record of records) {
      const waiting = writer.write(record);
      if (waiting) await waiting;
      if (++done % 1000 === 0) bar.update(done);
    }
  } finally {
    await writer.close();
  }
  bar.finish();
}

async function verifyAtScale(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-verify-'));
  const broker = await startLocalBroker({
    dataDir: join(home, 'kafka'),
    logFile: join(home, 'kafka.log'),
    port: 0,
  });
  const cosmos = await startCosmosEmulator({ dataDir: join(home, 'cosmos'), port: 0 });
  const search = await startSearchEmulator({ dataDir: join(home, 'search'), port: 0 });
  try {
    const environment: Environment = {
      source: 'the benchmark',
      kafka: { bootstrapServers: broker.bootstrapServers },
      cosmos: { endpoint: cosmos.endpoint, key: cosmos.key, tlsInsecure: true },
      search: { endpoint: search.endpoint, adminKey: search.adminKey, queryKey: search.queryKey },
    };
    const kafka = kafkaClient(environment.kafka, 'bench-challenge');
    const client = cosmosClient(environment.cosmos!);
    await provision(pipeline03, { kafka, cosmos: client, search: environment.search });
    const scenario = resolveScenario({ scale: process.env.BENCH_VERIFY_SCALE ?? 'large' });
    const total = estimateRecords(scenario);
    // As the pipeline would leave it: every record on its topic and in its sink container, the catalog in the
    // source containers and the indexes.
    await drain(await kafkaWriter(kafka, TOPICS), generateScenario(scenario), 'kafka ', total);
    const sink = client.database('retail-sink');
    const targets: Partial<Record<string, CosmosTarget>> = {};
    for (const database of pipeline03.databases.filter((item) => item.name === 'retail-sink')) {
      for (const container of database.containers) {
        targets[container.name] = {
          container: sink.container(container.name),
          partitionKeyPath: container.partitionKey,
        };
      }
    }
    await drain(cosmosWriter(targets), generateScenario(scenario), 'cosmos', total);
    const source = client.database('retail');
    await drain(
      cosmosWriter({
        users: { container: source.container('users'), partitionKeyPath: '/id' },
        products: { container: source.container('products'), partitionKeyPath: '/category' },
      }),
      generateScenario(scenario, ['catalog']),
      'source',
      scenario.scale.users + scenario.scale.products,
    );
    for (const topic of CATALOG_TOPICS) {
      const documents = [...generateScenario(scenario, ['catalog'])]
        .filter((record) => record.topic === topic)
        .map((record) => record.value);
      for (let i = 0; i < documents.length; i += 1000) {
        await searchClient(environment.search!, topic).mergeOrUploadDocuments(documents.slice(i, i + 1000));
      }
    }
    client.dispose();
    const started = performance.now();
    const report = await verifyChallenge(challenge03, environment, { timeoutMs: 0 });
    const seconds = (performance.now() - started) / 1000;
    const compared = report.checks.reduce((sum, check) => sum + check.expected, 0);
    const data = report.checks.filter((check) => check.id !== 'connectors-healthy');
    rows.push({
      what: `one verify pass over ${compared.toLocaleString('en-US')} records (${scenario.scale.events.toLocaleString('en-US')} events)`,
      value: `${seconds.toFixed(1)} s (${data.every((check) => check.passed) ? 'data checks passed' : 'data checks FAILED'})`,
    });
  } finally {
    await search.close();
    await cosmos.close();
    await stopProcess(broker.pid);
    rmSync(home, { recursive: true, force: true });
  }
}

if (!skip.has('full')) runChallenge('default scale (small)', []);
if (!skip.has('100k'))
  runChallenge('100k events', ['--scale', 'users=1000,products=200,events=100000', '--timeout', '900']);
if (!skip.has('verify')) await verifyAtScale();

process.stdout.write(
  `\nChallenge 03 on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n\n`,
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
