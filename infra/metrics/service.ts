import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { serviceDataDir, serviceLogFile } from '../paths.ts';
import {
  isAlive,
  preferredPort,
  spawnDetached,
  typescriptServiceCommand,
  waitUntil,
} from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import { defaultMetricsPort } from './server.ts';

export interface MetricsEntry {
  pid?: number;
  /** The Metrics API's base URL: `POST {url}/v2/metrics/cloud/query`. */
  url: string;
  /** The scrape interval in milliseconds. */
  intervalMs?: number;
}

async function answers(entry: MetricsEntry): Promise<boolean> {
  try {
    const response = await fetch(`${entry.url}/v2/metrics/cloud/descriptors/resources`, {
      signal: AbortSignal.timeout(2_000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** `HACK_METRICS_INTERVAL_MS` (default 10 s), e.g. 1000 in tests that want their numbers quickly. */
function intervalOf(env: NodeJS.ProcessEnv): number {
  const text = env.HACK_METRICS_INTERVAL_MS;
  if (text === undefined || text === '') return 10_000;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 200)
    throw new UsageError(`HACK_METRICS_INTERVAL_MS is ${JSON.stringify(text)}, not a number of ms ≥ 200.`, {
      fix: 'Unset it for the default (10000) or give a whole number of milliseconds.',
    });
  return ms;
}

/**
 * The metrics service: a collector scraping the stack every interval into `.hack/data/metrics`, behind Confluent
 * Cloud's Metrics API v2 on 8091 (a free port when busy or in tests). Its own process; it reads the other
 * services' addresses from stack.json at each scrape, so it needs none of them to start.
 */
export const metricsService: ServiceDefinition<MetricsEntry> = {
  name: 'metrics',

  describe: (entry) => `${entry.url}/v2/metrics/cloud (every ${(entry.intervalMs ?? 10_000) / 1000} s)`,

  async start(context: StartContext): Promise<MetricsEntry> {
    const intervalMs = intervalOf(context.env);
    const port = await preferredPort(context.ephemeralPorts ? undefined : defaultMetricsPort);
    context.progress(`Starting the metrics service on port ${port}…`);
    const { command, args } = typescriptServiceCommand(join(import.meta.dirname, 'main.ts'), [
      '--data-dir',
      serviceDataDir('metrics'),
      '--port',
      String(port),
      '--interval-ms',
      String(intervalMs),
    ]);
    const child = spawnDetached(command, args, {
      logFile: serviceLogFile('metrics'),
      env: { ...process.env, ...context.env },
    });
    const entry: MetricsEntry = { pid: child.pid, url: `http://127.0.0.1:${port}`, intervalMs };
    await waitUntil(() => answers(entry), {
      timeoutMs: 60_000,
      what: 'The metrics service',
      abort: () =>
        isAlive(child.pid) ? undefined : `The metrics service exited during start; see ${child.logFile}.`,
      fix: `Look at ${child.logFile}.`,
    });
    return entry;
  },

  async isHealthy(entry: MetricsEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return answers(entry);
  },
};
