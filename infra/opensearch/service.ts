import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { javaExecutable, probeJava } from '../java/index.ts';
import { serviceDataDir, serviceLogFile } from '../paths.ts';
import {
  isAlive,
  logSince,
  logSize,
  reusePort,
  spawnDetached,
  stopStaleProcess,
  waitUntil,
} from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import { installOpenSearch, openSearchVersion } from './install.ts';

export const defaultOpenSearchPort = 9200;

export interface OpenSearchEntry {
  pid?: number;
  /** `http://127.0.0.1:9200`: no security plugin locally, so no credentials. */
  url: string;
}

/**
 * OpenSearch's own log4j setup lives in its distribution, not in the jars: INFO for what a person reads (node
 * started, index created, shard recovered after a crash), WARN for the chatty parts.
 */
const log4j2Properties = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] %m%n',
  'rootLogger.level = info',
  'rootLogger.appenderRef.out.ref = out',
  'logger.plugins.name = org.opensearch.plugins',
  'logger.plugins.level = warn',
  'logger.env.name = org.opensearch.env',
  'logger.env.level = warn',
  '',
].join('\n');

/** Answers while the cluster is at least yellow (one node: replicas stay unassigned, which is fine). */
export async function openSearchAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_cluster/health`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) {
      await response.body?.cancel();
      return false;
    }
    const health = (await response.json()) as { status?: string };
    return health.status === 'green' || health.status === 'yellow';
  } catch {
    return false;
  }
}

function diedMessage(logFile: string, offset: number): string {
  const tail = logSince(logFile, offset);
  if (/BindException|Address already in use/.test(tail))
    return 'OpenSearch could not bind its port: another process took it. Run `npx hack up opensearch` again.';
  if (/ClassNotFoundException|NoClassDefFoundError|zip END header/.test(tail))
    return 'OpenSearch failed to load its classes: the jar cache is corrupt. Run `npx hack install --opensearch --force`.';
  if (/failed to obtain node locks/.test(tail))
    return `Another OpenSearch holds the data dir's lock (a node left running?). Its log: ${logFile}`;
  const lastError = tail
    .split('\n')
    .filter((line) => /\[(ERROR|FATAL)|Exception/.test(line))
    .pop();
  return `OpenSearch exited during start${lastError ? `: ${lastError.trim()}` : ''}. Its log: ${logFile}`;
}

/**
 * OpenSearch 2.19 as a stack service (`opensearch`): the real server, embedded from Maven Central's jars in its own
 * JVM (infra/opensearch/node), port 9200 (a free one when busy or with ephemeral ports; the previous one again
 * after a crash), data under `.hack/data/opensearch`. Started on demand (`hack up opensearch`, or a challenge that
 * needs it). Every acknowledged write survives `kill -9`: the translog is fsynced per request, and the node replays
 * it on the next start. The external profile uses OPENSEARCH_URL.
 */
export const openSearchService: ServiceDefinition<OpenSearchEntry> = {
  name: 'opensearch',
  onDemand: true,

  describe: (entry) => entry.url,

  async start(context: StartContext): Promise<OpenSearchEntry> {
    const external = context.env.OPENSEARCH_URL?.trim();
    if (context.profile === 'external') {
      if (!external)
        throw new UsageError('The external profile needs OPENSEARCH_URL for OpenSearch.', {
          fix: 'Set it in the environment or in the env file passed with --env FILE.',
        });
      return { url: external.replace(/\/+$/, '') };
    }
    await probeJava();
    const built = await installOpenSearch({ onProgress: context.progress });
    const dir = serviceDataDir('opensearch');
    mkdirSync(dir, { recursive: true });
    const portFile = join(dir, 'port');
    const pidFile = join(dir, 'node.pid');
    await stopStaleProcess(pidFile, dir);
    const previous = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
    const port = await reusePort(previous, context.ephemeralPorts ? 0 : defaultOpenSearchPort);
    const log4jFile = join(dir, 'log4j2.properties');
    writeFileSync(log4jFile, log4j2Properties);
    const logFile = serviceLogFile('opensearch');
    const logStart = logSize(logFile);
    context.progress(`Starting OpenSearch ${openSearchVersion()} on port ${port}…`);
    const heap = context.env.HACK_OPENSEARCH_HEAP ?? '-Xms256m -Xmx512m';
    const child = spawnDetached(
      javaExecutable(),
      [
        ...heap.split(/\s+/),
        '-XX:+UseSerialGC',
        '-Djava.awt.headless=true',
        '-Dfile.encoding=UTF-8',
        `-Dlog4j2.configurationFile=${log4jFile}`,
        '-cp',
        built.classpath,
        built.mainClass,
        dir,
        String(port),
      ],
      { logFile },
    );
    writeFileSync(pidFile, String(child.pid));
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await openSearchAnswers(url)) || undefined, {
      what: `OpenSearch on ${url}`,
      timeoutMs: 180_000,
      intervalMs: 500,
      abort: () => (isAlive(child.pid) ? undefined : diedMessage(logFile, logStart)),
      fix: `Look at its log: ${logFile}`,
    });
    writeFileSync(portFile, String(port));
    return { pid: child.pid, url };
  },

  async isHealthy(entry: OpenSearchEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return openSearchAnswers(entry.url);
  },
};
