import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalBroker } from '../kafka/broker.ts';
import { stopProcess } from '../process/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrapServers: string;
    /** A HACK_HOME of this run's own, so tests never touch a participant's `.hack/`. */
    testHackHome: string;
  }
}

/**
 * One real Kafka broker for the whole integration run (not one per test): started here, its address handed to
 * tests through `inject('kafkaBootstrapServers')`, stopped at the end. `TEST_KAFKA_BOOTSTRAP_SERVERS` reuses a
 * broker that is already running (quicker while developing).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = mkdtempSync(join(tmpdir(), 'connect-hack-test-'));
  project.provide('testHackHome', home);
  const external = process.env.TEST_KAFKA_BOOTSTRAP_SERVERS;
  if (external) {
    project.provide('kafkaBootstrapServers', external);
    return async () => rmSync(home, { recursive: true, force: true });
  }
  const started = Date.now();
  const broker = await startLocalBroker({
    dataDir: join(home, 'kafka'),
    logFile: join(home, 'kafka.log'),
    port: 0,
    progress: (message) => process.stderr.write(`[global-setup] ${message}\n`),
  });
  process.stderr.write(
    `[global-setup] Kafka ${broker.bootstrapServers} ready in ${Date.now() - started} ms\n`,
  );
  project.provide('kafkaBootstrapServers', broker.bootstrapServers);
  return async () => {
    await stopProcess(broker.pid, 20_000);
    if (!process.env.KEEP_TEST_HOME) rmSync(home, { recursive: true, force: true });
  };
}
