import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectClient, connectorPath } from '../../connectors/runtime/connect-client.ts';
import { withSession } from '../../infra/databases/clients.ts';
import { down } from '../../infra/stack/lifecycle.ts';
import { resolveEnvironment } from '../../infra/stack/environment.ts';
import { readStack, writeStack, type KafkaEntry } from '../../infra/stack/stack-file.ts';
import { produce, testBootstrapServers, testKafka, waitFor } from '../../infra/testing/helpers.ts';
import { verifyChallenge } from '../../verify/run.ts';
import { runChallenge } from '../runner.ts';
import { startProcessor } from '../04-stream-processing/processor.ts';
import { challenge06, PROCESSOR_SERVICE } from './challenge.ts';

/**
 * `hack challenge 06 --solution` end to end on the run's broker — MariaDB, Cosmos DB for MongoDB and Apache Kafka
 * Connect started once for the file — then the reference processors restarted on their state with new orders
 * (exactly-once: nothing counted twice), and the customers source broken for real (its mask taken out): the
 * verdict names the clear-text card.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-06-'));
const env = { HACK_APACHE_CONNECT_HEAP: '-Xms64m -Xmx384m' };

beforeAll(() => {
  process.env.HACK_HOME = home;
  Object.assign(process.env, env);
  // The run's broker stands in for the stack's Kafka: recorded without a pid, it is left alone by up and down.
  writeStack({
    profile: 'local',
    startedAt: new Date().toISOString(),
    services: { kafka: { bootstrapServers: testBootstrapServers() } as KafkaEntry },
  });
});

afterAll(async () => {
  await down();
  rmSync(home, { recursive: true, force: true });
}, 120_000);

const environment = () => resolveEnvironment();

describe('hack challenge 06 --solution', () => {
  it(
    'passes end to end; restarted processors count new orders once and old ones not again',
    { timeout: 900_000 },
    async () => {
      const report = await runChallenge(challenge06, { solution: true, keep: true, timeout: 120 });
      expect(report.checks.filter((check) => !check.passed).map((check) => [check.id, check.hint])).toEqual(
        [],
      );
      expect(report.checks.map((check) => check.id)).toEqual(challenge06.checks.map((node) => node.id));

      const processor = await startProcessor(
        join(challenge06.dir, 'solution', 'processor'),
        environment().kafka,
        {
          service: PROCESSOR_SERVICE,
        },
      );
      try {
        await waitFor(
          () => (readFileSync(processor.logFile, 'utf8').match(/REBALANCING to RUNNING/g) ?? []).length >= 2,
          {
            timeoutMs: 120_000,
            description: 'both Kafka Streams applications RUNNING again',
          },
        );
        await produce(
          testKafka(),
          'orders',
          [1, 2, 3].map((n) => ({
            key: String(100_000 + n),
            value: JSON.stringify({
              id: 100_000 + n,
              total_amount: 10 * n,
              product_id: 2,
              product_quantity: n,
              customer_id: 1,
            }),
          })),
        );
        const again = await waitFor(
          async () => {
            const result = await verifyChallenge(challenge06, environment(), { timeoutMs: 30_000 });
            return result.passed ? result : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 1000, description: 'the new orders counted, nothing twice' },
        );
        expect(again.cause).toBeUndefined();
      } finally {
        await processor.stop();
      }
    },
  );

  it('names the clear-text card when the customers source loses its mask', { timeout: 360_000 }, async () => {
    const { apacheConnect, mysql } = environment();
    const connect = new ConnectClient(apacheConnect!.url);
    const config = await connect.get<Record<string, string>>(connectorPath('customers-source', '/config'));
    const unmasked = { ...config, transforms: config.transforms!.replace(',mask', '') };
    await connect.call('PUT', connectorPath('customers-source', '/config'), unmasked);
    try {
      await waitFor(
        async () => {
          const status = await connect.get<{ tasks: Array<{ state: string }> }>(
            connectorPath('customers-source', '/status'),
          );
          return status.tasks[0]?.state === 'RUNNING';
        },
        { timeoutMs: 60_000, description: 'customers-source running without its mask' },
      );
      // Updated until a record shows the card: the old task may still capture the first update, masked.
      let update = 0;
      let last = '';
      const report = await waitFor(
        async () => {
          await withSession('mysql', mysql!, (session) =>
            session.run(`UPDATE shop.customers SET level = 'vip-${++update}' WHERE id = 2`),
          );
          const result = await verifyChallenge(challenge06, environment(), { timeoutMs: 20_000 });
          last = `${result.cause?.id ?? 'no cause'}: ${result.cause?.hint ?? ''}`;
          return result.cause?.id === 'topic:customers' ? result : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 1000, description: 'the verdict to blame topic:customers' },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)} (last verdict: ${last})`);
      });
      expect(report.cause?.hint).toMatch(
        /customers 2: card_number is in clear text on the topic: mask it \(MaskField\$Value/,
      );
      expect(report.checks.find((check) => check.id === 'orders-details')?.passed).toBe(true);
    } finally {
      await connect.call('PUT', connectorPath('customers-source', '/config'), config);
    }
    expect(readStack()?.services['apache-connect']).toBeDefined();
  });
});
