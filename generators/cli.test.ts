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
