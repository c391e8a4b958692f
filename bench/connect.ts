/**
 * `npm run bench:connect` — records/s from a topic through JsonConverter into FileStreamSink: our worker against
 * Apache Kafka Connect 4.1.2, the same topic, the same connector config, in the same run (one after the other,
 * so they do not share the two cores). Not a test: it prints figures and the ratio for BENCHMARKS.md.
 * BENCH_RECORDS (default 100000); BENCH_KAFKA_BOOTSTRAP_SERVERS reuses a running broker.
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
  const child = spawn(command, args, { stdio: 'ignore' });
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
async function measure(url: string, name: string, topic: string, file: string) {
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
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const done = performance.now();
  return { total: (done - started) / 1000, steady: (done - first) / 1000 };
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

    say('Our worker…');
    const ours = await startOurs(bootstrapServers, dir);
    const ourResult = await measure(ours.url, 'bench-ours', topic, join(dir, 'ours.out'));
    await stopProcess(ours.child.pid!);

    say('Apache Kafka Connect 4.1.2…');
    const apache = await startApacheWorker({ bootstrapServers, name: `bench-apache-${Date.now()}` });
    const apacheResult = await measure(apache.url, 'bench-apache', topic, join(dir, 'apache.out'));
    await apache.close();

    const ourLines = readFileSync(join(dir, 'ours.out'), 'utf8').split('\n');
    const apacheLines = readFileSync(join(dir, 'apache.out'), 'utf8').split('\n');
    const differing = ourLines.findIndex((line, i) => line !== apacheLines[i]);
    const sameOutput = differing < 0 && ourLines.length === apacheLines.length;
    if (!sameOutput)
      say(
        `first differing line ${differing}:\n  ours:   ${ourLines[differing]}\n  apache: ${apacheLines[differing]}`,
      );
    const rate = (seconds: number) => Math.round(records / seconds).toLocaleString('en-US');
    process.stdout.write(
      `\nFileStreamSink ← JsonConverter (schemas.enable=false) ← 1 partition, ${records} records, ${cpus().length} CPUs, ${new Date().toISOString().slice(0, 10)}\n\n`,
    );
    process.stdout.write(
      `${renderTable(
        [
          { header: 'worker', value: (row) => row.worker },
          { header: 'records/s (steady)', value: (row) => rate(row.steady), align: 'right' },
          { header: 'records/s (incl. start)', value: (row) => rate(row.total), align: 'right' },
          { header: 'total s', value: (row) => row.total.toFixed(1), align: 'right' },
        ],
        [
          { worker: 'ours (TypeScript)', ...ourResult },
          { worker: 'Apache Kafka Connect 4.1.2', ...apacheResult },
        ],
      )}\n`,
    );
    process.stdout.write(
      `\nratio ours / Apache (steady): ${(apacheResult.steady / ourResult.steady).toFixed(2)}; including start: ${(apacheResult.total / ourResult.total).toFixed(2)}; identical output files: ${sameOutput}\n`,
    );
  } finally {
    if (brokerPid) await stopProcess(brokerPid);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
