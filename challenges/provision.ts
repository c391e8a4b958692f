import type { CosmosClient } from '@azure/cosmos';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '../generators/writers/kafka.ts';
import { searchIndexClient } from '../infra/search/client.ts';
import type { SearchEntry } from '../infra/stack/stack-file.ts';
import type { ConnectClient } from '../connectors/runtime/connect-client.ts';
import { ConnectApiError, connectorPath } from '../connectors/runtime/connect-client.ts';
import type { PipelineSpec } from './spec.ts';

/**
 * Creates what a challenge needs — topics, databases, containers with their partition keys, search indexes —
 * and, on the local stack only, first removes what an earlier run left so that every run starts clean.
 * Nothing is ever deleted in an environment given by an env file: that is a team's own.
 */
export async function resetLocal(
  spec: PipelineSpec,
  clients: { kafka: Kafka; cosmos: CosmosClient; search: SearchEntry; connect: ConnectClient },
): Promise<void> {
  // Connectors first (stop, forget their offsets, delete), or a source would resume from an old continuation.
  const names = await clients.connect.get<string[]>('/connectors');
  for (const name of names) {
    await clients.connect.call('PUT', connectorPath(name, '/stop')).catch(ignoreMissing);
    await clients.connect.call('DELETE', connectorPath(name, '/offsets')).catch(ignoreMissing);
    await clients.connect.call('DELETE', connectorPath(name)).catch(ignoreMissing);
  }
  const admin = clients.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = [...existing].filter(
      (topic) =>
        spec.topics.some((wanted) => wanted.name === topic) ||
        topic.startsWith('dlq-') ||
        topic.startsWith('search-sink-'),
    );
    if (ours.length > 0) {
      await admin.deleteTopics({ topics: ours, timeout: 30_000 });
      // Topic deletion is asynchronous in Kafka: wait until the names are free again.
      for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => ours.includes(topic)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.disconnect();
  }
  for (const database of spec.databases) {
    await clients.cosmos.database(database.name).delete().catch(ignoreNotFound);
  }
  const indexes = searchIndexClient(clients.search);
  for (const index of spec.indexes) await indexes.deleteIndex(index.name).catch(ignoreNotFound);
}

export async function provision(
  spec: PipelineSpec,
  clients: { kafka: Kafka; cosmos: CosmosClient; search?: SearchEntry },
): Promise<void> {
  for (const topic of new Set(spec.topics.map((item) => item.partitions))) {
    await ensureTopics(
      clients.kafka,
      spec.topics.filter((item) => item.partitions === topic).map((item) => item.name),
      topic,
    );
  }
  for (const database of spec.databases) {
    const { database: created } = await clients.cosmos.databases.createIfNotExists({ id: database.name });
    for (const container of database.containers) {
      await created.containers.createIfNotExists({
        id: container.name,
        partitionKey: { paths: [container.partitionKey] },
      });
    }
  }
  if (clients.search) {
    const indexes = searchIndexClient(clients.search);
    for (const index of spec.indexes)
      await indexes.createOrUpdateIndex({ name: index.name, fields: index.fields });
  }
}

function ignoreMissing(error: unknown): void {
  if (error instanceof ConnectApiError && (error.status === 404 || error.status === 400)) return;
  throw error;
}

function ignoreNotFound(error: unknown): void {
  const status =
    (error as { code?: number; statusCode?: number }).code ?? (error as { statusCode?: number }).statusCode;
  if (status === 404) return;
  throw error;
}
