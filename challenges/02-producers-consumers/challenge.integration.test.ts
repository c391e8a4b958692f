import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { kafkaClient, kafkaConnectionOf } from '../../infra/kafka/connection.ts';
import { projectRoot } from '../../infra/paths.ts';
import { waitFor } from '../../infra/testing/helpers.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import type { StackFile } from '../../infra/stack/stack-file.ts';
import type { VerifyReport } from '../../verify/report.ts';
import { verifyChallenge } from '../../verify/run.ts';
import { challenge02 } from './challenge.ts';
import { enrichedRatingsFile, type ConsumerOptions, type ProducerOptions } from './contract.ts';

/**
 * Challenge 02 end to end: `hack challenge 02 --solution` on a stack of its own (HACK_HOME, free ports, a rating
 * every 20 ms), then a participant's clients broken the usual ways, run for real against the same stack and
 * verified: a consumer that drops the country, a producer whose stars go to 6.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-02-'));
process.env.HACK_HOME = home; // enrichedRatingsFile() and the verification read this run's files
let environment: Environment;

const hack = (args: string[], timeout = 300_000) => {
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1', RATING_PERIOD_MS: '20' },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, output: result.stdout + result.stderr };
};

beforeAll(() => {
  const up = hack(['up', 'kafka', 'cosmos', '--detach', '--ephemeral-ports']);
  expect(up.status, up.output).toBe(0);
  const out = join(home, 'report.json');
  const run = hack(['challenge', '02', '--solution', '--keep', '--report', 'json', '--out', out]);
  expect(run.status, run.output).toBe(0);
  expect(run.output).toContain('7 consumer(s)');
  const report = JSON.parse(readFileSync(out, 'utf8')) as VerifyReport;
  expect(report.checks.map((check) => [check.id, check.passed])).toEqual([
    ['service:kafka', true],
    ['service:cosmos', true],
    ['ratings-produced', true],
    ['ratings-valid', true],
    ['consumer-output', true],
    ['group-scaling', true],
  ]);
  const stack = JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8')) as StackFile;
  environment = {
    source: 'the local stack',
    kafka: kafkaConnectionOf(stack.services.kafka!),
    cosmos: stack.services.cosmos,
  };
}, 600_000); // a stack start and a whole run, group rebalances included: minutes on a loaded two-core machine

afterAll(() => {
  hack(['down'], 60_000);
  rmSync(home, { recursive: true, force: true });
});

/** A participant's consumer with the classic slip: the user's country is not carried into the line. */
async function consumerWithoutCountry({ kafka, cosmos, groupId, output }: ConsumerOptions) {
  const retail = cosmos.database('retail');
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: 'product-ratings', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const rating = JSON.parse(message.value!.toString()) as {
        userId: string;
        productId: string;
        rating: number;
      };
      const { resource: user } = await retail.container('users').item(rating.userId, rating.userId).read();
      const { resources } = await retail
        .container('products')
        .items.query({
          query: 'SELECT * FROM c WHERE c.id = @id',
          parameters: [{ name: '@id', value: rating.productId }],
        })
        .fetchAll();
      const { fullName, email } = user ?? {};
      const line = {
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        rating: rating.rating,
        fullName,
        email,
        productName: resources[0]?.name,
        unitPrice: resources[0]?.unitPrice,
      };
      appendFileSync(output, `${JSON.stringify(line)}\n`);
    },
  });
  return { stop: () => consumer.disconnect() };
}

/** A participant's producer whose random stars run 1–6 (`Math.ceil(Math.random() * 6)`), pinned here to 6. */
async function producerOfSixStars({ kafka, cosmos, count }: ProducerOptions) {
  const retail = cosmos.database('retail');
  const { resources: users } = await retail
    .container('users')
    .items.query<{ id: string }>('SELECT c.id FROM c')
    .fetchAll();
  const { resources: products } = await retail
    .container('products')
    .items.query<{ id: string }>('SELECT TOP 10 c.id FROM c')
    .fetchAll();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < count; i++) {
    const rating = {
      id: randomUUID(),
      productId: products[i % products.length]!.id,
      userId: users[i]!.id,
      rating: 6,
      ratedAt: new Date().toISOString(),
    };
    await producer.send({
      topic: 'product-ratings',
      messages: [{ key: rating.id, value: JSON.stringify(rating) }],
    });
  }
  await producer.disconnect();
}

const lines = (): number => readFileSync(enrichedRatingsFile(), 'utf8').split('\n').filter(Boolean).length;

describe('challenge 02', () => {
  it('names a consumer that drops the country', { timeout: 180_000 }, async () => {
    rmSync(enrichedRatingsFile());
    appendFileSync(enrichedRatingsFile(), '');
    const kafka = kafkaClient(environment.kafka, 'challenge-02-test');
    const cosmos = cosmosClient(environment.cosmos!);
    const running = await consumerWithoutCountry({
      kafka,
      cosmos,
      groupId: `broken-${randomUUID()}`,
      output: enrichedRatingsFile(),
      instance: 1,
    });
    try {
      await waitFor(() => lines() >= 12, {
        timeoutMs: 120_000,
        description: '12 lines from the broken consumer',
      });
    } finally {
      await running.stop();
      cosmos.dispose();
    }
    const report = await verifyChallenge(challenge02, environment, { timeoutMs: 60_000 });
    expect(report.passed).toBe(false);
    expect(report.cause?.id).toBe('consumer-output');
    expect(report.cause?.hint).toContain('country is missing in 12 of 12 line(s)');
    expect(report.checks.find((check) => check.id === 'ratings-valid')?.passed).toBe(true);
  });

  it(
    'names ratings of 6 stars, before the consumer output they also break',
    { timeout: 120_000 },
    async () => {
      const cosmos = cosmosClient(environment.cosmos!);
      try {
        await producerOfSixStars({ kafka: kafkaClient(environment.kafka), cosmos, count: 3, periodMs: 0 });
      } finally {
        cosmos.dispose();
      }
      const report = await verifyChallenge(challenge02, environment, { timeoutMs: 60_000 });
      expect(report.cause?.id).toBe('ratings-valid');
      expect(report.cause?.hint).toContain(
        '3 of 15 rating(s) are not 1 to 5 stars (a whole number), e.g. product-ratings/',
      );
      expect(report.cause?.hint).toContain('rating 6');
      expect(report.checks.find((check) => check.id === 'consumer-output')?.blockedBy).toBe('ratings-valid');
    },
  );
});
