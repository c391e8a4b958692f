/**
 * `npm run bench:challenge` — what a participant waits for: the wall time of `hack challenge 03 --solution` at the
 * default scale and at 100k events (a fresh stack each, as on a fresh clone with warm caches), and how long one
 * verification pass takes over ~1M records (topics, sink containers and indexes filled directly, so only verify is
 * timed). Not a test: it prints figures for BENCHMARKS.md.
 *
 * Also: how long a failing run (a wrong Cosmos key in the source config) takes from its events being produced to
 * its verdict, and the `--watch` loop's save-to-verdict time (a config saved, re-linted, re-applied, re-verified).
 *
 * Challenge 04: the wall time of `hack challenge 04 --solution` (Kafka Streams) and with the TypeScript reference,
 * each with its verification time (after the last event was produced).
 *
 * Challenge 04 at scale: the Kafka Streams reference's events/s over ~1M input events (`04-1m`).
 * Challenge 06: the wall time of `hack challenge 06 --solution` and the latency from a MySQL commit to its effect
 * in MongoDB (bench/challenge-06.ts).
 *
 * BENCH_VERIFY_SCALE (default `large`, ~1M records), BENCH_CHALLENGE_RUNS (default 3 default-scale runs) and
 * BENCH_SKIP=full,100k,verify,failing,watch,04,04-1m,06 choose what runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { challenge03 } from '../challenges/03-kafka-connect/challenge.ts';
import { challenge04, INPUT_TOPICS, OUTPUT_TOPICS } from '../challenges/04-stream-processing/challenge.ts';
import { startProcessor, streamsReferenceDir } from '../challenges/04-stream-processing/processor.ts';
import { pipeline03 } from '../challenges/03-kafka-connect/pipeline.ts';
import { provision } from '../challenges/provision.ts';
import { CATALOG_TOPICS, TOPICS, type AnyRecord } from '../generators/model.ts';
import { estimateRecords, generateScenario, resolveScenario } from '../generators/scenario.ts';
import { cosmosWriter, type CosmosTarget } from '../generators/writers/cosmos.ts';
import { ensureTopics, kafkaWriter } from '../generators/writers/kafka.ts';
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
import { commitToMongoLatency } from './challenge-06.ts';

const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const rows: Array<{ what: string; value: string }> = [];

function runChallenge(label: string, args: string[], id = '03'): void {
  const home = mkdtempSync(join(tmpdir(), 'bench-challenge-'));
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(projectRoot, 'bin', 'hack.mjs'), 'challenge', id, '--solution', ...args],
    {
      env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const seconds = (performance.now() - started) / 1000;
  rmSync(home, { recursive: true, force: true });
  const verdict = result.status === 0 ? 'passed' : `FAILED (exit ${result.status})`;
  // The time from the last step's end to the verdict, as the scoreboard states it.
  const verification = /verification \(([\d.]+) s/.exec(result.stdout)?.[1];
  rows.push({
    what: `hack challenge ${id} --solution${args.length ? ` ${args.join(' ')}` : ''}, ${label}`,
    value: `${seconds.toFixed(1)} s (${verdict}${verification ? `; verification ${verification} s` : ''}; load ${loadavg()[0]!.toFixed(1)})`,
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

/** `hack challenge 03` in its own process and HACK_HOME; resolves when `until` says so, with each line's time. */
async function timedChallenge(
  args: string[],
  until: (line: string, lines: Array<{ at: number; text: string }>) => boolean,
  onLine: (line: string) => void = () => {},
): Promise<Array<{ at: number; text: string }>> {
  const home = mkdtempSync(join(tmpdir(), 'bench-challenge-'));
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), 'challenge', '03', ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<{ at: number; text: string }> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      const read = (chunk: Buffer): void => {
        buffer += chunk.toString('utf8');
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const text of parts) {
          lines.push({ at: performance.now(), text });
          onLine(text);
          if (until(text, lines)) resolve();
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve).once('error', resolve));
    spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), 'down'], {
      env: { ...process.env, HACK_HOME: home },
    });
    rmSync(home, { recursive: true, force: true });
  }
  return lines;
}

const verdictLine = (text: string): boolean => /^[✔✘] Challenge 03( failed —|: all)/.test(text);

async function failingRun(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-failing-'));
  cpSync(join(challenge03.dir, 'solution'), dir, { recursive: true });
  const file = join(dir, 'cosmos-source.json');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('${stack:cosmos.key}', Buffer.from('not the key').toString('base64')),
  );
  const lines = await timedChallenge(['--connectors', dir], (text) => verdictLine(text));
  rmSync(dir, { recursive: true, force: true });
  const produced = lines.find((line) => line.text.startsWith('✔ Produce'));
  const verdict = lines.find((line) => verdictLine(line.text));
  rows.push({
    what: 'failing run (wrong key in the source config): events produced → verdict',
    value:
      produced && verdict
        ? `${((verdict.at - produced.at) / 1000).toFixed(1)} s (${verdict.text.slice(0, 60)}…)`
        : 'no verdict',
  });
}

async function watchLoop(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-watch-'));
  cpSync(join(challenge03.dir, 'solution'), dir, { recursive: true });
  const file = join(dir, 'search-sink.json');
  let savedAt = 0;
  let verdicts = 0;
  const lines = await timedChallenge(
    ['--connectors', dir, '--watch'],
    (text) => verdictLine(text) && verdicts === 2,
    (text) => {
      if (verdictLine(text)) verdicts++;
      if (text.startsWith('Watching ') && savedAt === 0) {
        savedAt = performance.now();
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace('"max.batch.size": "500"', '"max.batch.size": "400"'),
        );
      }
    },
  );
  rmSync(dir, { recursive: true, force: true });
  const verdict = lines.filter((line) => verdictLine(line.text))[1];
  rows.push({
    what: 'hack challenge 03 --watch: config saved → verdict (search sink re-applied)',
    value: verdict
      ? `${((verdict.at - savedAt) / 1000).toFixed(1)} s (${verdict.text.slice(0, 40)}…)`
      : 'no verdict',
  });
}

/**
 * The Kafka Streams reference's throughput: ~1M input events produced first (a backlog, as after a day of traffic),
 * then the reference started on them; events/s from its RUNNING state to its committed offsets reaching the end
 * of every input topic (exactly-once: committed = processed and written), then one verify pass to show the
 * numbers are right. BENCH_STREAMS_SCALE overrides the scale.
 */
async function streamsThroughput(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-streams-'));
  const broker = await startLocalBroker({
    dataDir: join(home, 'kafka'),
    logFile: join(home, 'kafka.log'),
    port: 0,
  });
  const kafka = kafkaClient({ bootstrapServers: broker.bootstrapServers }, 'bench-streams');
  const admin = kafka.admin();
  await admin.connect();
  let processor: Awaited<ReturnType<typeof startProcessor>> | undefined;
  try {
    await ensureTopics(kafka, [...INPUT_TOPICS, ...OUTPUT_TOPICS]);
    const scenario = resolveScenario({
      scale: process.env.BENCH_STREAMS_SCALE ?? 'users=10000,products=500,events=1000000',
    });
    function* inputs(): Generator<AnyRecord> {
      for (const record of generateScenario(scenario, ['catalog', 'events']))
        if (INPUT_TOPICS.includes(record.topic)) yield record;
    }
    let total = 0;
    let produced = 0;
    for (const record of inputs()) {
      produced++;
      if (record.topic !== 'users') total++;
    }
    await drain(await kafkaWriter(kafka, INPUT_TOPICS), inputs(), 'kafka ', produced);
    const ends = new Map<string, number>();
    // The reference reads every input topic but `users` (nothing it writes needs them).
    const consumed = INPUT_TOPICS.filter((topic) => topic !== 'users');
    for (const topic of consumed)
      for (const partition of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}/${partition.partition}`, Number(partition.high));
    const startedAt = performance.now();
    processor = await startProcessor(
      streamsReferenceDir,
      { bootstrapServers: broker.bootstrapServers },
      {
        stateDir: join(home, 'state'),
      },
    );
    let runningAt = 0;
    let doneAt = 0;
    while (doneAt === 0 && performance.now() - startedAt < 1_800_000) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (!runningAt && readFileSync(processor.logFile, 'utf8').includes('-> RUNNING'))
        runningAt = performance.now();
      // While the group's coordinator loads, the broker answers NOT_COORDINATOR (retriable): ask again.
      const committed = await admin
        .fetchOffsets({ groupId: 'retail-streams', topics: consumed })
        .catch(() => undefined);
      if (!committed) continue;
      let behind = 0;
      for (const topic of committed)
        for (const partition of topic.partitions)
          behind += Math.max(
            0,
            (ends.get(`${topic.topic}/${partition.partition}`) ?? 0) - Math.max(0, Number(partition.offset)),
          );
      process.stderr.write(
        `\r  streams: ${(total - behind).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} input records committed`,
      );
      if (behind === 0 && runningAt) doneAt = performance.now();
    }
    process.stderr.write('\n');
    const seconds = ((doneAt || performance.now()) - (runningAt || startedAt)) / 1000;
    const verifyStarted = performance.now();
    const report = await verifyChallenge(
      challenge04,
      { source: 'the benchmark', kafka: { bootstrapServers: broker.bootstrapServers } },
      { timeoutMs: 120_000 },
    );
    rows.push({
      what: `Kafka Streams reference (exactly_once_v2, RocksDB), ${total.toLocaleString('en-US')} input records as a backlog`,
      value: doneAt
        ? `${Math.round(total / seconds).toLocaleString('en-US')} events/s (${seconds.toFixed(1)} s from RUNNING; start → RUNNING ${((runningAt - startedAt) / 1000).toFixed(1)} s)`
        : `not caught up within 30 min`,
    });
    rows.push({
      what: `  …then verify over its ${total.toLocaleString('en-US')} inputs`,
      value: `${((performance.now() - verifyStarted) / 1000).toFixed(1)} s (${report.passed ? 'all checks passed' : `FAILED: ${report.cause?.hint ?? ''}`})`,
    });
  } finally {
    await processor?.stop();
    await admin.disconnect();
    await stopProcess(broker.pid);
    rmSync(home, { recursive: true, force: true });
  }
}

if (!skip.has('failing')) await failingRun();
if (!skip.has('watch')) await watchLoop();
// Each run with its timeline (`--timings`, on stderr): where the seconds went.
if (!skip.has('full'))
  for (let run = 1; run <= Number(process.env.BENCH_CHALLENGE_RUNS ?? 3); run++)
    runChallenge(`default scale (small), run ${run}`, ['--timings']);
if (!skip.has('100k'))
  runChallenge('100k events', ['--scale', 'users=1000,products=200,events=100000', '--timeout', '900']);
if (!skip.has('verify')) await verifyAtScale();
if (!skip.has('04')) {
  runChallenge('default scale, Kafka Streams reference', [], '04');
  runChallenge(
    'default scale, TypeScript reference',
    ['--connectors', join(projectRoot, 'challenges', '04-stream-processing', 'solution', 'typescript')],
    '04',
  );
}
if (!skip.has('04-1m')) await streamsThroughput();

if (!skip.has('06')) {
  runChallenge('default scale, Kafka Streams reference', [], '06');
  rows.push(...(await commitToMongoLatency()));
}

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
