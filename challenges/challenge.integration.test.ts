import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../infra/paths.ts';
import type { VerifyReport } from '../verify/report.ts';

/**
 * The README's main command as a participant runs it — `hack challenge 03 --solution` in its own processes, a
 * fresh stack of its own (HACK_HOME), torn down at the end — with the JSON report CI graders read.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-cli-'));

afterAll(() => {
  spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), 'down'], {
    env: { ...process.env, HACK_HOME: home },
  });
  rmSync(home, { recursive: true, force: true });
});

describe('hack challenge 03 --solution', () => {
  it('runs the whole challenge on a fresh stack, passes every check, writes the report and tears down', () => {
    const out = join(home, 'report.json');
    const result = spawnSync(
      process.execPath,
      [
        join(projectRoot, 'bin', 'hack.mjs'),
        'challenge',
        '03',
        '--solution',
        '--report',
        'json',
        '--out',
        out,
      ],
      { env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' }, encoding: 'utf8', timeout: 240_000 },
    );
    const output = result.stdout + result.stderr;
    expect(result.status, output).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as VerifyReport;
    expect(report.passed).toBe(true);
    expect(report.checks.map((check) => [check.id, check.passed])).toEqual([
      ['service:kafka', true],
      ['service:cosmos', true],
      ['service:search', true],
      ['service:connect', true],
      ['connector:cosmos-source', true],
      ['connector:cosmos-sink', true],
      ['connector:search-sink', true],
      ['cosmos-to-kafka', true],
      ['kafka-to-cosmos', true],
      ['cosmos-to-search', true],
      ['connectors-healthy', true],
    ]);
    expect(report.checks.find((check) => check.id === 'kafka-to-cosmos')!.expected).toBeGreaterThan(300);
    expect(output).toContain('All 11 checks passed.');
    expect(output).toContain('Challenge 03: all 11 checks passed.');
    expect(existsSync(join(home, 'stack.json'))).toBe(false); // torn down without --keep
    expect(output).not.toContain('C2y6yDjf5'); // the Cosmos key never reaches the output
  });
});
