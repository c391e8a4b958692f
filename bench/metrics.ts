/**
 * `npm run bench:metrics` — the metrics service's two costs:
 * 1. query latency over a day of data scraped every 10 s (synthetic: 10 topics × 4 partitions, two consumer
 *    groups; 200 series, 1.7 M points), through the API in-process (`app.request`, JSON included), and the time a
 *    restarted service takes to load that day back from its files;
 * 2. with a stack running (`npx hack up`), the CPU the `metrics` process uses at its interval, read from
 *    /proc over BENCH_METRICS_CPU_SECONDS (60 s);
 * 3. with BENCH_METRICS_BROKER=1, what the JMX exporter agent costs the broker (infra/jmx): the time a broker of a
 *    formatted data dir takes until it answers metadata requests and the CPU it used by then, with and without the
 *    agent (alternating, 3 each, medians), and the broker's CPU per scrape of the agent's page (the families the
 *    collector asks for).
 * Not a test: it prints figures for BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpuSeconds } from './process-cpu.ts';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderTable } from '../infra/console/table.ts';
import { createMetricsApp } from '../infra/metrics/server.ts';
import type { MetricsEntry } from '../infra/metrics/service.ts';
import { MetricStore, type Sample } from '../infra/metrics/store.ts';
import { isAlive, stopProcess } from '../infra/process/index.ts';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { installJmxExporter, jmxExporterArgs, jmxExporterFor } from '../infra/jmx/exporter.ts';
import { javaExecutable } from '../infra/java/index.ts';
import { readStack } from '../infra/stack/stack-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-metrics-'));
const day = 86_400_000;
const step = 10_000;
const end = Math.floor(Date.now() / step) * step;
const rows: Array<{ measure: string; result: string }> = [];

const cluster = { 'resource.kafka.id': 'bench-cluster' };
const labelsOf = Array.from({ length: 10 }, (_, topic) =>
  Array.from({ length: 4 }, (_, partition) => ({
    ...cluster,
    'metric.topic': `topic-${topic}`,
    'metric.partition': String(partition),
  })),
).flat();

let started = performance.now();
{
  const store = new MetricStore(dir, 2 * day);
  for (let at = end - day; at < end; at += step) {
    const samples: Sample[] = [];
    for (const [index, labels] of labelsOf.entries()) {
      const records = (index * 7 + at / step) % 50;
      samples.push({ metric: 'io.confluent.kafka.server/received_records', labels, value: records });
      samples.push({ metric: 'io.confluent.kafka.server/sent_records', labels, value: records });
      samples.push({ metric: 'io.confluent.kafka.server/retained_bytes', labels, value: records * 1000 });
      for (const group of ['group-a', 'group-b'])
        samples.push({
          metric: 'io.confluent.kafka.server/consumer_lag_offsets',
          labels: { ...labels, 'metric.consumer_group_id': group },
          value: records % 7,
        });
    }
    store.append(samples, at);
  }
  rows.push({
    measure: `write a day at 10 s (${labelsOf.length * 5} series, ${((labelsOf.length * 5 * day) / step / 1e6).toFixed(2)} M points), ${(store.sizeOnDisk() / 1e6).toFixed(0)} MB on disk`,
    result: `${((performance.now() - started) / 1000).toFixed(1)} s`,
  });
}

started = performance.now();
const store = new MetricStore(dir, 2 * day);
rows.push({
  measure: 'load that day (a restart)',
  result: `${((performance.now() - started) / 1000).toFixed(2)} s`,
});

const app = createMetricsApp(store);
async function timed(name: string, body: unknown): Promise<void> {
  const times: number[] = [];
  let size = 0;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    const response = await app.request('/v2/metrics/cloud/query', {
      method: 'POST',
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${name}: ${response.status} ${text}`);
    times.push(performance.now() - t);
    size = (JSON.parse(text) as { data: unknown[] }).data.length;
  }
  times.sort((a, b) => a - b);
  rows.push({ measure: `${name} → ${size} items`, result: `${times[2]!.toFixed(0)} ms (median of 5)` });
}
const interval = [`${new Date(end - day).toISOString()}/${new Date(end).toISOString()}`];
const received = 'io.confluent.kafka.server/received_records';
await timed('received_records by topic, PT10S over 1 day (GROUPED)', {
  aggregations: [{ metric: received }],
  group_by: ['metric.topic'],
  granularity: 'PT10S',
  intervals: interval,
  format: 'GROUPED',
});
await timed('received_records, one topic, PT10S over 1 day', {
  aggregations: [{ metric: received }],
  filter: { field: 'metric.topic', op: 'EQ', value: 'topic-3' },
  granularity: 'PT10S',
  intervals: interval,
});
await timed('received_records by topic, PT5M over 1 day', {
  aggregations: [{ metric: received }],
  group_by: ['metric.topic'],
  granularity: 'PT5M',
  intervals: interval,
});
await timed('consumer_lag_offsets by group, PT1H over 1 day', {
  aggregations: [{ metric: 'io.confluent.kafka.server/consumer_lag_offsets' }],
  group_by: ['metric.consumer_group_id'],
  granularity: 'PT1H',
  intervals: interval,
});
await timed('received_records by topic, ALL over 1 day', {
  aggregations: [{ metric: received }],
  group_by: ['metric.topic'],
  granularity: 'ALL',
  intervals: interval,
});
rmSync(dir, { recursive: true, force: true });

const entry = readStack()?.services.metrics as MetricsEntry | undefined;
if (entry?.pid && isAlive(entry.pid)) {
  const seconds = Number(process.env.BENCH_METRICS_CPU_SECONDS ?? 60);
  const before = cpuSeconds(entry.pid);
  await sleep(seconds * 1000);
  const used = cpuSeconds(entry.pid) - before;
  const services = Object.keys(readStack()!.services).join(', ');
  rows.push({
    measure: `the metrics process, scraping every ${(entry.intervalMs ?? 10_000) / 1000} s with ${services} up, over ${seconds} s`,
    result: `${((used / seconds) * 100).toFixed(2)} % of one core`,
  });
} else {
  rows.push({ measure: 'scrape cost', result: 'no stack running (`npx hack up` first)' });
}

if (process.env.BENCH_METRICS_BROKER === '1') {
  const brokerDir = mkdtempSync(join(tmpdir(), 'bench-metrics-broker-'));
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[1]!;
  const startTimes: Record<'without' | 'with', number[]> = { without: [], with: [] };
  const startCpu: Record<'without' | 'with', number[]> = { without: [], with: [] };
  let perScrape = '';
  try {
    for (let round = 0; round < 3; round++)
      for (const variant of ['without', 'with'] as const) {
        const exporter = variant === 'with' ? await jmxExporterFor(brokerDir, 'broker', {}) : undefined;
        const t = performance.now();
        const broker = await startLocalBroker({
          dataDir: brokerDir,
          logFile: join(brokerDir, 'broker.log'),
          port: 0,
          jvmArgs: exporter?.jvmArgs,
        });
        startTimes[variant].push(performance.now() - t);
        startCpu[variant].push(cpuSeconds(broker.pid));
        if (exporter && round === 2) {
          const page = `${exporter.url}/metrics?name[]=kafka_server_brokertopicmetrics_bytesinpersec_count&name[]=kafka_server_brokertopicmetrics_bytesoutpersec_count&name[]=kafka_network_requestmetrics_requestspersec_count`;
          await (await fetch(page)).text(); // warm
          const before = cpuSeconds(broker.pid);
          const wall = performance.now();
          for (let scrape = 0; scrape < 50; scrape++) await (await fetch(page)).text();
          perScrape = `${(((cpuSeconds(broker.pid) - before) / 50) * 1000).toFixed(1)} ms CPU, ${((performance.now() - wall) / 50).toFixed(1)} ms wall`;
        }
        await stopProcess(broker.pid, 30_000);
      }
  } finally {
    rmSync(brokerDir, { recursive: true, force: true });
  }
  // The agent's own start, isolated from the broker's noise: a JVM that only prints its version (the agent's
  // premain runs all the same), with and without, alternating, 5 each.
  const jar = await installJmxExporter();
  const versionTimes: Record<'without' | 'with', number[]> = { without: [], with: [] };
  for (let round = 0; round < 5; round++)
    for (const variant of ['without', 'with'] as const) {
      const t = performance.now();
      spawnSync(javaExecutable(), [
        ...(variant === 'with' ? jmxExporterArgs(jar, 0, 'broker') : []),
        '-version',
      ]);
      versionTimes[variant].push(performance.now() - t);
    }
  const median5 = (values: number[]): number => [...values].sort((a, b) => a - b)[2]!;
  rows.push({
    measure: '`java -version` without / with the agent (its start alone; medians of 5)',
    result: `${(median5(versionTimes.without) / 1000).toFixed(2)} s / ${(median5(versionTimes.with) / 1000).toFixed(2)} s`,
  });
  rows.push(
    {
      measure: 'broker start (formatted data dir) to metadata, without the JMX exporter agent',
      result: `${(median(startTimes.without) / 1000).toFixed(2)} s (median of 3: ${startTimes.without.map((ms) => (ms / 1000).toFixed(1)).join(', ')})`,
    },
    {
      measure: 'the same with the agent (broker-rules.yaml)',
      result: `${(median(startTimes.with) / 1000).toFixed(2)} s (median of 3: ${startTimes.with.map((ms) => (ms / 1000).toFixed(1)).join(', ')})`,
    },
    {
      measure: "the broker's CPU time when it first answers, without / with the agent (medians of 3)",
      result: `${median(startCpu.without).toFixed(2)} s / ${median(startCpu.with).toFixed(2)} s`,
    },
    { measure: "one scrape of the agent's page, the broker's CPU (mean of 50)", result: perScrape },
  );
}

process.stdout.write(
  `${renderTable(
    [
      { header: 'measure', value: (row: (typeof rows)[number]) => row.measure },
      { header: 'result', value: (row: (typeof rows)[number]) => row.result, align: 'right' },
    ],
    rows,
  )}\n\n${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}, ${new Date().toISOString()}\n`,
);
