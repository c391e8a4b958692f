import { join } from 'node:path';
import { projectRoot, serviceDataDir, serviceLogFile } from '../paths.ts';
import { resolveClasspath, pomProperty, type ResolveOptions } from '../java/maven.ts';
import {
  isAlive,
  preferredPort,
  spawnDetached,
  typescriptServiceCommand,
  waitUntil,
} from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';

/** OTLP/HTTP's well-known port. */
export const defaultOtelPort = 4318;

export interface OtelEntry {
  pid?: number;
  /** The OTLP/HTTP endpoint: the agent posts to `{url}/v1/traces` and `{url}/v1/metrics`. */
  url: string;
}

export const otelAgentPom = join(projectRoot, 'infra', 'otel', 'pom.xml');
export const otelAgentVersion = (): string => pomProperty(otelAgentPom, 'otel.javaagent.version');
export const otelAgentCacheName = (): string => `otel-javaagent-${otelAgentVersion()}`;

/** The OpenTelemetry Java agent's jar, resolved from Maven Central into the cache on first use. */
export async function installOtelAgent(options: ResolveOptions = {}): Promise<string> {
  const classpath = await resolveClasspath(otelAgentPom, otelAgentCacheName(), options);
  const jar = classpath.jars.find((name) => name.startsWith('opentelemetry-javaagent'));
  return join(classpath.libDir, jar ?? 'opentelemetry-javaagent.jar');
}

/**
 * The JVM options that put the agent on a worker: traces and metrics to the receiver over http/protobuf, every
 * 5 s (the defaults, 5 s and 60 s, make a workshop wait), logs not exported (the worker has its own log file), and
 * Kafka Connect's JMX metrics (worker, connectors, tasks) mapped to OpenTelemetry ones by connect-jmx.yaml.
 */
export function otelAgentArgs(agentJar: string, endpoint: string, serviceName: string): string[] {
  return [
    `-javaagent:${agentJar}`,
    `-Dotel.service.name=${serviceName}`,
    `-Dotel.exporter.otlp.endpoint=${endpoint}`,
    '-Dotel.exporter.otlp.protocol=http/protobuf',
    '-Dotel.traces.exporter=otlp',
    '-Dotel.metrics.exporter=otlp',
    '-Dotel.logs.exporter=none',
    '-Dotel.metric.export.interval=5000',
    '-Dotel.bsp.schedule.delay=1000',
    `-Dotel.jmx.config=${join(import.meta.dirname, 'connect-jmx.yaml')}`,
    // MBean discovery first after 1 s; the agent then spaces discoveries out up to 60 s, so a task started later
    // shows its metrics within a minute.
    '-Dotel.jmx.discovery.delay=1000',
  ];
}

async function answers(entry: OtelEntry): Promise<boolean> {
  const response = await fetch(`${entry.url}/health`, { signal: AbortSignal.timeout(2_000) }).catch(
    () => undefined,
  );
  await response?.body?.cancel();
  return response?.ok === true;
}

/**
 * The `otel` service: an OTLP/HTTP receiver on 4318 (a free port when busy or in tests) storing spans and metric
 * points under `.hack/data/otel`. On demand; when it is in the stack as `apache-connect` starts, that worker runs
 * with the OpenTelemetry Java agent exporting here. `hack otel` summarises what arrived.
 */
export const otelService: ServiceDefinition<OtelEntry> = {
  name: 'otel',
  onDemand: true,

  describe: (entry) => `${entry.url} (OTLP/HTTP; \`hack otel\` summarises)`,

  async start(context: StartContext): Promise<OtelEntry> {
    const port = await preferredPort(context.ephemeralPorts ? undefined : defaultOtelPort);
    context.progress(`Starting the OTLP receiver on port ${port}…`);
    const { command, args } = typescriptServiceCommand(join(import.meta.dirname, 'main.ts'), [
      '--data-dir',
      serviceDataDir('otel'),
      '--port',
      String(port),
    ]);
    const child = spawnDetached(command, args, { logFile: serviceLogFile('otel') });
    const entry: OtelEntry = { pid: child.pid, url: `http://127.0.0.1:${port}` };
    await waitUntil(async () => (await answers(entry)) || undefined, {
      timeoutMs: 60_000,
      what: 'The OTLP receiver',
      abort: () =>
        isAlive(child.pid) ? undefined : `The OTLP receiver exited during start; see ${child.logFile}.`,
      fix: `Look at ${child.logFile}.`,
    });
    return entry;
  },

  async isHealthy(entry: OtelEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return answers(entry);
  },
};
