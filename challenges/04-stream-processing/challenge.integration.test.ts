import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaConnectionOf } from '../../infra/kafka/connection.ts';
import { projectRoot } from '../../infra/paths.ts';
import { readStack } from '../../infra/stack/stack-file.ts';
import type { VerifyReport } from '../../verify/report.ts';
import { verifyChallenge } from '../../verify/run.ts';
import { challenge04 } from './challenge.ts';
import { startProcessor } from './processor.ts';

/**
 * `hack challenge 04 --solution` as a participant runs it — the Kafka Streams reference built and started by the
 * harness (one JVM), inputs produced before and while it runs — then the same application restarted on its
 * state: exactly-once and the RocksDB stores must not count anything twice.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-04-'));
const hack = (args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 400_000,
  });

afterAll(() => {
  hack(['down']);
  rmSync(home, { recursive: true, force: true });
});

describe('hack challenge 04 --solution (Kafka Streams)', () => {
  it('passes, and a restarted processor counts nothing twice', { timeout: 600_000 }, async () => {
    const out = join(home, 'report.json');
    const result = hack(['challenge', '04', '--solution', '--keep', '--report', 'json', '--out', out]);
    const output = result.stdout + result.stderr;
    expect(result.status, output).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as VerifyReport;
    expect(report.checks.map((check) => [check.id, check.passed])).toEqual([
      ['service:kafka', true],
      ['processor', true],
      ['inventory-on-hand', true],
      ['top-5-products', true],
    ]);
    expect(output).toContain('Start the Kafka Streams processor');

    process.env.HACK_HOME = home;
    const kafka = kafkaConnectionOf(readStack()!.services.kafka!);
    const processor = await startProcessor(join(challenge04.dir, 'solution', 'kafka-streams'), kafka);
    try {
      // Restored from its RocksDB stores and changelogs, resumed from its committed offsets: a double count would show.
      for (let i = 0; i < 240 && !readFileSync(processor.logFile, 'utf8').includes('-> RUNNING'); i++)
        await new Promise((resolve) => setTimeout(resolve, 500));
      expect(readFileSync(processor.logFile, 'utf8')).toContain('REBALANCING -> RUNNING');
      const again = await verifyChallenge(
        challenge04,
        { source: 'the local stack', kafka },
        { timeoutMs: 60_000 },
      );
      expect(again.cause?.hint).toBeUndefined();
      expect(again.passed).toBe(true);
    } finally {
      await processor.stop();
    }
  });
});
