/**
 * `npm run bench:generate` — how fast the generators write the large scenario (≈1M records) to JSONL and to Kafka
 * (the seven event topics, idempotent producer, acks=all), and how much memory that takes. Each case runs in a
 * child process of its own so that its peak RSS (`process.resourceUsage().maxRSS`) is its own; the medium
 * scenario (≈10k records) runs too, to show memory stays flat as the record count grows a hundredfold.
 * Not a test: it prints figures for BENCHMARKS.md.
 *
 * BENCH_KAFKA_BOOTSTRAP_SERVERS reuses a running broker; otherwise a local one is started (jars cached).
 * BENCH_CASES (e.g. `kafka`) runs only the named cases. BENCH_KAFKA_PRODUCERS and BENCH_KAFKA_BATCH_SIZE set the
 * Kafka writer's `producers` and `batchSize` (its defaults otherwise), to compare them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTable } from '../infra/console/table.ts';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { stopProcess } from '../infra/process/index.ts';
import { EVENT_TOPICS, TOPICS, type Topic } from '../generators/model.ts';
import { runGeneration } from '../generators/run.ts';
import { generateScenario, resolveScenario } from '../generators/scenario.ts';
import { jsonlWriter } from '../generators/writers/jsonl.ts';
import { kafkaWriter } from '../generators/writers/kafka.ts';
import type { RecordWriter } from '../generators/writers/record-writer.ts';

interface CaseResult {
  records: number;
  seconds: number;
  peakRssMb: number;
  /** The largest heap in use right after a forced GC, sampled every 250k records: the live data, not V8's slack. */
  liveHeapMb: number;
  /** CPU (user + system) the case's process used: steadier than the wall time on a shared machine. */
  cpuSeconds: number;
  /**
   * The share of the wall time the event loop waited with nothing to run — for Kafka, for the broker's
   * acknowledgements. Time the OS gave the process no core counts as busy, so this is not inflated by load.
   */
  loopIdle: number;
  bytes?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
let liveHeapMb = 0;
function sampleLiveHeap(): void {
  gc?.();
  liveHeapMb = Math.max(liveHeapMb, process.memoryUsage().heapUsed / 1e6);
}

type CaseName = 'generate' | 'jsonl' | 'kafka';

/** Runs in the child: one case, its figures as JSON on stdout. */
async function runCase(name: CaseName, scale: string, bootstrap: string | undefined): Promise<CaseResult> {
  const options = resolveScenario({ seed: 42, scale });
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const startedLoop = performance.eventLoopUtilization();
  let records = 0;
  let bytes: number | undefined;
  if (name === 'generate') {
    for (const _record of generateScenario(options)) {
      records += 1;
      if (records % 250_000 === 0) sampleLiveHeap();
    }
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'bench-generate-'));
    const prefix = `bench-${process.pid}`;
    const topicName = (topic: Topic): string => `${prefix}-${topic}`;
    const kafka = bootstrap ? kafkaClient({ bootstrapServers: bootstrap }, 'bench-generate') : undefined;
    try {
      const topics = name === 'jsonl' ? TOPICS : EVENT_TOPICS;
      const writer: RecordWriter =
        name === 'jsonl' || !kafka
          ? jsonlWriter(dir, topics)
          : await kafkaWriter(kafka, topics, { topicName, ...kafkaWriterTuning() });
      const summary = await runGeneration({
        challenge: '03',
        options,
        target: name,
        topics,
        writer,
        manifestFile: join(dir, 'manifest.json'),
        onProgress: (generated) => {
          if (generated % 250_880 === 0) sampleLiveHeap(); // a multiple of the 1024-record progress step
        },
      });
      records = summary.writtenTotal;
      if (name === 'jsonl')
        bytes = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (kafka && name === 'kafka') {
        const admin = kafka.admin();
        await admin.connect();
        await admin.deleteTopics({ topics: EVENT_TOPICS.map(topicName) }).catch(() => undefined);
        await admin.disconnect();
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(startedCpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const loopIdle = 1 - performance.eventLoopUtilization(startedLoop).utilization;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  sampleLiveHeap();
  return { records, seconds, peakRssMb, liveHeapMb, cpuSeconds, loopIdle, ...(bytes ? { bytes } : {}) };
}

function kafkaWriterTuning(): { producers?: number; batchSize?: number } {
  const producers = Number(process.env.BENCH_KAFKA_PRODUCERS) || undefined;
  const batchSize = Number(process.env.BENCH_KAFKA_BATCH_SIZE) || undefined;
  return { ...(producers ? { producers } : {}), ...(batchSize ? { batchSize } : {}) };
}

function inChild(name: CaseName, scale: string, bootstrap: string): CaseResult {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      '--expose-gc',
      process.argv[1] ?? 'bench/generate.ts',
      '--case',
      name,
      scale,
      bootstrap,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`case ${name} ${scale} failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as CaseResult;
}

async function main(): Promise<void> {
  let bootstrap = process.env.BENCH_KAFKA_BOOTSTRAP_SERVERS;
  let brokerPid: number | undefined;
  const home = mkdtempSync(join(tmpdir(), 'bench-generate-kafka-'));
  try {
    if (!bootstrap) {
      const broker = await startLocalBroker({
        dataDir: join(home, 'kafka'),
        logFile: join(home, 'kafka.log'),
        port: 0,
      });
      bootstrap = broker.bootstrapServers;
      brokerPid = broker.pid;
    }
    const cases: Array<[CaseName, string, string]> = [
      ['generate', 'medium', 'generate only, no writer'],
      ['generate', 'large', 'generate only, no writer'],
      ['jsonl', 'medium', 'JSONL, all 9 topics + manifest'],
      ['jsonl', 'large', 'JSONL, all 9 topics + manifest'],
      ['kafka', 'medium', 'Kafka, 7 event topics + manifest'],
      ['kafka', 'large', 'Kafka, 7 event topics + manifest'],
    ];
    // `BENCH_CASES=kafka` (a comma-separated list of case names) runs only those: an A/B of one writer.
    const only = process.env.BENCH_CASES?.split(',').map((name) => name.trim());
    const rows = cases
      .filter(([name]) => !only || only.includes(name))
      .map(([name, scale, what]) => {
        process.stderr.write(`· ${what} (${scale}) …\n`);
        return { what, scale, ...inChild(name, scale, bootstrap ?? '') };
      });
    process.stdout.write(
      `\n${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n\n`,
    );
    process.stdout.write(
      `${renderTable(
        [
          { header: 'case', value: (row) => row.what },
          { header: 'scale', value: (row) => row.scale },
          { header: 'records', value: (row) => row.records, align: 'right' },
          { header: 'seconds', value: (row) => row.seconds.toFixed(1), align: 'right' },
          { header: 'records/s', value: (row) => Math.round(row.records / row.seconds), align: 'right' },
          { header: 'CPU s', value: (row) => row.cpuSeconds.toFixed(1), align: 'right' },
          {
            header: 'µs CPU/record',
            value: (row) => ((row.cpuSeconds / row.records) * 1e6).toFixed(1),
            align: 'right',
          },
          { header: 'loop idle', value: (row) => `${Math.round(row.loopIdle * 100)}%`, align: 'right' },
          { header: 'peak RSS MB', value: (row) => row.peakRssMb.toFixed(0), align: 'right' },
          { header: 'live heap MB', value: (row) => row.liveHeapMb.toFixed(0), align: 'right' },
          {
            header: 'output MB',
            value: (row) => (row.bytes ? (row.bytes / 1e6).toFixed(0) : '-'),
            align: 'right',
          },
        ],
        rows,
      )}\n`,
    );
  } finally {
    if (brokerPid) await stopProcess(brokerPid, 20_000);
    rmSync(home, { recursive: true, force: true });
  }
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) {
  const [name, scale, bootstrap] = process.argv.slice(caseIndex + 1) as [CaseName, string, string];
  const result = await runCase(name, scale, bootstrap || undefined);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
