import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HackError, PrerequisiteError } from '../../infra/errors.ts';
import { javaExecutable } from '../../infra/java/index.ts';
import { pomProperty, resolveClasspath } from '../../infra/java/maven.ts';
import type { KafkaConnection } from '../../infra/kafka/connection.ts';
import { projectRoot, serviceDataDir, serviceLogFile } from '../../infra/paths.ts';
import { isAlive, spawnDetached, stopProcess, typescriptServiceCommand } from '../../infra/process/index.ts';

/**
 * The participant's stream processor, run by the harness as its own process with its log in .hack/logs: a
 * folder with a `pom.xml` is a Java (Kafka Streams) application — its dependencies resolved with Maven into the
 * cache, its sources compiled there with javac, its `<main.class>` run — and a folder with `processor.ts` is a
 * TypeScript one, run with tsx. Both get the broker in KAFKA_BOOTSTRAP_SERVERS.
 */
export const PROCESSOR_SERVICE = 'processor-04';
const javac = promisify(execFile);

/** The reference solution (Kafka Streams), resolved and compiled by `hack install` too. */
export const streamsReferenceDir = join(dirname(fileURLToPath(import.meta.url)), 'solution', 'kafka-streams');

export type ProcessorKind = 'java' | 'typescript';

export function processorKind(dir: string): ProcessorKind {
  if (existsSync(join(dir, 'pom.xml'))) return 'java';
  if (existsSync(join(dir, 'processor.ts'))) return 'typescript';
  throw new HackError(`${dir} holds neither a pom.xml (Kafka Streams) nor a processor.ts (kafkajs).`, {
    fix: 'Point --connectors at a folder like challenges/04-stream-processing/processor (TypeScript) or processor-java.',
  });
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.java'))
    .map((file) => join(dir, file))
    .sort();
}

/** Resolves the pom's dependencies and compiles src/main/java into the cache (again only when a source changed). */
export async function buildJavaProcessor(
  dir: string,
  onProgress?: (message: string) => void,
): Promise<{ classpath: string; mainClass: string }> {
  const pom = join(dir, 'pom.xml');
  const mainClass = pomProperty(pom, 'main.class');
  const name = `challenge-04-${basename(resolve(dir))}-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 8)}`;
  const libs = await resolveClasspath(pom, name, { onProgress });
  const sources = sourceFiles(join(dir, 'src', 'main', 'java'));
  if (sources.length === 0)
    throw new HackError(`${dir} has no Java sources under src/main/java.`, {
      fix: 'Add your Kafka Streams app there.',
    });
  const hash = createHash('sha256');
  for (const file of sources) hash.update(relative(dir, file)).update(readFileSync(file));
  const digest = hash.digest('hex');
  const classes = join(libs.dir, 'classes');
  const stamp = join(classes, '.sources');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
    onProgress?.(`Compiling ${sources.length} Java source(s) of ${dir}…`);
    rmSync(classes, { recursive: true, force: true });
    mkdirSync(classes, { recursive: true });
    const compiler = javaExecutable().replace(/java$/, 'javac');
    try {
      await javac(compiler, ['-d', classes, '-cp', libs.classpath, ...sources], {
        maxBuffer: 8 * 1024 * 1024,
      });
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      throw new PrerequisiteError(
        `javac could not compile ${dir}:\n${output.trim().split('\n').slice(0, 20).join('\n')}`,
        {
          fix: 'Fix the compile errors above (the harness compiles src/main/java with the pom’s dependencies).',
          cause: error,
        },
      );
    }
    writeFileSync(stamp, digest);
  }
  return { classpath: `${classes}:${libs.classpath}`, mainClass };
}

export interface RunningProcessor {
  pid: number;
  logFile: string;
  kind: ProcessorKind;
  stop(): Promise<void>;
}

/** Starts the processor in `dir` against `kafka`; its state (RocksDB) lives in the stack's data dir. */
export async function startProcessor(
  dir: string,
  kafka: KafkaConnection,
  options: {
    onProgress?: (message: string) => void;
    env?: NodeJS.ProcessEnv;
    stateDir?: string;
    /** The name its log and state go under (default processor-04; challenge 06 runs processor-06). */
    service?: string;
  } = {},
): Promise<RunningProcessor> {
  dir = resolve(dir);
  const kind = processorKind(dir);
  const service = options.service ?? PROCESSOR_SERVICE;
  const logFile = serviceLogFile(service);
  // One run, one log: its tail is what the check shows when the processor dies.
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const stateDir = options.stateDir ?? serviceDataDir(service);
  mkdirSync(stateDir, { recursive: true });
  const env = {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    STATE_DIR: stateDir,
    ...options.env,
  };
  let started;
  if (kind === 'java') {
    const { classpath, mainClass } = await buildJavaProcessor(dir, options.onProgress);
    started = spawnDetached(javaExecutable(), ['-Xmx384m', '-cp', classpath, mainClass], {
      logFile,
      env,
      cwd: dir,
    });
  } else {
    // Outside the repository Node finds neither kafkajs nor "type": "module" (tsx then fails on top-level await).
    if (relative(projectRoot, dir).startsWith('..'))
      throw new HackError(
        `${dir} is outside ${projectRoot}: a TypeScript processor runs with the repository's packages (kafkajs) as an ES module, so it must live inside it.`,
        {
          fix: `Copy it into the repository, e.g. ${join(projectRoot, 'challenges', '04-stream-processing', basename(dir))}, and pass that folder to --connectors.`,
        },
      );
    const { command, args } = typescriptServiceCommand(join(dir, 'processor.ts'));
    started = spawnDetached(command, args, { logFile, env, cwd: dir });
  }
  const { pid } = started;
  return {
    pid,
    logFile,
    kind,
    stop: async () => {
      if (isAlive(pid)) await stopProcess(pid, 20_000);
    },
  };
}

/**
 * The line of a dead processor's log that says why: the last unindented line naming an error, an exception or a
 * TODO (a Node crash ends with its stack, the error's properties and "Node.js v20…"; a JVM with "\tat …" frames),
 * else the last unindented line that is not that noise.
 */
export function crashLine(tail: string): string {
  const lines = tail
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s/.test(line) && !/^(Node\.js v\d|[{}\]]$)/.test(line));
  return lines.findLast((line) => /Error|Exception|ERROR|TODO \d/.test(line)) ?? lines.at(-1) ?? '';
}

/** The last lines of the processor's log (for a hint when it died). */
export function logTail(logFile: string, lines = 8): string {
  if (!existsSync(logFile) || statSync(logFile).size === 0) return '';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
