import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/process/index.ts';
import { projectRoot } from '../../infra/paths.ts';
import type { StackFile } from '../../infra/stack/stack-file.ts';
import type { VerifyReport } from '../../verify/report.ts';

/**
 * Challenge 00 as a participant and a coach meet it: the untouched answers, `hack challenge 00 --solution` on a
 * stack of its own (HACK_HOME, free ports), then a team's env file naming a Search endpoint nothing listens on.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-00-'));
let stack: StackFile;

const hack = (args: string[], timeout = 300_000, env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, output: result.stdout + result.stderr };
};

beforeAll(() => {
  const up = hack([
    'up',
    'kafka',
    'cosmos',
    'search',
    'connect',
    'schema-registry',
    '--detach',
    '--ephemeral-ports',
  ]);
  expect(up.status, up.output).toBe(0);
  stack = JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8')) as StackFile;
}, 300_000);

afterAll(() => {
  hack(['down'], 60_000);
  rmSync(home, { recursive: true, force: true });
});

describe('challenge 00', () => {
  it('stops on the untouched answers with the first blank, before starting anything', () => {
    const run = hack(['challenge', '00'], 60_000);
    expect(run.status).toBe(1);
    expect(run.output).toContain('transactions_per_second: Transactions per second is blank');
    expect(run.output).toContain('nothing was started or applied');
  });

  it('passes the reference on the local stack, every service and figure', () => {
    const out = join(home, 'report.json');
    const run = hack(['challenge', '00', '--solution', '--keep', '--report', 'json', '--out', out]);
    expect(run.status, run.output).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as VerifyReport;
    expect(report.checks.filter((check) => !check.passed)).toEqual([]);
    expect(report.checks.map((check) => check.id)).toContain('service:schema-registry');
    expect(report.checks.find((check) => check.id === 'service:kafka')?.details?.[0]).toMatch(/1 broker/);
  });

  it('names an unreachable Search service and the env variable to check (hack verify --env)', async () => {
    const { kafka, cosmos, search, connect, 'schema-registry': registry } = stack.services;
    const dead = `http://127.0.0.1:${await freePort()}`;
    const envFile = join(home, 'team.env');
    writeFileSync(
      envFile,
      [
        `KAFKA_BOOTSTRAP_SERVERS=${kafka!.bootstrapServers}`,
        `COSMOS_ENDPOINT=${cosmos!.endpoint}`,
        `COSMOS_KEY=${cosmos!.key}`,
        'COSMOS_TLS_INSECURE=true',
        `SEARCH_ENDPOINT=${dead}`,
        `SEARCH_ADMIN_KEY=${search!.adminKey}`,
        `CONNECT_URL=${connect!.url}`,
        `SCHEMA_REGISTRY_URL=${registry!.url}`,
        '',
      ].join('\n'),
    );
    const run = hack(['verify', '--challenge', '00', '--env', envFile, '--timeout', '60'], 120_000, {
      SIZING_ANSWERS: join(import.meta.dirname, 'solution', 'sizing.yaml'),
    });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain(`Azure AI Search at ${dead} does not answer`);
    expect(run.output).toContain(`Check SEARCH_ENDPOINT and SEARCH_ADMIN_KEY in ${envFile}`);
    expect(run.output).toMatch(/✔\s+service:connect/);
    expect(run.output).toMatch(/✔\s+sizing:replicated-storage/);
  });
});
