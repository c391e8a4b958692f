import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { javaExecutable, probeJava } from '../java/index.ts';
import { classDataArchive, classDataOptions, recordClassDataArchive } from '../java/class-data.ts';
import type { Classpath } from '../java/maven.ts';
import { timeline } from '../console/timeline.ts';
import { PrerequisiteError, ServiceError } from '../errors.ts';
import {
  isAlive,
  logSince,
  reusePort,
  spawnDetached,
  stopProcess,
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
  /** More JVM options after brokerJvmOptions' (a later option wins): the JMX exporter agent's (infra/jmx), the
   *  class-data archive's recording, a benchmark's variant. */
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
  const java = await probeJava();
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
    await timeline.time('kafka: format the KRaft metadata log', () =>
      formatStorage({ classpath, jvm, logDir, propertiesFile, clusterId: state.clusterId, options }),
    );
  }

  const archive = classDataArchive('kafka-broker', classpath, java);
  const child = spawnDetached(
    javaExecutable(),
    [...brokerJvmOptions(archive), ...(options.jvmArgs ?? []), ...jvm, 'kafka.Kafka', propertiesFile],
    { logFile: options.logFile },
  );
  writeFileSync(join(options.dataDir, 'broker.pid'), String(child.pid));
  const bootstrapServers = `127.0.0.1:${state.port}`;
  options.progress?.(`Waiting for Kafka on ${bootstrapServers}…`);
  await timeline.time('kafka: JVM start until it answers metadata', () =>
    waitUntil(() => answersMetadata({ bootstrapServers }), {
      what: `Kafka on ${bootstrapServers}`,
      timeoutMs: 90_000,
      intervalMs: 100,
      abort: () => (isAlive(child.pid) ? undefined : brokerDiedMessage(options.logFile)),
      fix: `Look at the broker's log: ${options.logFile}`,
    }),
  );
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

/**
 * The broker JVM's options, all in one place: heap and GC, then what makes the start quick — class-data sharing
 * (the archive `hack install` records, when there is one) and the C1 compiler only (C2 spends about a core for
 * seconds compiling the start-up code; C1's code is slower at a steady high load, which a workshop broker does
 * not see). `npm run bench:start` measures each (BENCHMARKS.md).
 */
export function brokerJvmOptions(archive: string): string[] {
  const heap = process.env.HACK_KAFKA_HEAP ?? '-Xms128m -Xmx768m';
  return [
    ...heap.split(/\s+/),
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:TieredStopAtLevel=1',
    ...classDataOptions(archive),
  ];
}

/**
 * A new data dir's KRaft storage. `kafka-storage format` is a JVM of its own (1–3 s); what it writes without SCRAM
 * users is the same for every cluster of one Kafka version — the bootstrap checkpoint (metadata version and
 * feature levels; no cluster id) and meta.properties (node id, cluster id, directory id). So the first format's
 * checkpoint is kept with the jars, and later data dirs get a copy of it and a meta.properties of their own.
 * SCRAM users are records in that checkpoint: a listener with them is always formatted by the tool.
 */
async function formatStorage(input: {
  classpath: Classpath;
  jvm: string[];
  logDir: string;
  propertiesFile: string;
  clusterId: string;
  options: LocalBrokerOptions;
}): Promise<void> {
  const { classpath, logDir, clusterId, options } = input;
  rmSync(logDir, { recursive: true, force: true });
  const template = join(classpath.dir, 'kraft', 'bootstrap.checkpoint');
  if (!options.saslSsl && existsSync(template)) {
    mkdirSync(logDir, { recursive: true });
    copyFileSync(template, join(logDir, 'bootstrap.checkpoint'));
    writeFileSync(
      join(logDir, 'meta.properties'),
      `# Written by connect-hack as kafka-storage format writes it\nnode.id=1\ndirectory.id=${newClusterId()}\nversion=1\ncluster.id=${clusterId}\n`,
    );
    return;
  }
  options.progress?.('Formatting the KRaft metadata log…');
  try {
    await run(javaExecutable(), [
      ...input.jvm,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      ...(options.saslSsl ? scramFormatArguments(options.saslSsl) : []),
      '-c',
      input.propertiesFile,
    ]);
  } catch (error) {
    throw new ServiceError(
      `Formatting the Kafka data dir ${logDir} failed: ${(error as { stderr?: string }).stderr ?? error}`,
      {
        fix: 'Run `npx hack install --force` to fetch the Kafka jars again; if that does not help, delete the data dir.',
      },
    );
  }
  if (!options.saslSsl) {
    // Into place in one rename: a broker starting meanwhile sees the whole file or none.
    mkdirSync(join(template, '..'), { recursive: true });
    const partial = `${template}.${process.pid}`;
    copyFileSync(join(logDir, 'bootstrap.checkpoint'), partial);
    renameSync(partial, template);
  }
}

/**
 * Records the broker's class-data archive (`hack install`): one broker on a scratch data dir, started until it
 * answers metadata and stopped, dumps the classes it loaded. Nothing when the archive exists (unless `force`).
 */
export async function recordBrokerClassData(
  options: { force?: boolean; onProgress?: (message: string) => void } = {},
): Promise<string | undefined> {
  const java = await probeJava();
  const classpath = await installKafka({ onProgress: options.onProgress });
  const archive = classDataArchive('kafka-broker', classpath, java);
  if (existsSync(archive) && !options.force) return archive;
  rmSync(archive, { force: true }); // a start records a new archive only without the old one
  options.onProgress?.("Recording the Kafka broker's class-data archive (one broker start and stop)…");
  const scratch = mkdtempSync(join(tmpdir(), 'connect-hack-kafka-cds-'));
  try {
    const recorded = await recordClassDataArchive(archive, classpath, async (dumpOption) => {
      const broker = await startLocalBroker({
        dataDir: join(scratch, 'data'),
        logFile: join(scratch, 'kafka.log'),
        port: 0,
        jvmArgs: [dumpOption],
      });
      if ((await stopProcess(broker.pid, 60_000)) === 'killed') throw new Error('the broker did not stop');
    });
    return recorded ? archive : undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
