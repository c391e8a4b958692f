import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installApacheConnect } from '../../../infra/connect/install.ts';
import { javaExecutable } from '../../../infra/java/index.ts';
import { freePort, waitUntil } from '../../../infra/process/index.ts';

export interface ApacheWorker {
  url: string;
  logFile: string;
  close(): Promise<void>;
}

/**
 * A real Apache Kafka Connect 4.1.2 distributed worker (connect-runtime from Maven Central, FileStream connectors
 * on the classpath) on the given broker, with its own group and internal topics: the judge the differential
 * tests and the benchmark compare our worker with. Test and bench tooling only.
 */
export async function startApacheWorker(options: {
  bootstrapServers: string;
  name: string;
  workerProps?: Record<string, string>;
}): Promise<ApacheWorker> {
  const { classpath } = await installApacheConnect();
  const dir = mkdtempSync(join(tmpdir(), `apache-connect-${options.name}-`));
  const port = await freePort();
  const props: Record<string, string> = {
    'bootstrap.servers': options.bootstrapServers,
    'group.id': options.name,
    listeners: `http://127.0.0.1:${port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'config.storage.topic': `${options.name}-configs`,
    'offset.storage.topic': `${options.name}-offsets`,
    'status.storage.topic': `${options.name}-status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.flush.interval.ms': '1000',
    'config.providers': 'env,file',
    'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    'scheduled.rebalance.max.delay.ms': '0',
    ...options.workerProps,
  };
  const properties = join(dir, 'worker.properties');
  writeFileSync(
    properties,
    Object.entries(props)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n',
  );
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(
    log4j,
    [
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      'appender.stdout.type = Console',
      'appender.stdout.name = STDOUT',
      'appender.stdout.layout.type = PatternLayout',
      'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
      'logger.connect.name = org.apache.kafka.connect.runtime.Connect',
      'logger.connect.level = INFO',
    ].join('\n'),
  );
  const logFile = join(dir, 'connect.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      javaExecutable(),
      [
        '-Xms128m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        `-Dlog4j2.configurationFile=${log4j}`,
        '-cp',
        classpath,
        'org.apache.kafka.connect.cli.ConnectDistributed',
        properties,
      ],
      { stdio: ['ignore', fd, fd] },
    );
  } finally {
    closeSync(fd);
  }
  const url = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntil(
      async () => (await fetch(`${url}/health`).catch(() => undefined))?.status === 200 || undefined,
      {
        timeoutMs: 120_000,
        what: 'Apache Kafka Connect',
        abort: () => (child.exitCode === null ? undefined : `Apache Kafka Connect exited; see ${logFile}`),
      },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { url, logFile, close };
}
