import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PrerequisiteError } from '../errors.ts';
import type { StartContext } from '../stack/service.ts';
import type { KafkaEntry } from '../stack/stack-file.ts';
import { kafkaVersion } from './install.ts';

const run = promisify(execFile);

/** Why the containers profile cannot run here, or undefined when a Docker engine answers. */
export async function dockerUnavailable(): Promise<string | undefined> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
    return undefined;
  } catch (error) {
    const text = `${(error as { stderr?: string }).stderr ?? ''}`.trim();
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'the docker command is not installed';
    return `no Docker engine answers${text ? ` (${text.split('\n')[0]})` : ''}`;
  }
}

/**
 * The containers profile: the official apache/kafka image through Testcontainers. The container outlives this
 * process (Ryuk, Testcontainers' reaper, is disabled for it) and `hack down` removes it by id.
 */
export async function startKafkaContainer(context: StartContext): Promise<KafkaEntry> {
  const problem = await dockerUnavailable();
  if (problem) {
    throw new PrerequisiteError(`The containers profile needs Docker, but ${problem}.`, {
      fix: 'Start Docker, or use the default local profile (`npx hack up`), which needs only Java and Maven.',
    });
  }
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = `apache/kafka:${kafkaVersion()}`;
  context.progress(`Starting ${image} with Testcontainers…`);
  // The advertised listener must name the host port Docker picks, so the port is fixed up front.
  const { freePort } = await import('../process/index.ts');
  const port = await freePort();
  const container = await new GenericContainer(image)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { containerId: container.getId(), bootstrapServers: `127.0.0.1:${port}` };
}

export async function stopKafkaContainer(containerId: string): Promise<void> {
  await run('docker', ['rm', '-f', containerId]).catch(() => {});
}
