import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { javaExecutable, probeJava } from '../java/index.ts';
import { PrerequisiteError } from '../errors.ts';
import { isAlive, logSince, logSize, spawnDetached, stopStaleProcess, waitUntil } from '../process/index.ts';
import type { KafkaEntry } from '../stack/stack-file.ts';

export interface ApacheWorkerOptions {
  kafka: KafkaEntry;
  /** Where worker.properties, log4j2.properties and the pid file go. */
  dir: string;
  logFile: string;
  port: number;
  /** The Connect cluster: its group.id and the prefix of its internal topics (`<prefix>-configs`, …). */
  groupId: string;
  topicPrefix: string;
  /** `java -cp` of the worker itself. */
  classpath: string;
  /** The folder whose subfolders are plugins; without it, only what is on the classpath. */
  pluginPath?: string;
  /** Variables the worker's `${env:…}` provider sees, besides our own environment. */
  env?: Record<string, string>;
  workerProps?: Record<string, string>;
  /** JVM heap options; the JVM is a dev worker beside several others, not a production one. */
  heap?: string;
  /** More JVM options before the main class, e.g. the OpenTelemetry agent's (infra/otel). */
  jvmArgs?: string[];
  progress?: (message: string) => void;
}

/**
 * The properties of a distributed worker on the stack's Kafka. The env and file config providers make connector
 * configs portable (`${env:POSTGRES_PASSWORD}` here, on our worker and on a real cluster); replication factors
 * -1 take the broker's default, which fits one local broker as well as Event Hubs. A single dev worker should
 * get its connectors back at once after a crash, so lost assignments are not held for the usual 5 minutes.
 */
export function workerProperties(options: ApacheWorkerOptions): Record<string, string> {
  const { kafka } = options;
  const security: Record<string, string> = {};
  if (kafka.securityProtocol && kafka.securityProtocol !== 'PLAINTEXT') {
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      security[`${prefix}security.protocol`] = kafka.securityProtocol;
      if (kafka.saslMechanism) {
        const module = kafka.saslMechanism.startsWith('SCRAM')
          ? 'org.apache.kafka.common.security.scram.ScramLoginModule'
          : 'org.apache.kafka.common.security.plain.PlainLoginModule';
        security[`${prefix}sasl.mechanism`] = kafka.saslMechanism;
        // The password stays in the environment; the worker's own env provider reads it.
        security[`${prefix}sasl.jaas.config`] =
          `${module} required username="${kafka.saslUsername ?? ''}" password="\${env:KAFKA_SASL_PASSWORD}";`;
      }
    }
  }
  return {
    'bootstrap.servers': kafka.bootstrapServers,
    ...security,
    'group.id': options.groupId,
    listeners: `http://127.0.0.1:${options.port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(options.port),
    'config.storage.topic': `${options.topicPrefix}-configs`,
    'offset.storage.topic': `${options.topicPrefix}-offsets`,
    'status.storage.topic': `${options.topicPrefix}-status`,
    'config.storage.replication.factor': '-1',
    'offset.storage.replication.factor': '-1',
    'status.storage.replication.factor': '-1',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.flush.interval.ms': '5000',
    'config.providers': 'env,file',
    'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    'scheduled.rebalance.max.delay.ms': '0',
    ...(options.pluginPath ? { 'plugin.path': options.pluginPath } : {}),
    ...options.workerProps,
  };
}

/**
 * INFO for what a person reads (connector and task lifecycle, Debezium's snapshot progress); WARN for the config
 * dumps (`… values:` lists every resolved value, secrets of non-password keys included), the clients' chatter and
 * the plugin scan's line per jar.
 */
const log4j2Properties = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = info',
  'rootLogger.appenderRef.out.ref = out',
  ...['org.apache.kafka.common.config.AbstractConfig', 'org.apache.kafka.clients', 'org.apache.kafka.common']
    .concat(['org.apache.kafka.connect.runtime.isolation', 'org.reflections'])
    .flatMap((logger, index) => [
      `logger.quiet${index}.name = ${logger}`,
      `logger.quiet${index}.level = warn`,
    ]),
  '',
].join('\n');

const toProperties = (props: Record<string, string>): string =>
  `# Written by connect-hack on every start; edits here are overwritten.\n${Object.entries(props)
    .map(([key, value]) => `${key}=${value.replace(/\\/g, '\\\\')}`)
    .join('\n')}\n`;

/**
 * Starts Apache Kafka Connect in distributed mode as its own detached process and waits until its REST API says
 * it is ready. A worker of the same dir that is still alive (left by a crashed `hack`) is stopped first. Shared by
 * the `apache-connect` service and the tests and benchmarks that compare our worker with Apache's.
 */
export async function startApacheWorker(options: ApacheWorkerOptions): Promise<{ pid: number; url: string }> {
  await probeJava();
  mkdirSync(options.dir, { recursive: true });
  const propertiesFile = join(options.dir, 'worker.properties');
  const pidFile = join(options.dir, 'worker.pid');
  await stopStaleProcess(pidFile, propertiesFile);
  writeFileSync(propertiesFile, toProperties(workerProperties(options)));
  const log4jFile = join(options.dir, 'log4j2.properties');
  writeFileSync(log4jFile, log4j2Properties);

  const heap = options.heap ?? '-Xms128m -Xmx512m';
  const logStart = logSize(options.logFile);
  const child = spawnDetached(
    javaExecutable(),
    [
      ...heap.split(/\s+/),
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4jFile}`,
      ...(options.jvmArgs ?? []),
      '-cp',
      options.classpath,
      'org.apache.kafka.connect.cli.ConnectDistributed',
      propertiesFile,
    ],
    { logFile: options.logFile, env: { ...process.env, ...options.env } },
  );
  writeFileSync(pidFile, String(child.pid));
  const url = `http://127.0.0.1:${options.port}`;
  options.progress?.(`Waiting for Apache Kafka Connect on ${url} (the plugin scan takes a while)…`);
  await waitUntil(async () => (await answersHealth(url)) || undefined, {
    what: `Apache Kafka Connect on ${url}`,
    timeoutMs: 180_000,
    intervalMs: 500,
    abort: () => (isAlive(child.pid) ? undefined : diedMessage(options.logFile, logStart)),
    fix: `Look at its log: ${options.logFile}`,
  });
  return { pid: child.pid, url };
}

/** GET /health (Kafka 3.9+) answers 200 once the worker has joined its group and can take requests. */
export async function answersHealth(url: string): Promise<boolean> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return response?.status === 200;
}

function diedMessage(logFile: string, offset: number): string {
  const tail = logSince(logFile, offset);
  if (/Address already in use/.test(tail))
    return 'Apache Kafka Connect could not bind its port: another process took it. Run `npx hack up` again.';
  if (/ClassNotFoundException|NoClassDefFoundError|zip END header|invalid LOC header/.test(tail)) {
    throw new PrerequisiteError(
      'Apache Kafka Connect failed to load its classes: the jar cache is corrupt.',
      {
        fix: 'Run `npx hack install --force`.',
      },
    );
  }
  const lastError = tail
    .split('\n')
    .filter((line) => / (ERROR|FATAL) /.test(line))
    .pop();
  return `Apache Kafka Connect exited during start${lastError ? `: ${lastError.trim()}` : ''}. Its log: ${logFile}`;
}
