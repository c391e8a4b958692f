/**
 * `npm run bench:connect` — records/s from a topic through JsonConverter into FileStreamSink: our worker against
 * Apache Kafka Connect 4.1.2, the same topic, the same connector config, in the same run (one after the other,
 * so they do not share the two cores). Not a test: it prints figures and the ratio for BENCHMARKS.md.
 * Both workers are started first, then measured in rounds (BENCH_ROUNDS, default 3), each round a new connector
 * reading the topic from the beginning, who goes first alternating; the ratio per round and their median are what
 * to quote. BENCH_RECORDS (default 100000); BENCH_KAFKA_BOOTSTRAP_SERVERS reuses a running broker; BENCH_BUSY=1
 * keeps the other core busy while the rounds run (bench/busy.ts); BENCH_CPU_PROF=<dir> writes a `--cpu-prof`
 * profile of our worker there; BENCH_NODE_FLAGS adds Node flags to our worker (e.g. `--max-semi-space-size=64`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../infra/console/table.ts';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { installKafka } from '../infra/kafka/install.ts';
import { freePort, stopProcess, typescriptServiceCommand, waitUntil } from '../infra/process/index.ts';
import { startApacheWorker } from '../connectors/runtime/testing/apache-worker.ts';
import { startBusy } from './busy.ts';
import { cpuSeconds } from './process-cpu.ts';

const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const say = (message: string): void => void process.stderr.write(`${message}\n`);

/** Counts lines as the file grows, reading only the new bytes, so the bench itself barely uses CPU. */
function lineCounter(file: string): () => number {
  let read = 0;
  let lines = 0;
  const chunk = Buffer.alloc(1 << 20);
  return () => {
    if (!existsSync(file)) return 0;
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, read);
        if (n === 0) break;
        read += n;
        for (let at = chunk.indexOf(10); at >= 0 && at < n; at = chunk.indexOf(10, at + 1)) lines++;
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  };
}

async function startOurs(
  bootstrapServers: string,
  dir: string,
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const props = join(dir, 'ours.properties');
  writeFileSync(props, 'offset.flush.interval.ms=10000\n');
  const main = fileURLToPath(new URL('../connectors/runtime/main.ts', import.meta.url));
  const profileDir = process.env.BENCH_CPU_PROF;
  const { command, args } = typescriptServiceCommand(main, [
    '--bootstrap-servers',
    bootstrapServers,
    '--port',
    String(port),
    '--topic-prefix',
    `bench-ours-${Date.now()}`,
    '--worker-properties',
    props,
  ]);
  const profile = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn(command, [...profile, ...args], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200 || undefined,
    {
      timeoutMs: 60_000,
      what: 'our worker',
    },
  );
  return { url, child };
}

/** Creates the sink on a worker and times it: total (incl. group join) and steady state (first to last line). */
interface Timing {
  /** From the connector's creation to the last line written (group join included), seconds. */
  total: number;
  /** From the first line to the last, seconds. */
  steady: number;
  /** CPU seconds the worker process used (all its threads) from the connector's creation to the last line. */
  cpu: number;
}

async function measure(url: string, pid: number, name: string, topic: string, file: string): Promise<Timing> {
  const cpuAtStart = cpuSeconds(pid);
  const started = performance.now();
  const response = await fetch(`${url}/connectors/${name}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file,
      topics: topic,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    }),
  });
  if (response.status >= 300) throw new Error(`${name}: ${response.status} ${await response.text()}`);
  let first = 0;
  const countLines = lineCounter(file);
  for (;;) {
    const lines = countLines();
    if (lines > 0 && first === 0) first = performance.now();
    if (lines >= records) break;
    if (performance.now() - started > 600_000)
      throw new Error(`${name}: only ${lines} of ${records} lines after 10 min`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const done = performance.now();
  const cpu = cpuSeconds(pid) - cpuAtStart;
  // Stopped, so it reads nothing while the other worker is measured.
  await fetch(`${url}/connectors/${name}`, { method: 'DELETE' });
  return { total: (done - started) / 1000, steady: (done - first) / 1000, cpu };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-connect-'));
  let brokerPid: number | undefined;
  let bootstrapServers = process.env.BENCH_KAFKA_BOOTSTRAP_SERVERS ?? '';
  try {
    if (!bootstrapServers) {
      await installKafka({ onProgress: say });
      const broker = await startLocalBroker({
        dataDir: join(dir, 'kafka'),
        logFile: join(dir, 'kafka.log'),
        port: 0,
      });
      brokerPid = broker.pid;
      bootstrapServers = broker.bootstrapServers;
    }
    const kafka = kafkaClient({ bootstrapServers }, 'bench-connect');
    const topic = `bench-connect-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    say(`Producing ${records} JSON records to ${topic}…`);
    const producer = kafka.producer();
    await producer.connect();
    for (let offset = 0; offset < records; offset += 1000) {
      const messages = Array.from({ length: Math.min(1000, records - offset) }, (_, i) => {
        const id = offset + i;
        return {
          key: `user-${id}`,
          value: JSON.stringify({
            id,
            name: `User ${id}`,
            email: `user${id}@example.com`,
            score: id / 7,
            active: id % 2 === 0,
            tags: ['a', 'b'],
          }),
        };
      });
      await producer.send({ topic, messages, acks: -1 });
    }
    await producer.disconnect();

    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    say('Starting our worker and Apache Kafka Connect 4.1.2…');
    const ours = await startOurs(bootstrapServers, dir);
    const apache = await startApacheWorker({ bootstrapServers, name: `bench-apache-${Date.now()}` });
    const busy = startBusy();
    const results: Array<{ round: number; ours: Timing; apache: Timing }> = [];
    try {
      for (let round = 1; round <= rounds; round++) {
        // Alternating who goes first, so a load that drifts during the run does not favour one side.
        const measureOurs = () =>
          measure(ours.url, ours.child.pid!, `bench-ours-${round}`, topic, join(dir, `ours-${round}.out`));
        const measureApache = () =>
          measure(apache.url, apache.pid, `bench-apache-${round}`, topic, join(dir, `apache-${round}.out`));
        say(`Round ${round} of ${rounds}…`);
        let ourTiming: Timing, apacheTiming: Timing;
        if (round % 2 === 1) {
          ourTiming = await measureOurs();
          apacheTiming = await measureApache();
        } else {
          apacheTiming = await measureApache();
          ourTiming = await measureOurs();
        }
        results.push({ round, ours: ourTiming, apache: apacheTiming });
      }
    } finally {
      busy.stop();
      await stopProcess(ours.child.pid!);
      await apache.close();
    }

    const expected = readFileSync(join(dir, 'apache-1.out'), 'utf8');
    const differing = results.flatMap(({ round }) =>
      [`ours-${round}.out`, `apache-${round}.out`].filter(
        (file) => readFileSync(join(dir, file), 'utf8') !== expected,
      ),
    );
    if (differing.length > 0) say(`output differs from apache-1.out: ${differing.join(', ')}`);
    const rate = (seconds: number) => Math.round(records / seconds).toLocaleString('en-US');
    const ratio = (row: (typeof results)[number], key: keyof Timing) => row.apache[key] / row.ours[key];
    process.stdout.write(
      `\nFileStreamSink ← JsonConverter (schemas.enable=false) ← 1 partition, ${records} records, ${cpus().length} CPUs, ${new Date().toISOString()}\n\n`,
    );
    process.stdout.write(
      `${renderTable(
        [
          { header: 'round', value: (row) => row.round },
          { header: 'ours records/s (steady)', value: (row) => rate(row.ours.steady), align: 'right' },
          { header: 'Apache records/s (steady)', value: (row) => rate(row.apache.steady), align: 'right' },
          {
            header: 'ours ÷ Apache (steady)',
            value: (row) => ratio(row, 'steady').toFixed(2),
            align: 'right',
          },
          {
            header: 'ours ÷ Apache (with start)',
            value: (row) => ratio(row, 'total').toFixed(2),
            align: 'right',
          },
          {
            header: 'CPU s ours / Apache',
            value: (row) => `${row.ours.cpu.toFixed(2)} / ${row.apache.cpu.toFixed(2)}`,
            align: 'right',
          },
          {
            header: 'ours ÷ Apache (per CPU s)',
            value: (row) => ratio(row, 'cpu').toFixed(2),
            align: 'right',
          },
        ],
        results,
      )}\n`,
    );
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    process.stdout.write(
      `\n${busy.describe()}\nmedian ratio ours ÷ Apache (steady): ${median(results.map((row) => ratio(row, 'steady'))).toFixed(2)}; with start: ${median(results.map((row) => ratio(row, 'total'))).toFixed(2)}; per CPU second: ${median(results.map((row) => ratio(row, 'cpu'))).toFixed(2)}; identical output files: ${differing.length === 0}\n`,
    );
  } finally {
    if (brokerPid) await stopProcess(brokerPid);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
