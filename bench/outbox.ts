/**
 * `npm run bench:outbox` — challenge 07's pipeline end to end on the running local stack (`npx hack up kafka
 * cosmos-mongo apache-connect`): the order service commits BENCH_OUTBOX_ORDERS orders' business changes (order +
 * outbox in one transaction each) while the reference MongoDB source connectors stream them to their topics.
 * Prints outbox events/s end to end (first commit to last record on a topic) and the commit-to-topic latency
 * (record timestamp − the commit's acknowledgement) p50/p95/max. Not a test: figures for BENCHMARKS.md.
 */
import { loadavg } from 'node:os';
import { renderTable } from '../infra/console/table.ts';
import { resolveEnvironment } from '../infra/stack/environment.ts';
import { TopicReader } from '../verify/readers/kafka.ts';
import { challenge07, mongoClient } from '../challenges/07-outbox/challenge.ts';
import type { StepContext } from '../challenges/challenge.ts';
import { OUTBOX_TOPICS, runOrderService } from '../challenges/07-outbox/order-service.ts';
import { join } from 'node:path';
import { resolveScenario } from '../generators/scenario.ts';

const orders = Number(process.env.BENCH_OUTBOX_ORDERS ?? 400);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const environment = resolveEnvironment();
  const context: StepContext = {
    environment,
    local: true,
    fresh: false,
    scenario: resolveScenario({ seed: 1 }),
    participantDir: join(challenge07.dir, 'solution'),
    say: () => {},
    onCleanup: () => {},
  };
  // The challenge's own first two steps: reset what an earlier run left, apply the reference connectors.
  for (const step of challenge07.steps.slice(0, 2)) await step.run(context);
  const client = await mongoClient(environment.cosmosMongo!).connect();
  const committedAt = new Map<string, number>();
  const load = loadavg()[0]!;
  const run = await runOrderService(client, {
    seed: 1,
    orders,
    onCommit: (ids, at) => ids.forEach((id) => committedAt.set(id, at)),
  });
  await client.close();
  const reader = new TopicReader(environment.kafka, OUTBOX_TOPICS, { keepRecords: true });
  const firstSeen = new Map<string, number>();
  const deadline = Date.now() + 300_000;
  while (firstSeen.size < committedAt.size && Date.now() < deadline) {
    for (const snapshot of (await reader.snapshot(30_000)).values())
      for (const record of snapshot.all ?? []) {
        const id = record.headers.eventId;
        if (id && !firstSeen.has(id)) firstSeen.set(id, record.timestamp);
      }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await reader.close();
  const latencies = [...firstSeen].map(([id, at]) => at - committedAt.get(id)!).sort((a, b) => a - b);
  const first = Math.min(...committedAt.values());
  const last = Math.max(...firstSeen.values());
  process.stdout.write(
    renderTable(
      [
        { header: 'measure', value: (row: string[]) => row[0]! },
        { header: 'result', value: (row: string[]) => row[1]! },
      ],
      [
        ['orders / transactions committed / aborted', `${orders} / ${run.committed} / ${run.aborted}`],
        ['outbox events committed / on topics', `${committedAt.size} / ${firstSeen.size}`],
        [
          'events/s end to end (first commit → last record)',
          `${((firstSeen.size / (last - first)) * 1000).toFixed(0)}`,
        ],
        ['commit → topic latency p50', `${percentile(latencies, 50)} ms`],
        ['commit → topic latency p95', `${percentile(latencies, 95)} ms`],
        ['commit → topic latency max', `${latencies.at(-1)} ms`],
        ['load average (1 min) at start', load.toFixed(1)],
      ],
    ) + '\n',
  );
}

await main();
