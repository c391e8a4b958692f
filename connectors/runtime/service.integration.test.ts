import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, stopProcess } from '../../infra/process/index.ts';
import type { StartContext } from '../../infra/stack/service.ts';
import type { ConnectEntry, KafkaEntry } from '../../infra/stack/stack-file.ts';
import { testBootstrapServers, uniqueName } from '../../infra/testing/helpers.ts';
import { connectService } from './service.ts';

const home = mkdtempSync(join(tmpdir(), 'connect-service-'));
const started: ConnectEntry[] = [];

function context(profile: StartContext['profile'] = 'local', env: NodeJS.ProcessEnv = {}): StartContext {
  const kafka: KafkaEntry = { bootstrapServers: testBootstrapServers() };
  return {
    profile,
    services: { kafka },
    env,
    ephemeralPorts: true,
    progress: () => undefined,
  };
}

beforeAll(() => {
  process.env.HACK_HOME = home; // the worker's log goes to <home>/logs/connect.log
});
afterAll(async () => {
  for (const entry of started) if (entry.pid) await stopProcess(entry.pid, 10_000);
  rmSync(home, { recursive: true, force: true });
});

describe('the Connect worker as a stack service', () => {
  it('starts as its own process on a free port, answers, logs to connect.log and stops', async () => {
    const entry = await connectService.start(
      context('local', { CONNECT_TOPIC_PREFIX: uniqueName('connect-service') }),
    );
    started.push(entry);
    expect(entry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(entry.pid && isAlive(entry.pid)).toBe(true);
    expect(await connectService.isHealthy(entry)).toBe(true);
    const plugins = (await (await fetch(`${entry.url}/connector-plugins`)).json()) as Array<{
      class: string;
    }>;
    expect(plugins.map((plugin) => plugin.class)).toContain(
      'org.apache.kafka.connect.file.FileStreamSinkConnector',
    );
    expect(existsSync(join(home, 'logs', 'connect.log'))).toBe(true);
    // The stack's endpoints reach `${env:…}` configs as the same variables Apache Kafka Connect gets.
    const environ = readFileSync(`/proc/${entry.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`KAFKA_BOOTSTRAP_SERVERS=${testBootstrapServers()}`);
    await stopProcess(entry.pid!, 10_000);
    expect(await connectService.isHealthy(entry)).toBe(false);
  });

  it('records CONNECT_URL in the external profile without starting anything', async () => {
    const entry = await connectService.start(
      context('external', { CONNECT_URL: 'https://connect.example.com:8083/' }),
    );
    expect(entry).toEqual({ url: 'https://connect.example.com:8083' });
  });
});
