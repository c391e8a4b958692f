import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../infra/stack/environment.ts';
import { projectRoot } from '../../infra/paths.ts';
import { readStack } from '../../infra/stack/stack-file.ts';
import type { VerifyReport } from '../../verify/report.ts';
import { verifyChallenge } from '../../verify/run.ts';
import { challenge08, eventsFile } from './challenge.ts';
import { challenge08search } from './search-target.ts';

/**
 * `hack challenge 08 --solution` as a participant runs it — Kafka, real OpenSearch and our worker started by the
 * harness, the replay file written and appended live — then the worker killed with SIGKILL and restarted while
 * the whole file is replayed once more: external versions must keep exactly one, newest document per entity.
 * The same for `hack challenge 08-search` into our Azure AI Search emulator, where the sink's version-aware writes
 * (the version stored in the index; the restarted task remembers nothing) must do what external versions do.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-08-'));
const hack = (args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 400_000,
  });

/** The worker's last words, for a failed start. */
const workerLog = (): string => {
  try {
    return readFileSync(join(home, 'logs', 'connect.log'), 'utf8').slice(-3000);
  } catch {
    return '';
  }
};

afterAll(() => {
  hack(['down']);
  rmSync(home, { recursive: true, force: true });
});

describe.each([
  { challenge: challenge08, index: 'opensearch' },
  { challenge: challenge08search, index: 'search' },
])('hack challenge $challenge.id --solution', ({ challenge, index }) => {
  it(
    'passes, and survives a killed worker and a full replay without duplicates',
    { timeout: 600_000 },
    async () => {
      // Free ports: other stacks on this machine may hold (or take) the well-known ones. The run then finds its
      // services up and starts nothing.
      const stack = hack(['up', 'kafka', index, 'connect', '--detach', '--ephemeral-ports']);
      expect(stack.status, `${stack.stdout}${stack.stderr}\n${workerLog()}`).toBe(0);
      const out = join(home, 'report.json');
      const result = hack([
        'challenge',
        challenge.id,
        '--solution',
        '--keep',
        '--report',
        'json',
        '--out',
        out,
      ]);
      const output = result.stdout + result.stderr;
      expect(result.status, `${output}\n${workerLog()}`).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as VerifyReport;
      expect(report.checks.filter((check) => !check.passed)).toEqual([]);
      expect(report.checks.map((check) => check.id)).toContain('fuzzy-search');

      const previousHome = process.env.HACK_HOME;
      process.env.HACK_HOME = home;
      try {
        const worker = readStack()!.services.connect!;
        process.kill(worker.pid!, 'SIGKILL');
        // Every event again, older or equal to what the index holds: each one must lose.
        const lines = readFileSync(eventsFile(), 'utf8');
        const restarted = hack(['up', 'connect', '--detach', '--ephemeral-ports']);
        expect(restarted.status, restarted.stdout + restarted.stderr).toBe(0);
        appendFileSync(eventsFile(), lines);
        const again = await verifyChallenge(challenge, resolveEnvironment(), { timeoutMs: 120_000 });
        expect(again.cause?.hint).toBeUndefined();
        expect(again.passed).toBe(true);
        // At least the file twice on the topic: the killed source resumes from its last committed offset, so it
        // may send part of the file again (at-least-once) — and the index still holds one document per entity.
        const topic = again.checks.find((check) => check.id === 'cdc-events')!;
        expect(topic.found).toBeGreaterThanOrEqual(2 * lines.split('\n').filter(Boolean).length);
        const once = again.checks.find((check) => check.id === 'latest-once')!;
        expect(once.extra).toEqual([]);
      } finally {
        if (previousHome === undefined) delete process.env.HACK_HOME;
        else process.env.HACK_HOME = previousHome;
      }
    },
  );
});
