import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../paths.ts';
import { isAlive } from '../process/index.ts';
import { kafkaClient } from '../kafka/connection.ts';
import { dockerUnavailable } from '../kafka/container.ts';
import { consume, createTopic, produce, testBootstrapServers, uniqueName } from '../testing/helpers.ts';
import type { StackFile } from './stack-file.ts';

/**
 * The `hack` CLI as a participant runs it: a separate process per command, a HACK_HOME of the test's own and free
 * ports, so nothing here touches a participant's stack. This file starts one broker of its own (the lifecycle is
 * what is under test); everything else in the run shares the global one.
 */
const home = mkdtempSync(join(tmpdir(), 'stack-test-'));
const cli = join(projectRoot, 'bin', 'hack.mjs');

function hack(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 150_000,
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

function hackAsync(args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, HACK_HOME: home },
      stdio: 'ignore',
    });
    child.on('exit', resolve);
  });
}

const stackFile = (): StackFile => JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8')) as StackFile;

/** Java processes running a broker of this HACK_HOME (found by their command line). */
function brokersOfHome(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(
          join(home, 'data', 'kafka', 'server.properties'),
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

afterAll(() => {
  hack(['down']);
  rmSync(home, { recursive: true, force: true });
});

describe('hack up / status / down on the local profile', () => {
  it('starts Kafka once, records it, survives kill -9 with its data, and stops it', async () => {
    // Two `up`s at once must not start two brokers.
    const codes = await Promise.all([
      hackAsync(['up', 'kafka', '--detach', '--ephemeral-ports']),
      hackAsync(['up', 'kafka', '--detach', '--ephemeral-ports']),
    ]);
    expect(codes).toEqual([0, 0]);
    expect(brokersOfHome()).toHaveLength(1);

    const first = stackFile();
    expect(first.profile).toBe('local');
    expect(first.services.kafka?.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(isAlive(first.services.kafka?.pid)).toBe(true);
    expect(hack(['status']).code).toBe(0);

    const again = hack(['up', 'kafka', '--detach']);
    expect(again.out).toContain('already running');
    expect(stackFile().services.kafka?.pid).toBe(first.services.kafka?.pid);

    // Data written before the crash must be there after recovery.
    const kafka = kafkaClient({ bootstrapServers: first.services.kafka!.bootstrapServers });
    const topic = uniqueName('survives');
    await createTopic(kafka, topic, 1);
    await produce(kafka, topic, [{ key: 'k', value: 'acknowledged' }]);

    process.kill(first.services.kafka!.pid!, 'SIGKILL');
    const dead = hack(['status']);
    expect(dead.code).toBe(1);
    expect(dead.out).toMatch(/kafka .*(dead|not answering)/);

    const recovered = hack(['up', 'kafka', '--detach']);
    expect(recovered.code).toBe(0);
    expect(recovered.out).toContain('recovered');
    const second = stackFile();
    expect(second.services.kafka?.pid).not.toBe(first.services.kafka?.pid);
    const records = await consume(
      kafkaClient({ bootstrapServers: second.services.kafka!.bootstrapServers }),
      topic,
      1,
    );
    expect(records[0]?.value).toBe('acknowledged');

    const down = hack(['down']);
    expect(down.code).toBe(0);
    expect(existsSync(join(home, 'stack.json'))).toBe(false);
    expect(isAlive(second.services.kafka?.pid)).toBe(false);
    expect(hack(['status']).out).toContain('No stack is running');
  }, 240_000); // two broker starts and a kill -9: over 120 s on a loaded machine

  it('explains a missing Java without a stack trace', () => {
    const result = hack(['up', 'kafka', '--detach', '--ephemeral-ports'], {
      PATH: mkdtempSync(join(tmpdir(), 'empty-path-')), // no java, no mvn
      JAVA_HOME: '',
      HACK_HOME: join(home, 'no-java'),
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain('Java was not found');
    expect(result.out).toContain('JDK 17');
    expect(result.out).not.toMatch(/\n\s+at /); // no stack frames
  });

  it('rejects an unknown service by name', () => {
    const result = hack(['up', 'zookeeper']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('Unknown service(s): zookeeper');
  });
});

describe('hack up --profile external', () => {
  it('records the given Kafka without starting anything, and keeps the SASL password out of stack.json', () => {
    const externalHome = join(home, 'external');
    const result = hack(['up', 'kafka', '--detach', '--profile', 'external'], {
      HACK_HOME: externalHome,
      KAFKA_BOOTSTRAP_SERVERS: testBootstrapServers(),
    });
    expect(result.code, result.out).toBe(0);
    const stack = JSON.parse(readFileSync(join(externalHome, 'stack.json'), 'utf8')) as StackFile;
    expect(stack.profile).toBe('external');
    expect(stack.services.kafka).toEqual({
      bootstrapServers: testBootstrapServers(),
      securityProtocol: 'PLAINTEXT',
    });
    expect(hack(['down'], { HACK_HOME: externalHome }).code).toBe(0);

    const unreachable = hack(['up', 'kafka', '--detach', '--profile', 'external'], {
      HACK_HOME: join(home, 'external-bad'),
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_PASSWORD: 'never-print-me',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.out).toContain('does not answer metadata requests');
    expect(unreachable.out).not.toContain('never-print-me');
  });
});

describe('hack up --profile containers', async () => {
  const reason = await dockerUnavailable();
  it.skipIf(reason !== undefined)(
    `starts Kafka in a container${reason ? ` (skipped: ${reason})` : ''}`,
    () => {
      const containerHome = join(home, 'containers');
      const result = hack(['up', 'kafka', '--detach', '--profile', 'containers'], {
        HACK_HOME: containerHome,
      });
      expect(result.code, result.out).toBe(0);
      const stack = JSON.parse(readFileSync(join(containerHome, 'stack.json'), 'utf8')) as StackFile;
      expect(stack.services.kafka?.containerId).toBeTruthy();
      expect(hack(['down'], { HACK_HOME: containerHome }).code).toBe(0);
    },
  );

  it.runIf(reason !== undefined)('explains that Docker is needed when it is absent', () => {
    const result = hack(['up', 'kafka', '--detach', '--profile', 'containers'], {
      HACK_HOME: join(home, 'containers'),
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain('The containers profile needs Docker');
  });
});
