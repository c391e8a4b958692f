import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';
import type { VerifyReport } from '../../verify/report.ts';

/**
 * Way (a) as a participant runs it: Kafka, PostgreSQL, Apache Kafka Connect with Debezium, real OpenSearch and our
 * worker started once; first the template (`cdc/`: Debezium writes its per-table topics, nothing reaches
 * cdc-events, and the verdict says so), then the reference on the same stack — which also proves a re-run starts
 * clean (connectors and offsets removed, Debezium's slot dropped, tables truncated, topic and index recreated).
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-08-cdc-'));
const hack = (args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 400_000,
  });

const log = (service: string): string => {
  try {
    return readFileSync(join(home, 'logs', `${service}.log`), 'utf8').slice(-3000);
  } catch {
    return '';
  }
};

const run = (extra: string[]): { report: VerifyReport; output: string; status: number | null } => {
  const out = join(home, `report-${extra.length}.json`);
  const result = hack(['challenge', '08-cdc', ...extra, '--keep', '--report', 'json', '--out', out]);
  const output = `${result.stdout}${result.stderr}\n${log('apache-connect')}`;
  return { report: JSON.parse(readFileSync(out, 'utf8')) as VerifyReport, output, status: result.status };
};

afterAll(() => {
  hack(['down']);
  rmSync(home, { recursive: true, force: true });
});

describe('hack challenge 08-cdc (way a: PostgreSQL → Debezium → OpenSearch)', () => {
  it(
    'the template fails naming the route to cdc-events; the reference then passes on the same stack',
    { timeout: 600_000 },
    () => {
      const services = ['kafka', 'postgres', 'apache-connect', 'opensearch', 'connect'];
      const stack = hack(['up', ...services, '--detach', '--ephemeral-ports']);
      expect(stack.status, `${stack.stdout}${stack.stderr}\n${log('apache-connect')}`).toBe(0);

      const template = run(['--timeout', '60']);
      expect(template.status, template.output).not.toBe(0);
      expect(template.report.cause?.id, template.output).toBe('cdc-events');
      expect(template.report.cause?.hint).toMatch(/konnect\.konnect\.<table>.*RegexRouter/);

      const reference = run(['--solution']);
      expect(reference.status, reference.output).toBe(0);
      expect(reference.report.checks.filter((check) => !check.passed)).toEqual([]);
      // The topic was compared with the rows in PostgreSQL, not only with itself.
      const topic = reference.report.checks.find((check) => check.id === 'cdc-events')!;
      expect(topic.details?.join('\n')).toMatch(/for \d+ entities in PostgreSQL/);
      const deletes = reference.report.checks.find((check) => check.id === 'deletes')!;
      expect(deletes.expected).toBeGreaterThan(0);
    },
  );
});
