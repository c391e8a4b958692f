import { describe, expect, it } from 'vitest';
import { UsageError } from '../infra/errors.ts';
import { planGeneration, type GenerateCommandOptions } from './cli.ts';
import { CATALOG_TOPICS, EVENT_TOPICS, TOPICS } from './model.ts';
import { parseScale, SCALES } from './scale.ts';

const defaults: GenerateCommandOptions = {
  challenge: '03',
  seed: '42',
  scale: 'small',
  liveUpdates: '0',
  database: 'retail',
  progress: false,
};

const plan = (options: Partial<GenerateCommandOptions>) => planGeneration({ ...defaults, ...options });

function usageError(options: Partial<GenerateCommandOptions>): UsageError {
  try {
    plan(options);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

describe('hack generate options', () => {
  it("follows challenge 03's flow by default: catalog to Cosmos, seven event topics to Kafka, all to JSONL", () => {
    expect(plan({ to: 'cosmos' }).topics).toEqual(CATALOG_TOPICS);
    expect(plan({ to: 'kafka' }).topics).toEqual(EVENT_TOPICS);
    expect(EVENT_TOPICS).toHaveLength(7);
    expect(plan({ to: 'jsonl', out: '/tmp/x' })).toMatchObject({ topics: TOPICS, outDir: '/tmp/x' });
    expect(plan({ to: 'kafka', topics: 'users,purchases' }).topics).toEqual(['users', 'purchases']);
  });

  it('reads scales by name or as explicit counts', () => {
    expect(plan({ to: 'jsonl', scale: 'medium' }).scenario.scale).toEqual(SCALES.medium);
    expect(parseScale('users=7,events=30')).toEqual({ ...SCALES.small, users: 7, events: 30 });
  });

  it('rejects invalid options with an error naming the option and the fix', () => {
    expect(usageError({ to: 'mongo' }).message).toContain('--to mongo');
    expect(usageError({ to: 'jsonl', scale: 'huge' }).fix).toContain('users=100');
    expect(usageError({ to: 'jsonl', scale: 'users=0' }).message).toContain('users');
    expect(usageError({ to: 'jsonl', seed: 'abc' }).message).toContain('--seed');
    expect(usageError({ to: 'jsonl', challenge: '99' }).message).toContain('--challenge 99');
    expect(usageError({ to: 'kafka', topics: 'users,orders' }).message).toContain('orders');
    expect(usageError({ to: 'cosmos', topics: 'purchases' }).fix).toContain('--to kafka');
    expect(usageError({ to: 'jsonl', start: 'yesterday' }).message).toContain('--start');
    expect(usageError({ to: 'jsonl', scale: 'events=9000000', spanDays: '1' }).fix).toContain('--span-days');
  });
});

describe('hack generate (the CLI process)', () => {
  it('writes one JSONL file per topic and the manifest; a bad option fails with the reason and the fix', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = mkdtempSync(join(tmpdir(), 'hack-generate-'));
    try {
      const hack = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/hack.mjs', 'generate', ...args], {
          encoding: 'utf8',
          timeout: 60_000,
        });
      const ok = hack(
        '--to',
        'jsonl',
        '--out',
        out,
        '--seed',
        '5',
        '--scale',
        'users=5,products=3,events=40',
      );
      expect(ok.status, ok.stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(
        [...TOPICS.map((topic) => `${topic}.jsonl`), 'manifest.json'].sort(),
      );
      const users = readFileSync(join(out, 'users.jsonl'), 'utf8').trim().split('\n');
      expect(users).toHaveLength(5);
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({
        seed: 5,
        challenge: '03',
      });

      const badScale = hack('--to', 'jsonl', '--out', out, '--scale', 'enormous');
      expect(badScale.status).toBe(1);
      expect(badScale.stderr).toContain('--scale enormous is not a scale');
      expect(badScale.stderr).toContain('users=100,products=30,events=5000');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
