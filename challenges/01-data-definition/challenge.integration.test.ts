import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { waitFor } from '../../infra/testing/helpers.ts';
import { projectRoot } from '../../infra/paths.ts';
import { environmentFromFile, type Environment } from '../../infra/stack/environment.ts';
import type { StackFile } from '../../infra/stack/stack-file.ts';
import type { VerifyReport } from '../../verify/report.ts';
import { verifyChallenge } from '../../verify/run.ts';
import { challenge01 } from './challenge.ts';
import { registryClient } from './state.ts';

/**
 * Challenge 01 as a participant and a coach meet it: `hack challenge 01 --solution` on a fresh stack of its own
 * (HACK_HOME), the untouched templates, then the stack broken the ways a team breaks it — checked through an env
 * file naming its Kafka and Schema Registry, as `hack verify --challenge 01 --env FILE` does for a coach.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-01-'));
const envFile = join(home, 'team.env');
let environment: Environment;

const hack = (args: string[], timeout = 300_000) => {
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, output: result.stdout + result.stderr };
};

beforeAll(() => {
  // Free ports, not the well-known 9092/8085: on a shared machine a stray client of another stack may still poll
  // 127.0.0.1:9092 and auto-create our topics with one partition. The run then reuses this stack.
  const up = hack(['up', 'kafka', 'schema-registry', '--detach', '--ephemeral-ports']);
  expect(up.status, up.output).toBe(0);
  const out = join(home, 'report.json');
  const run = hack(['challenge', '01', '--solution', '--keep', '--report', 'json', '--out', out]);
  expect(run.status, run.output).toBe(0);
  const report = JSON.parse(readFileSync(out, 'utf8')) as VerifyReport;
  expect(report.checks.map((check) => [check.id, check.passed])).toEqual([
    ['service:kafka', true],
    ['service:schema-registry', true],
    ['topics', true],
    ['console-round-trip', true],
    ['schemas', true],
    ['schemas-match-records', true],
    ['compatibility', true],
  ]);
  const stack = JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8')) as StackFile;
  writeFileSync(
    envFile,
    `KAFKA_BOOTSTRAP_SERVERS=${stack.services.kafka!.bootstrapServers}\nSCHEMA_REGISTRY_URL=${stack.services['schema-registry']!.url}\n`,
  );
  environment = environmentFromFile(envFile, challenge01.requires);
}, 600_000); // a stack start and a whole run: minutes on a loaded two-core machine

afterAll(() => {
  hack(['down'], 60_000);
  rmSync(home, { recursive: true, force: true });
});

/** Deletes and creates the topic until Kafka shows it with exactly `partitions` (deletion is asynchronous). */
async function recreateTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafkaClient(environment.kafka).admin();
  await admin.connect();
  try {
    let deleted = false;
    await waitFor(
      async () => {
        const exists = (await admin.listTopics()).includes(topic);
        if (exists && !deleted) {
          await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
          deleted = true;
          return false;
        }
        if (exists) return false;
        await admin
          .createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })
          .catch(() => undefined);
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        if (topics[0]?.partitions.length === partitions) return true;
        deleted = false; // created with another count meanwhile (or not yet): delete and try again
        return false;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: `${topic} with ${partitions} partitions` },
    );
  } finally {
    await admin.disconnect();
  }
}

describe('challenge 01', () => {
  it('stops on the untouched templates with the first thing to do, before starting anything', () => {
    const run = hack(['challenge', '01'], 60_000);
    expect(run.status).toBe(1);
    expect(run.output).toContain('topics.json declares none of the nine topics');
    expect(run.output).toContain('nothing was started or applied');
  });

  it(
    'names a topic with 3 partitions (hack verify --challenge 01 --env FILE)',
    { timeout: 300_000 },
    async () => {
      await recreateTopic('purchases', 3);
      try {
        const run = hack(['verify', '--challenge', '01', '--env', envFile, '--timeout', '90']);
        expect(run.status, run.output).toBe(1);
        expect(run.output).toContain('purchases has 3 partitions, the hack asks for 4');
      } finally {
        await recreateTopic('purchases', 4);
      }
    },
  );

  it('names a schema that rejects the generated records, with the reason', { timeout: 300_000 }, async () => {
    const registry = await registryClient(environment.schemaRegistry!);
    const subject = 'product-ratings-value';
    await registry.deleteSubject(subject);
    await registry.deleteSubject(subject, true);
    const threeStars = {
      type: 'object',
      properties: {
        id: { type: 'string' },
        productId: { type: 'string' },
        userId: { type: 'string' },
        rating: { type: 'integer', minimum: 1, maximum: 3 },
        ratedAt: { type: 'string' },
      },
    };
    await registry.register(subject, { schemaType: 'JSON', schema: JSON.stringify(threeStars) });
    await registry.updateCompatibility(subject, 'BACKWARD' as never);
    const report = await verifyChallenge(challenge01, environment, { timeoutMs: 90_000 });
    expect(report.passed).toBe(false);
    expect(report.cause?.id).toBe('schemas-match-records');
    expect(report.cause?.hint).toContain('product-ratings-value rejects what the generators emit');
    expect(report.cause?.hint).toContain('/rating must be <= 3');
    expect(report.checks.find((check) => check.id === 'topics')?.passed).toBe(true);
  });
});
