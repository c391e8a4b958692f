import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaExecutable } from '../java/index.ts';
import type { KafkaConnection } from './connection.ts';
import { installKafkaTools } from './install.ts';

/**
 * Apache Kafka's own console tools — `kafka-console-producer` and `kafka-console-consumer`, the classes the
 * distribution's bin/ scripts run — driven from the harness, so a check can do what a participant does on the
 * command line, against the local broker or a cloud cluster (the connection's SASL/SSL settings go into a client
 * properties file, as `--producer.config` / `--consumer.config` take them).
 */

export interface ConsoleRecord {
  key: string;
  value: string;
}

const producerClass = 'org.apache.kafka.tools.ConsoleProducer';
const consumerClass = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
/** Keys and values are JSON or ids: a tab never occurs in them, unlike ':' (the tools' default separator). */
const separator = '\t';

/** The client properties a console tool needs for this connection (empty for PLAINTEXT). */
export function clientProperties(connection: KafkaConnection): string {
  const protocol = connection.securityProtocol ?? 'PLAINTEXT';
  const lines = [`security.protocol=${protocol}`];
  if (protocol.startsWith('SASL')) {
    const mechanism = connection.saslMechanism ?? 'PLAIN';
    const module =
      mechanism === 'PLAIN'
        ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
        : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    const quote = (value: string): string => JSON.stringify(value);
    lines.push(
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=${module} required username=${quote(connection.saslUsername ?? '')} password=${quote(connection.saslPassword ?? '')};`,
    );
  }
  if (connection.sslCaFile)
    lines.push('ssl.truststore.type=PEM', `ssl.truststore.location=${connection.sslCaFile}`);
  return `${lines.join('\n')}\n`;
}

interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one console tool with the connection's properties file (0600, removed afterwards; it may hold a secret). */
async function runTool(
  connection: KafkaConnection,
  mainClass: string,
  configOption: string,
  args: string[],
  options: { input?: string; timeoutMs: number; stopWhen?: (stdout: string) => boolean },
): Promise<ToolRun> {
  const classpath = await installKafkaTools();
  const dir = mkdtempSync(join(tmpdir(), 'connect-hack-console-'));
  const config = join(dir, 'client.properties');
  writeFileSync(config, clientProperties(connection), { mode: 0o600 });
  try {
    return await new Promise<ToolRun>((resolve, reject) => {
      const child = spawn(
        javaExecutable(),
        [
          '-Xmx256m',
          '-XX:TieredStopAtLevel=1', // short-lived: C1 alone starts faster
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=error', // the tools' errors (a missing topic…) on stderr only
          '-cp',
          classpath.classpath,
          mainClass,
          '--bootstrap-server',
          connection.bootstrapServers,
          configOption,
          config,
          ...args,
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (options.stopWhen?.(stdout)) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last meaningful line a tool printed to stderr: its own error message, without SLF4J noise. */
function toolError(run: ToolRun): string {
  const lines = run.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('SLF4J') && !line.startsWith('at '));
  return lines.find((line) => /ERROR|Exception|error/i.test(line)) ?? lines.at(-1) ?? `exit code ${run.code}`;
}

/** `kafka-console-producer --topic T --property parse.key=true`: writes the records; throws with the tool's error. */
export async function consoleProduce(
  connection: KafkaConnection,
  topic: string,
  records: ConsoleRecord[],
  timeoutMs = 60_000,
): Promise<void> {
  const run = await runTool(
    connection,
    producerClass,
    '--producer.config',
    [
      '--topic',
      topic,
      '--property',
      'parse.key=true',
      '--property',
      `key.separator=${separator}`,
      '--request-required-acks',
      'all',
    ],
    { input: records.map((record) => `${record.key}${separator}${record.value}\n`).join(''), timeoutMs },
  );
  if (run.code !== 0 || /ERROR|Exception/.test(run.stderr))
    throw new Error(`kafka-console-producer could not write to ${topic}: ${toolError(run)}`);
}

/**
 * `kafka-console-consumer --include '^(t1|t2)$' --from-beginning --property print.key=true`: reads until `done`
 * says it has seen enough (or `timeoutMs` passes, or no record arrives for `idleMs`); returns the records read.
 */
export async function consoleConsume(
  connection: KafkaConnection,
  topics: string[],
  done: (records: ConsoleRecord[]) => boolean,
  options: { timeoutMs?: number; idleMs?: number } = {},
): Promise<ConsoleRecord[]> {
  const parse = (stdout: string): ConsoleRecord[] =>
    stdout
      .split('\n')
      .slice(0, -1) // the last piece may be a line still being written
      .map((line) => {
        const at = line.indexOf(separator);
        return { key: line.slice(0, at), value: line.slice(at + 1) };
      });
  const escaped = topics.map((topic) => topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const run = await runTool(
    connection,
    consumerClass,
    '--consumer.config',
    [
      '--include',
      `^(${escaped.join('|')})$`,
      '--from-beginning',
      '--property',
      'print.key=true',
      '--property',
      `key.separator=${separator}`,
      '--timeout-ms',
      String(options.idleMs ?? 15_000),
    ],
    { timeoutMs: options.timeoutMs ?? 60_000, stopWhen: (stdout) => done(parse(stdout)) },
  );
  const records = parse(run.stdout);
  if (records.length === 0 && run.code !== 0 && run.code !== null && /ERROR|Exception/.test(run.stderr))
    throw new Error(`kafka-console-consumer could not read ${topics.join(', ')}: ${toolError(run)}`);
  return records;
}
