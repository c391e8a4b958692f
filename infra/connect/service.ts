import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceDataDir, serviceLogFile } from '../paths.ts';
import { UsageError } from '../errors.ts';
import { isAlive, reusePort } from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import { endpointServices, stackVariables } from '../stack/environment.ts';
import type { ConnectEntry } from '../stack/stack-file.ts';
import { installApacheConnect, installConnectPlugins } from './install.ts';
import { answersHealth, startApacheWorker } from './worker.ts';
import { jmxExporterFor } from '../jmx/exporter.ts';
import { installOtelAgent, otelAgentArgs, type OtelEntry } from '../otel/service.ts';

export const defaultApacheConnectPort = 8093;

/** Its own Connect cluster on the stack's Kafka, never sharing a group or internal topics with our worker. */
export const defaultApacheConnectCluster = 'connect-hack-apache';

/**
 * connect-file comes as a plugin folder instead, as in Kafka's distribution since 3.2: on the classpath too, its
 * connectors would be listed twice.
 */
const pluginJars = /^connect-file-/;

/**
 * Real Apache Kafka Connect 4.1.2 as a stack service (`apache-connect`): distributed mode on the stack's Kafka, its
 * own process, port 8093 (a free one when busy or with ephemeral ports; the previous one again after a crash),
 * hosting the field's Java plugins — Debezium, MongoDB's connector — from one folder each on `plugin.path`. Started
 * on demand (`hack up apache-connect`, or a challenge that needs it) because the plugin scan costs seconds. Its
 * connectors, offsets and statuses live in Kafka, so after `kill -9` a `hack up` resumes every connector where
 * its last committed offset left it. The stack's endpoints and keys reach it as environment variables only
 * (stackVariables); stack.json records just its pid and URL.
 */
export const apacheConnectService: ServiceDefinition<ConnectEntry> = {
  name: 'apache-connect',
  onDemand: true,
  // The databases first when they start in the same `hack up`, so their variables are in the worker's env.
  // The OTLP receiver first too: when it is in the stack, the worker runs with the OpenTelemetry Java agent.
  dependsOn: [...endpointServices, 'otel'],
  needs: ['kafka'],

  describe: (entry) => entry.url,

  async start(context: StartContext): Promise<ConnectEntry> {
    const external = context.env.APACHE_CONNECT_URL?.trim();
    if (context.profile === 'external' && external) {
      context.progress(`Using Apache Kafka Connect at ${external}`);
      return { url: external.replace(/\/+$/, '') };
    }
    const kafka = context.services.kafka;
    if (!kafka) {
      throw new UsageError('Apache Kafka Connect needs Kafka, which is not in the stack.', {
        fix: 'Start both with `npx hack up kafka apache-connect`.',
      });
    }
    const otel = context.services.otel as OtelEntry | undefined;
    if (context.env.HACK_OTEL === '1' && !otel) {
      throw new UsageError(
        'HACK_OTEL=1 asks for the OpenTelemetry agent, but the otel receiver is not in the stack.',
        {
          fix: 'Start both: `HACK_OTEL=1 npx hack up otel apache-connect` (after `npx hack down apache-connect`).',
        },
      );
    }
    const [runtime, plugins] = await Promise.all([
      installApacheConnect({ onProgress: context.progress }),
      installConnectPlugins({ onProgress: context.progress }),
    ]);
    const dir = serviceDataDir('apache-connect');
    const exporter = await jmxExporterFor(dir, 'connect', context.env, { onProgress: context.progress });
    const jvmArgs = [
      ...(otel
        ? otelAgentArgs(
            await installOtelAgent({ onProgress: context.progress }),
            otel.url,
            context.env.OTEL_SERVICE_NAME ?? 'apache-connect',
          )
        : []),
      ...(exporter?.jvmArgs ?? []),
    ];
    const portFile = join(dir, 'port');
    const previous = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
    const port = await reusePort(previous, context.ephemeralPorts ? 0 : defaultApacheConnectPort);
    const cluster = context.env.APACHE_CONNECT_GROUP_ID ?? defaultApacheConnectCluster;
    context.progress(
      `Starting Apache Kafka Connect (${plugins.plugins.join(', ')}) on port ${port}${otel ? `, traced to ${otel.url}` : ''}…`,
    );
    const { pid, url } = await startApacheWorker({
      kafka,
      dir,
      logFile: serviceLogFile('apache-connect'),
      port,
      groupId: cluster,
      topicPrefix: context.env.APACHE_CONNECT_TOPIC_PREFIX ?? cluster,
      classpath: runtime.jars
        .filter((jar) => !pluginJars.test(jar))
        .map((jar) => join(runtime.libDir, jar))
        .join(':'),
      pluginPath: plugins.pluginPath,
      env: stackVariables(context.services),
      heap: context.env.HACK_APACHE_CONNECT_HEAP,
      jvmArgs,
      progress: context.progress,
    });
    writeFileSync(portFile, String(port));
    return { pid, url, ...(exporter ? { jmxExporterUrl: exporter.url } : {}) };
  },

  async isHealthy(entry: ConnectEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return answersHealth(entry.url);
  },
};
