/**
 * Challenge 06's latency bench (part of `npm run bench:challenge`): the reference pipeline run with --keep in a
 * fresh home, its processors started again, then customers deleted one at a time in MySQL — each timed from the
 * DELETE's commit to its totals document being gone from Cosmos DB for MongoDB (binlog → Debezium → customers →
 * Kafka Streams → orders-totals-by-customer → MongoDB sink). Reports p50/p95/max over the samples.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { challenge06, mongoClient, PROCESSOR_SERVICE } from '../challenges/06-cdc-pipeline/challenge.ts';
import { MONGO } from '../challenges/06-cdc-pipeline/shop.ts';
import { startProcessor } from '../challenges/04-stream-processing/processor.ts';
import { withSession } from '../infra/databases/clients.ts';
import { projectRoot } from '../infra/paths.ts';
import { resolveEnvironment } from '../infra/stack/environment.ts';

const SAMPLES = Number(process.env.BENCH_06_SAMPLES ?? 20);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function commitToMongoLatency(): Promise<Array<{ what: string; value: string }>> {
  const home = mkdtempSync(join(tmpdir(), 'bench-challenge-06-'));
  const hack = (args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
      env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  const previousHome = process.env.HACK_HOME;
  try {
    const run = hack(['challenge', '06', '--solution', '--keep']);
    if (run.status !== 0) return [{ what: 'challenge 06 commit → MongoDB latency', value: 'run FAILED' }];
    process.env.HACK_HOME = home;
    const environment = resolveEnvironment();
    const processor = await startProcessor(
      join(challenge06.dir, 'solution', 'processor'),
      environment.kafka,
      {
        service: PROCESSOR_SERVICE,
      },
    );
    const mongo = mongoClient(environment.cosmosMongo!);
    try {
      for (let i = 0; i < 600; i++) {
        if ((readFileSync(processor.logFile, 'utf8').match(/REBALANCING to RUNNING/g) ?? []).length >= 2)
          break;
        await sleep(200);
      }
      const documents = mongo.db(MONGO.database).collection<{ _id: string }>(MONGO.collection);
      const ids = (await documents.find().toArray()).map((doc) => doc._id).slice(0, SAMPLES);
      const latencies: number[] = [];
      for (const id of ids) {
        const started = performance.now();
        await withSession('mysql', environment.mysql!, (session) =>
          session.run(`DELETE FROM shop.customers WHERE id = ${Number(id)}`),
        );
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline && (await documents.findOne({ _id: id }))) await sleep(20);
        latencies.push(performance.now() - started);
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const ms = (value: number): string => `${Math.round(value)} ms`;
      return [
        {
          what: `challenge 06: MySQL DELETE committed → its MongoDB document gone (${sorted.length} samples)`,
          value: `p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1)!)}`,
        },
      ];
    } finally {
      await mongo.close();
      await processor.stop();
    }
  } finally {
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    hack(['down']);
    rmSync(home, { recursive: true, force: true });
  }
}
