/**
 * `npm run bench:cdc-search` — challenge 08's way (a) end to end on a stack of its own (a temporary HACK_HOME):
 * Kafka, PostgreSQL, Apache Kafka Connect with Debezium, OpenSearch and our worker. The challenge's own steps with
 * the reference connectors (tables, creates, both connectors, the live changes), its verification, then
 * BENCH_CDC_SEARCH_PROBES (default 30) renames of one service committed in PostgreSQL, one at a time: committed →
 * searchable (the new name found by a term query in OpenSearch, polled every 20 ms) p50/p95/max. The path: WAL →
 * Debezium (pgoutput) → `cdc-events` → our OpenSearch sink → OpenSearch's refresh (every 1 s). The peer, in the
 * same run: a document written straight into the index, polled the same way. Not a test: it prints figures for
 * BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { challenge08cdc, SCHEMA } from '../challenges/08-cdc-search/cdc-way.ts';
import { INDEX } from '../challenges/08-cdc-search/checks.ts';
import type { StepContext } from '../challenges/challenge.ts';
import { resolveScenario } from '../generators/scenario.ts';
import { databaseEntry } from '../infra/databases/apply-sql.ts';
import { withSession } from '../infra/databases/clients.ts';
import { openSearchClient } from '../infra/opensearch/client.ts';
import { resolveEnvironment } from '../infra/stack/environment.ts';
import { down, up } from '../infra/stack/lifecycle.ts';
import { verifyChallenge } from '../verify/run.ts';

const probes = Number(process.env.BENCH_CDC_SEARCH_PROBES ?? 30);
const home = mkdtempSync(join(tmpdir(), 'bench-cdc-search-'));
process.env.HACK_HOME = home;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

try {
  const loadBefore = load();
  await up({ only: ['kafka', 'postgres', 'apache-connect', 'opensearch', 'connect'], ephemeralPorts: true });
  const environment = resolveEnvironment();
  const context: StepContext = {
    environment,
    local: true,
    fresh: true,
    scenario: resolveScenario({ seed: 42 }),
    participantDir: join(challenge08cdc.dir, 'solution', 'cdc'),
    say: () => {},
    onCleanup: () => {},
  };
  const stepsStarted = Date.now();
  for (const step of challenge08cdc.steps) await step.run(context);
  const report = await verifyChallenge(challenge08cdc, environment, { timeoutMs: 300_000 });
  const passedAfter = Date.now() - stepsStarted;
  if (!report.passed) throw new Error(`Challenge 08-cdc did not pass: ${report.cause?.hint ?? ''}`);

  const entry = databaseEntry('postgres');
  const [keys] = await withSession('postgres', entry, (session) =>
    session.run(`SELECT key FROM ${SCHEMA}.service ORDER BY key LIMIT 1`),
  );
  const key = String(keys!.rows[0]![0]);
  const client = openSearchClient(environment.opensearch!.url);
  /** Milliseconds from `since` until a term query finds the name. */
  const searchable = async (name: string, since: number): Promise<number> => {
    for (const deadline = since + 120_000; Date.now() < deadline;) {
      const found = await client.search({
        index: INDEX,
        body: { query: { term: { 'name.keyword': name } } },
      });
      if ((found.body.hits.total as { value: number }).value > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return Date.now() - since;
  };
  const latencies: number[] = [];
  // The peer, interleaved: a document written straight into the index (no refresh), the same poll — what
  // OpenSearch's 1 s refresh alone costs; the difference is Debezium, Kafka and the sink.
  const direct: number[] = [];
  for (let n = 0; n < probes; n++) {
    const name = `probe-${n}-${Date.now()}`;
    await withSession('postgres', entry, (session) =>
      session.run(`UPDATE ${SCHEMA}.service SET name = '${name}' WHERE key = '${key}'`),
    );
    latencies.push(await searchable(name, Date.now()));
    const directName = `direct-${name}`;
    const written = Date.now();
    await client.index({ index: INDEX, id: `bench-direct-${n}`, body: { name: directName } });
    direct.push(await searchable(directName, written));
  }
  latencies.sort((a, b) => a - b);
  direct.sort((a, b) => a - b);
  process.stdout.write(
    [
      `date ${new Date().toISOString()}, load average before ${loadBefore}, after ${load()}`,
      `hack challenge 08-cdc --solution steps + verification: all ${report.checks.length} checks passed ${(passedAfter / 1000).toFixed(1)} s after the first step`,
      `PostgreSQL change committed → searchable in OpenSearch over ${probes} renames: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${latencies.at(-1)} ms`,
      `peer, same run: written straight into OpenSearch → searchable: p50 ${percentile(direct, 50)} ms, p95 ${percentile(direct, 95)} ms, max ${direct.at(-1)} ms`,
      '',
    ].join('\n'),
  );
} finally {
  await down().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
