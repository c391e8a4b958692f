/**
 * `npm run bench:opensearch` — OpenSearch as `hack up opensearch` runs it (its own JVM, a stack of its own in a
 * temporary HACK_HOME): cold start to a green health answer; the OpenSearch sink task's throughput over
 * BENCH_OPENSEARCH_EVENTS (default 20k) generated change events in `put` calls of 500 (bulk upserts with external
 * versions: the sink's own work, without Kafka); and change-to-searchable latency (one change put, then searched
 * until visible; OpenSearch refreshes every second) p50/p95 over BENCH_OPENSEARCH_PROBES (default 40). Not a
 * test: it prints figures for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSearchSinkTask } from '../connectors/opensearch/sink-task.ts';
import type { SinkRecord } from '../connectors/runtime/api/records.ts';
import { jsonToConnect } from '../connectors/runtime/data/connect-json.ts';
import { generateCdcEvents } from '../challenges/08-cdc-search/data.ts';
import { openSearchClient } from '../infra/opensearch/client.ts';
import type { OpenSearchEntry } from '../infra/opensearch/service.ts';
import { down, up } from '../infra/stack/lifecycle.ts';
import { readStack } from '../infra/stack/stack-file.ts';

const eventCount = Number(process.env.BENCH_OPENSEARCH_EVENTS ?? 20_000);
const probes = Number(process.env.BENCH_OPENSEARCH_PROBES ?? 40);
const home = mkdtempSync(join(tmpdir(), 'bench-opensearch-'));
process.env.HACK_HOME = home;

const record = (value: unknown, offset: number, key: string): SinkRecord => ({
  kind: 'sink',
  topic: 'bench-cdc',
  kafkaPartition: 0,
  kafkaOffset: offset,
  key,
  keySchema: null,
  value: jsonToConnect(value),
  valueSchema: null,
  timestamp: null,
  timestampType: 'CreateTime',
  headers: [],
  originalTopic: 'bench-cdc',
  originalKafkaPartition: 0,
  originalKafkaOffset: offset,
});

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

try {
  const started = Date.now();
  await up({ only: ['opensearch'], ephemeralPorts: true });
  const coldStart = Date.now() - started;
  const entry = readStack()!.services.opensearch as OpenSearchEntry;
  const task = new OpenSearchSinkTask();
  task.initialize({
    configs: () => ({}),
    offset: () => {},
    requestCommit: () => {},
    pause: () => {},
    resume: () => {},
    assignment: () => [],
    errantRecordReporter: () => null,
  });
  task.start({
    'connection.url': entry.url,
    'document.field': 'after.value',
    'document.version.field': 'ts_ms',
    'document.delete.op.field': 'op',
    'read.timeout.ms': '60000',
  });
  const events: unknown[] = [];
  for (let seed = 1; events.length < eventCount; seed++)
    for (const event of generateCdcEvents(seed).events) {
      // Keys per seed differ already (uuids); ts_ms rises with the seed so each batch stays ordered.
      events.push({ ...event, ts_ms: event.ts_ms + seed * 10_000_000_000 });
    }
  events.length = eventCount;
  const records = events.map((event, offset) =>
    record(event, offset, (event as { after: { key: string } }).after.key),
  );
  const writeStart = Date.now();
  for (let start = 0; start < records.length; start += 500) await task.put(records.slice(start, start + 500));
  const writeMs = Date.now() - writeStart;

  const client = openSearchClient(entry);
  const latencies: number[] = [];
  for (let n = 0; n < probes; n++) {
    const name = `probe-service-${n}-${Date.now()}`;
    const key = `c/bench/o/service/${n}`;
    const value = {
      before: null,
      after: { key, value: { type: 'service', object: { name } } },
      op: 'u',
      ts_ms: Date.now() * 1000 + n,
    };
    const t0 = Date.now();
    await task.put([record(value, eventCount + n, key)]);
    for (;;) {
      const found = await client.search({
        index: 'bench-cdc',
        body: { query: { term: { 'object.name.keyword': name } } },
      });
      if ((found.body.hits.total as { value: number }).value > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    latencies.push(Date.now() - t0);
  }
  await task.stop();
  process.stdout.write(
    [
      `date ${new Date().toISOString()}, load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
      `OpenSearch cold start (hack up opensearch, warm jar cache): ${(coldStart / 1000).toFixed(1)} s`,
      `sink: ${eventCount} change events in ${(writeMs / 1000).toFixed(1)} s = ${Math.round((eventCount * 1000) / writeMs)} events/s (bulk of 500, external versions)`,
      `change-to-searchable over ${probes} changes: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms`,
      '',
    ].join('\n'),
  );
} finally {
  await down().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
