import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalBroker } from '../kafka/broker.ts';
import { freePort, stopProcess } from '../process/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBootstrapServers: string;
    /** The same broker's SASL_SSL listener (PLAIN and SCRAM user `coach`, a CA of its own); absent on an external broker. */
    kafkaSaslSsl?: { bootstrapServers: string; caFile: string; username: string; password: string };
    /** A HACK_HOME of this run's own, so tests never touch a participant's `.hack/`. */
    testHackHome: string;
  }
}

/**
 * One real Kafka broker for the whole integration run (not one per test): started here, its address handed to
 * tests through `inject('kafkaBootstrapServers')` (and its SASL_SSL listener through `inject('kafkaSaslSsl')`), stopped at the end. `TEST_KAFKA_BOOTSTRAP_SERVERS` reuses a
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
  const saslPassword = `coach-${Date.now().toString(36)}`;
  const broker = await startLocalBroker({
    dataDir: join(home, 'kafka'),
    logFile: join(home, 'kafka.log'),
    port: 0,
    saslSsl: { port: await freePort(), users: { coach: saslPassword } },
    progress: (message) => process.stderr.write(`[global-setup] ${message}\n`),
  });
  if (broker.saslSsl)
    project.provide('kafkaSaslSsl', { ...broker.saslSsl, username: 'coach', password: saslPassword });
  process.stderr.write(
    `[global-setup] Kafka ${broker.bootstrapServers} ready in ${Date.now() - started} ms\n`,
  );
  project.provide('kafkaBootstrapServers', broker.bootstrapServers);
  return async () => {
    await stopProcess(broker.pid, 20_000);
    if (!process.env.KEEP_TEST_HOME) rmSync(home, { recursive: true, force: true });
  };
}
