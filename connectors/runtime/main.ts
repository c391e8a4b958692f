import { Command } from 'commander';
import { readProperties } from './config-providers.ts';
import { kafkaConnectionOf } from '../../infra/kafka/connection.ts';
import type { KafkaEntry } from '../../infra/stack/stack-file.ts';
import { startWorker } from './worker.ts';

/**
 * The worker as its own OS process (`hack up` starts it; tests kill it): `main.ts --kafka '<stack.json kafka
 * entry>' --port 8083`. Logs go to stdout (the service redirects them to `.hack/logs/connect.log`). SIGTERM
 * stops connectors cleanly, committing offsets; SIGKILL loses nothing acknowledged.
 */
const options = new Command('connect-worker')
  .option('--kafka <json>', 'the stack.json kafka entry', process.env.CONNECT_KAFKA ?? '')
  .option('--bootstrap-servers <list>', 'Kafka bootstrap servers (instead of --kafka)')
  .option('--port <n>', 'REST port on 127.0.0.1', process.env.CONNECT_PORT ?? '8083')
  .option('--group-id <id>', "Apache's group.id", 'connect-cluster')
  .option('--topic-prefix <prefix>', 'internal topics are <prefix>-configs, -offsets, -status', 'connect')
  .option('--worker-properties <file>', 'worker.properties (key.converter, offset.flush.interval.ms, …)')
  .parse(process.argv)
  .opts<{
    kafka: string;
    bootstrapServers?: string;
    port: string;
    groupId: string;
    topicPrefix: string;
    workerProperties?: string;
  }>();

const entry: KafkaEntry = options.bootstrapServers
  ? { bootstrapServers: options.bootstrapServers }
  : (JSON.parse(options.kafka || '{}') as KafkaEntry);
if (!entry.bootstrapServers) {
  process.stderr.write('connect-worker: pass --kafka or --bootstrap-servers\n');
  process.exit(2);
}

const worker = await startWorker({
  kafka: kafkaConnectionOf(entry),
  port: Number(options.port),
  groupId: options.groupId,
  topicPrefix: options.topicPrefix,
  workerProps: options.workerProperties ? readProperties(options.workerProperties) : {},
});
process.stdout.write(`Kafka Connect worker listening on ${worker.url}\n`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void worker.close().finally(() => process.exit(0));
  });
}
