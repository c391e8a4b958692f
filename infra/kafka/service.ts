import { serviceDataDir, serviceLogFile } from '../paths.ts';
import { isAlive, isPortOpen, stopProcess } from '../process/index.ts';
import { UsageError } from '../errors.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import type { KafkaEntry } from '../stack/stack-file.ts';
import { answersMetadata, startLocalBroker } from './broker.ts';
import { kafkaConnectionFromEnv, kafkaConnectionOf, kafkaEntryOf } from './connection.ts';
import { jmxExporterFor } from '../jmx/exporter.ts';
import { startKafkaContainer, stopKafkaContainer } from './container.ts';

function hostPort(bootstrapServers: string): { host: string; port: number } {
  const first = bootstrapServers.split(',')[0]?.trim() ?? '';
  const at = first.lastIndexOf(':');
  return { host: first.slice(0, at), port: Number(first.slice(at + 1)) };
}

/** Kafka as the stack's first service, in each profile's form. */
export const kafkaService: ServiceDefinition<KafkaEntry> = {
  name: 'kafka',

  describe: (entry) =>
    `${entry.bootstrapServers}${entry.securityProtocol && entry.securityProtocol !== 'PLAINTEXT' ? ` (${entry.securityProtocol})` : ''}`,

  async start(context: StartContext): Promise<KafkaEntry> {
    switch (context.profile) {
      case 'external': {
        const connection = kafkaConnectionFromEnv(context.env);
        if (!connection) {
          throw new UsageError(
            'The external profile needs KAFKA_BOOTSTRAP_SERVERS (or EVENTHUBS_CONNECTION_STRING).',
            {
              fix: 'Set it in the environment or in an env file passed with --env FILE (see README: "Using your own Kafka").',
            },
          );
        }
        context.progress(`Checking Kafka at ${connection.bootstrapServers}…`);
        if (!(await answersMetadata(connection).catch(() => false))) {
          throw new UsageError(`Kafka at ${connection.bootstrapServers} does not answer metadata requests.`, {
            fix: 'Check the address, the security protocol and the SASL credentials, and that your network allows the port.',
          });
        }
        return kafkaEntryOf(connection);
      }
      case 'containers':
        return startKafkaContainer(context);
      case 'local': {
        const dataDir = serviceDataDir('kafka');
        const exporter = await jmxExporterFor(dataDir, 'broker', context.env, {
          onProgress: context.progress,
        });
        const broker = await startLocalBroker({
          dataDir,
          logFile: serviceLogFile('kafka'),
          port: context.ephemeralPorts ? 0 : undefined,
          jvmArgs: exporter?.jvmArgs,
          progress: context.progress,
        });
        return {
          pid: broker.pid,
          bootstrapServers: broker.bootstrapServers,
          ...(exporter ? { jmxExporterUrl: exporter.url } : {}),
        };
      }
    }
  },

  async isHealthy(entry: KafkaEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    if (entry.securityProtocol && entry.securityProtocol !== 'PLAINTEXT') {
      return answersMetadata(kafkaConnectionOf(entry)).catch(() => false);
    }
    const { host, port } = hostPort(entry.bootstrapServers);
    return isPortOpen(port, host);
  },

  async stop(entry: KafkaEntry): Promise<void> {
    if (entry.containerId) await stopKafkaContainer(entry.containerId);
    else if (entry.pid) await stopProcess(entry.pid, 30_000);
  },
};
