import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../infra/doctor/index.ts';
import { stackSource, type Environment } from '../../infra/stack/environment.ts';
import { evaluateGraph, rootCause } from '../../verify/graph.ts';
import { serviceProblem } from '../../verify/pipeline-state.ts';
import { challenge00 } from './challenge.ts';
import { prerequisiteServices, type PrerequisitesState } from './checks.ts';
import { lintAnswers, parseAnswers, questions } from './sizing.ts';
import { serviceFix } from './state.ts';

const solution = readFileSync(join(import.meta.dirname, 'solution', 'sizing.yaml'), 'utf8');
const local: Environment = { source: stackSource, kafka: { bootstrapServers: '127.0.0.1:9092' } };
const team: Environment = { source: 'team1.env', kafka: { bootstrapServers: 'pkc-1.example:9092' } };

/** A healthy state with the reference answers, each line replaced as `answers` says. */
function state(
  answers: Record<string, string> = {},
  change: Partial<PrerequisitesState> = {},
): PrerequisitesState {
  let text = solution;
  for (const [key, value] of Object.entries(answers))
    text = text.replace(new RegExp(`^${key}:.*$`, 'm'), `${key}: ${value}`);
  return {
    workstation: [{ name: 'Java ≥ 17', level: 'ok', detail: '17.0.12' }],
    services: Object.fromEntries(
      prerequisiteServices.map((service) => [service, { details: ['answers'] }]),
    ) as PrerequisitesState['services'],
    answers: parseAnswers(text, 'answers/sizing.yaml'),
    ...change,
  };
}

const verdict = (value: PrerequisitesState) => {
  const checks = evaluateGraph(challenge00.checks, value);
  return { checks, cause: rootCause(checks), byId: (id: string) => checks.find((check) => check.id === id)! };
};

describe('challenge 00 sizing', () => {
  it('passes the reference answers, each with its explanation', () => {
    const { checks } = verdict(state());
    expect(checks.filter((check) => !check.passed).map((check) => check.id)).toEqual([]);
    const throughput = checks.find((check) => check.id === 'sizing:throughput')!;
    expect(throughput.details?.join('\n')).toContain('÷ 1,000 kB/MB = 4.861 MB/s');
  });

  it('accepts rounding within the stated tolerance, and a value written with its unit', () => {
    const { checks } = verdict(
      state({
        throughput_mb_per_s: '4.9 MB/s',
        replicated_storage_tb: '113',
        transactions_per_second: '9.7',
      }),
    );
    expect(checks.every((check) => check.passed)).toBe(true);
  });

  it('names MiB/s given for MB/s', () => {
    const { cause } = verdict(state({ throughput_mb_per_s: '4.64' }));
    expect(cause?.id).toBe('sizing:throughput');
    expect(cause?.hint).toContain('the figure is 4.861 MB/s');
    expect(cause?.hint).toContain('MiB/s (powers of 1,024)');
  });

  it('names MB per hour given for MB per second', () => {
    const { cause } = verdict(state({ throughput_mb_per_s: '17500' }));
    expect(cause?.hint).toContain('this is MB per hour, not per second: divide by 3,600 s/h');
  });

  it('names transactions per hour, and blocks the throughput built on it', () => {
    const { cause, byId } = verdict(
      state({ transactions_per_second: '35000', throughput_mb_per_s: '17500' }),
    );
    expect(cause?.id).toBe('sizing:transactions-per-second');
    expect(cause?.hint).toContain('per hour, not per second');
    expect(byId('sizing:throughput').blockedBy).toBe('sizing:transactions-per-second');
  });

  it('names replication forgotten', () => {
    const { cause } = verdict(state({ replicated_storage_tb: '37.8' }));
    expect(cause?.id).toBe('sizing:replicated-storage');
    expect(cause?.hint).toContain('replication is forgotten');
    expect(cause?.hint).toContain('the figure is 113.4 TB');
  });

  it('names TiB for TB, and 90 hours for 90 days', () => {
    expect(verdict(state({ retention_tb: '34.38' })).cause?.hint).toContain('TiB');
    expect(verdict(state({ retention_tb: '1.575' })).cause?.hint).toContain('90 hours, not days');
  });

  it('names a partition count rounded down, one sized for writes only, and one far too high', () => {
    expect(verdict(state({ partitions: '3' })).cause?.hint).toContain('3.241 was rounded down');
    expect(verdict(state({ partitions: '1' })).cause?.hint).toContain('sizes for the writes only');
    expect(verdict(state({ partitions: '16' })).cause?.hint).toContain(
      'too many: at least 4, at most twice that (8)',
    );
    expect(verdict(state({ partitions: '6' })).checks.every((check) => check.passed)).toBe(true);
  });

  it('names idle consumers answered as none', () => {
    expect(verdict(state({ idle_consumers_of_7: '0' })).cause?.hint).toContain('never shared');
  });

  it('refuses a decimal comma rather than guessing', () => {
    const { cause } = verdict(state({ throughput_mb_per_s: '4,86' }));
    expect(cause?.hint).toContain('write the decimal point as a dot');
  });

  it('lints the untouched template: every question blank, the first one first', () => {
    const findings = lintAnswers(join(import.meta.dirname, 'answers'));
    expect(findings.map((finding) => finding.key)).toEqual(questions.map((question) => question.key));
    expect(findings[0]?.message).toBe('Transactions per second is blank');
    expect(findings[0]?.fix).toContain('--force');
    expect(lintAnswers(join(import.meta.dirname, 'solution'))).toEqual([]);
  });

  it('lints a value with another unit, and a missing file', () => {
    const dir = join(import.meta.dirname, 'nowhere');
    expect(lintAnswers(dir)[0]?.message).toContain('does not exist');
    const answers = parseAnswers(
      solution.replace('throughput_mb_per_s: 4.86', 'throughput_mb_per_s: 4.64 MiB/s'),
    );
    expect(answers.problems.get('throughput_mb_per_s')).toContain('the question asks for MB/s');
  });
});

describe('challenge 00 environment', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8084'), { code: 'ECONNREFUSED' });

  it('names an unreachable Search service with the local fix, as the cause before any sizing slip', () => {
    const problem = `${serviceProblem('Azure AI Search', 'http://127.0.0.1:8084', refused, local, 'SEARCH_ADMIN_KEY')} ${serviceFix('search', local)}`;
    const { cause, byId } = verdict(
      state({ partitions: '3' }, { services: { ...state().services, search: { problem, details: [] } } }),
    );
    expect(cause?.id).toBe('service:search');
    expect(cause?.hint).toContain('Azure AI Search at http://127.0.0.1:8084 does not answer');
    expect(cause?.hint).toContain('`npx hack up search`');
    expect(byId('service:kafka').passed).toBe(true);
  });

  it('makes each unreachable service the cause, with its own fix, and never blocks the sizing', () => {
    for (const service of prerequisiteServices) {
      const problem = `${service} does not answer. ${serviceFix(service, team)}`;
      const { cause, byId } = verdict(
        state({}, { services: { ...state().services, [service]: { problem, details: [] } } }),
      );
      expect(cause?.id).toBe(`service:${service}`);
      expect(cause?.final).toBe(true);
      expect(byId('sizing:throughput').passed).toBe(true);
    }
    expect(serviceFix('kafka', team)).toContain('Check KAFKA_BOOTSTRAP_SERVERS in team1.env');
    expect(serviceFix('cosmos', local)).toContain('`npx hack up cosmos`');
  });

  it('names the env file variable to check for a team environment, and a rejected key', () => {
    expect(serviceFix('connect', team)).toContain('Check CONNECT_URL in team1.env');
    expect(serviceFix('schema-registry', team)).toContain('SCHEMA_REGISTRY_URL');
    const rejected = Object.assign(new Error('Unauthorized'), { statusCode: 401 });
    expect(
      serviceProblem('Cosmos DB', 'https://team1.documents.azure.com', rejected, team, 'COSMOS_KEY'),
    ).toBe(
      'Cosmos DB at https://team1.documents.azure.com rejected the credential: check COSMOS_KEY in team1.env.',
    );
  });

  it('fails the workstation on a failing doctor check with its fix, and skips it for an env file', () => {
    const java: Check = {
      name: 'Java ≥ 17',
      level: 'fail',
      detail: 'java not found',
      fix: 'Install a JDK 17.',
    };
    const { cause } = verdict(state({}, { workstation: [java] }));
    expect(cause?.id).toBe('workstation');
    expect(cause?.hint).toBe('Java ≥ 17: java not found → Install a JDK 17.');
    const { workstation: _, ...withoutDoctor } = state();
    expect(verdict(withoutDoctor).checks.every((check) => check.passed)).toBe(true);
  });
});
