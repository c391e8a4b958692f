import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { javaExecutable, probeJava } from '../java/index.ts';
import { PrerequisiteError, ServiceError } from '../errors.ts';
import {
  isAlive,
  logSince,
  reusePort,
  spawnDetached,
  stopStaleProcess,
  waitUntil,
} from '../process/index.ts';
import { installKafka } from './install.ts';
import { kafkaClient, type KafkaConnection } from './connection.ts';
import {
  listenerCertificates,
  saslSslProperties,
  scramFormatArguments,
  type ListenerCertificates,
  type SaslSslListener,
} from './sasl-ssl.ts';

const run = promisify(execFile);

export const defaultKafkaPort = 9092;

/** What a data dir remembers between starts: the KRaft cluster id it was formatted with and its ports. */
interface BrokerState {
  clusterId: string;
  port: number;
  controllerPort: number;
}

export interface LocalBrokerOptions {
  dataDir: string;
  logFile: string;
  /** The listener port to prefer; 0 = any free port. Falls back to a free port when the preferred one is busy. */
  port?: number;
  /** Also open a SASL_SSL listener (PLAIN and SCRAM users; SCRAM users are created when the data dir is formatted). */
  saslSsl?: SaslSslListener;
  /** More JVM options before the main class, e.g. the JMX exporter agent's (infra/jmx). */
  jvmArgs?: string[];
  progress?: (message: string) => void;
}

export interface LocalBroker {
  pid: number;
  bootstrapServers: string;
  /** The SASL_SSL listener's address and the CA its certificate is signed by, when one was asked for. */
  saslSsl?: { bootstrapServers: string; caFile: string };
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). Like
 * Kafka's `Uuid.randomUuid()`, never one that starts with `-`, which command-line parsers take for an option.
 */
export function newClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function serverProperties(
  state: BrokerState,
  logDir: string,
  saslSsl?: { listener: SaslSslListener; certificates: ListenerCertificates },
): string {
  const extra = saslSsl ? `,SASL_SSL://127.0.0.1:${saslSsl.listener.port}` : '';
  return [
    '# Written by connect-hack on every start; edits here are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${state.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${state.port},CONTROLLER://127.0.0.1:${state.controllerPort}${extra}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${state.port}${extra}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${saslSsl ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(saslSsl ? saslSslProperties(saslSsl.listener, saslSsl.certificates) : []),
    `log.dirs=${logDir}`,
    'num.partitions=1',
    // One broker: internal topics cannot have three replicas, and fewer partitions make the first group join fast.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

const log4j2Properties = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = info',
  'rootLogger.appenderRef.out.ref = out',
  // The request and state-change loggers are chatty at INFO and bury the lines a person looks for.
  'logger.request.name = kafka.request.logger',
  'logger.request.level = warn',
  'logger.state.name = state.change.logger',
  'logger.state.level = warn',
  '',
].join('\n');

/**
 * Starts a single-node KRaft broker from the cached jars, with its data in `dataDir`, and waits until it answers
 * metadata requests. A previous broker of the same data dir that is still alive (a stale pid left by a crashed
 * `hack`) is stopped first; a data dir left by `kill -9` is reused — Kafka recovers its log on start.
 */
export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  await probeJava();
  const classpath = await installKafka({ onProgress: options.progress });
  mkdirSync(options.dataDir, { recursive: true });
  await stopStaleProcess(join(options.dataDir, 'broker.pid'), join(options.dataDir, 'server.properties'));

  const logDir = join(options.dataDir, 'log');
  const stateFile = join(options.dataDir, 'broker.json');
  const previous = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as BrokerState)
    : undefined;
  const formatted = existsSync(join(logDir, 'meta.properties'));
  const state: BrokerState = {
    clusterId: formatted && previous ? previous.clusterId : newClusterId(),
    port: await reusePort(previous?.port, options.port ?? defaultKafkaPort),
    controllerPort: await reusePort(previous?.controllerPort, 0),
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  const propertiesFile = join(options.dataDir, 'server.properties');
  const log4jFile = join(options.dataDir, 'log4j2.properties');
  const certificates = options.saslSsl ? await listenerCertificates(join(options.dataDir, 'tls')) : undefined;
  const saslSsl = options.saslSsl && certificates ? { listener: options.saslSsl, certificates } : undefined;
  writeFileSync(propertiesFile, serverProperties(state, logDir, saslSsl));
  writeFileSync(log4jFile, log4j2Properties);

  const jvm = [
    '-cp',
    classpath.classpath,
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-Djava.awt.headless=true',
  ];
  if (!formatted) {
    options.progress?.('Formatting the KRaft metadata log…');
    rmSync(logDir, { recursive: true, force: true });
    try {
      await run(javaExecutable(), [
        ...jvm,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${state.clusterId}`,
        ...(options.saslSsl ? scramFormatArguments(options.saslSsl) : []),
        '-c',
        propertiesFile,
      ]);
    } catch (error) {
      throw new ServiceError(
        `Formatting the Kafka data dir ${logDir} failed: ${(error as { stderr?: string }).stderr ?? error}`,
        {
          fix: 'Run `npx hack install --force` to fetch the Kafka jars again; if that does not help, delete the data dir.',
        },
      );
    }
  }

  const heap = process.env.HACK_KAFKA_HEAP ?? '-Xms128m -Xmx768m';
  const child = spawnDetached(
    javaExecutable(),
    [
      ...heap.split(/\s+/),
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      ...(options.jvmArgs ?? []),
      ...jvm,
      'kafka.Kafka',
      propertiesFile,
    ],
    { logFile: options.logFile },
  );
  writeFileSync(join(options.dataDir, 'broker.pid'), String(child.pid));
  const bootstrapServers = `127.0.0.1:${state.port}`;
  options.progress?.(`Waiting for Kafka on ${bootstrapServers}…`);
  await waitUntil(() => answersMetadata({ bootstrapServers }), {
    what: `Kafka on ${bootstrapServers}`,
    timeoutMs: 90_000,
    intervalMs: 300,
    abort: () => (isAlive(child.pid) ? undefined : brokerDiedMessage(options.logFile)),
    fix: `Look at the broker's log: ${options.logFile}`,
  });
  return {
    pid: child.pid,
    bootstrapServers,
    ...(saslSsl
      ? {
          saslSsl: {
            bootstrapServers: `127.0.0.1:${saslSsl.listener.port}`,
            caFile: saslSsl.certificates.caFile,
          },
        }
      : {}),
  };
}

export async function answersMetadata(connection: KafkaConnection): Promise<boolean> {
  const admin = kafkaClient(connection, 'connect-hack-probe').admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function brokerDiedMessage(logFile: string): string {
  const tail = logSince(logFile);
  if (/Address already in use/.test(tail)) {
    return 'Kafka could not bind its port: another process took it between the check and the start. Run `npx hack up` again.';
  }
  if (/ClassNotFoundException|NoClassDefFoundError|zip END header|invalid LOC header/.test(tail)) {
    throw new PrerequisiteError('Kafka failed to load its classes: the jar cache is corrupt.', {
      fix: 'Run `npx hack install --force`.',
    });
  }
  const lastError = tail
    .split('\n')
    .filter((line) => / (ERROR|FATAL) /.test(line))
    .pop();
  return `Kafka exited during start${lastError ? `: ${lastError.trim()}` : ''}. Its log: ${logFile}`;
}
