import type { Observer } from '../challenges/challenge.ts';
import type { PipelineSpec } from '../challenges/spec.ts';
import { errorMessage } from '../infra/errors.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { isLocalStack, type Environment } from '../infra/stack/environment.ts';
import { containerKey, type PipelineState } from './checks.ts';
import { readConnectors } from './connect-state.ts';
import { deadLetterTopic } from './connector-keys.ts';
import { readContainer, type ContainerSnapshot } from './readers/cosmos.ts';
import { peekTopic, TopicReader } from './readers/kafka.ts';
import { readIndex, type IndexSnapshot } from './readers/search.ts';

/** A Cosmos/Kafka/Search pipeline's observer: one topic reader for the whole verification, everything else re-read. */
export async function observePipeline(
  spec: PipelineSpec,
  environment: Environment,
): Promise<Observer<PipelineState>> {
  const reader = new TopicReader(environment.kafka, [...new Set(spec.topics.map((topic) => topic.name))]);
  return {
    read: () => collectState(spec, environment, reader),
    close: () => reader.close(),
  };
}

/** Reads the whole pipeline once: topics, containers, indexes, connectors and dead-letter topics. */
export async function collectState(
  spec: PipelineSpec,
  environment: Environment,
  reader: TopicReader,
): Promise<PipelineState> {
  const state: PipelineState = {
    deadLetterSamples: new Map(),
    topics: new Map(),
    containers: new Map(),
    indexes: new Map(),
    deadLetters: new Map(),
    unavailable: {},
  };
  const tasks: Array<Promise<void>> = [];

  tasks.push(
    (async () => {
      if (!environment.connect) {
        state.connectError = `No Kafka Connect REST API in ${environment.source} (set CONNECT_URL).`;
        return;
      }
      try {
        state.connectors = await readConnectors(environment.connect.url);
      } catch (error) {
        state.connectError = serviceProblem(
          'Kafka Connect',
          environment.connect.url,
          error,
          environment,
          'CONNECT_URL',
          'connect',
        );
      }
    })(),
  );

  tasks.push(
    (async () => {
      if (!environment.cosmos) {
        state.unavailable.cosmos = `No Cosmos DB endpoint in ${environment.source} (set COSMOS_ENDPOINT and COSMOS_KEY).`;
        return;
      }
      const client = cosmosClient(environment.cosmos);
      const wanted = new Map<string, [string, string]>();
      for (const flow of [
        ...spec.flows.cosmosToKafka,
        ...spec.flows.kafkaToCosmos,
        ...spec.flows.cosmosToSearch,
      ]) {
        wanted.set(containerKey(flow.database, flow.container), [flow.database, flow.container]);
      }
      try {
        const snapshots = await Promise.all(
          [...wanted.values()].map(([database, container]) => readContainer(client, database, container)),
        );
        for (const snapshot of snapshots)
          state.containers.set(
            containerKey(snapshot.database, snapshot.container),
            snapshot as ContainerSnapshot,
          );
      } catch (error) {
        state.unavailable.cosmos = serviceProblem(
          'Cosmos DB',
          environment.cosmos.endpoint,
          error,
          environment,
          'COSMOS_KEY',
          'cosmos',
        );
      } finally {
        client.dispose();
      }
    })(),
  );

  tasks.push(
    (async () => {
      if (!environment.search) {
        state.unavailable.search = `No Azure AI Search endpoint in ${environment.source} (set SEARCH_ENDPOINT and SEARCH_ADMIN_KEY).`;
        return;
      }
      try {
        const names = [...new Set(spec.flows.cosmosToSearch.map((flow) => flow.index))];
        const snapshots: IndexSnapshot[] = await Promise.all(
          names.map((name) => readIndex(environment.search!, name)),
        );
        for (const snapshot of snapshots) state.indexes.set(snapshot.index, snapshot);
      } catch (error) {
        state.unavailable.search = serviceProblem(
          'Azure AI Search',
          environment.search.endpoint,
          error,
          environment,
          'SEARCH_ADMIN_KEY',
          'search',
        );
      }
    })(),
  );

  tasks.push(
    (async () => {
      try {
        state.topics = await reader.snapshot(10_000);
      } catch (error) {
        const rejected = /SASL|authenticat/i.test(errorMessage(error));
        state.unavailable.kafka = rejected
          ? `Kafka at ${environment.kafka.bootstrapServers} rejected the credentials: check KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD (and KAFKA_SASL_MECHANISM) in ${environment.source}.`
          : `Kafka at ${environment.kafka.bootstrapServers} does not answer: ${errorMessage(error)}.`;
      }
    })(),
  );
  await Promise.all(tasks);
  if (!state.unavailable.kafka) await countDeadLetters(environment, state).catch(() => undefined);
  return state;
}

async function countDeadLetters(environment: Environment, state: PipelineState): Promise<void> {
  const topics = [
    ...new Set(
      (state.connectors ?? [])
        .map((connector) => deadLetterTopic(connector.config))
        .filter((topic): topic is string => Boolean(topic)),
    ),
  ];
  if (topics.length === 0) return;
  const admin = kafkaClient(environment.kafka, 'connect-hack-verify').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics) {
      if (!existing.has(topic)) {
        state.deadLetters.set(topic, 0);
        continue;
      }
      const offsets = await admin.fetchTopicOffsets(topic);
      const count = offsets.reduce(
        (sum, partition) => sum + Number(partition.high) - Number(partition.low),
        0,
      );
      state.deadLetters.set(topic, count);
      if (count > 0) state.deadLetterSamples.set(topic, await deadLetterSamples(environment, topic));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Where and why the first dead-lettered records failed, from their `__connect.errors.*` headers. */
async function deadLetterSamples(environment: Environment, topic: string): Promise<string[]> {
  const samples = await peekTopic(environment.kafka, topic, 3).catch(() => []);
  return samples.map(({ key, headers }) => {
    const where = headers['__connect.errors.topic']
      ? `${headers['__connect.errors.topic']}@${headers['__connect.errors.offset'] ?? '?'}`
      : `key ${key}`;
    const why =
      headers['__connect.errors.exception.message'] ??
      'no __connect.errors.* headers (set errors.deadletterqueue.context.headers.enable=true)';
    return `${where} (${headers['__connect.errors.stage'] ?? 'stage unknown'}): ${why}`;
  });
}

/** What to do when a service of the local stack does not answer (`service`: its name in `hack up`). */
export function localServiceFix(service: string): string {
  return `Start it: \`npx hack up ${service}\` (\`npx hack status\` shows what runs, \`npx hack logs ${service}\` why it stopped).`;
}

/**
 * Why a service could not be read, in one sentence: a rejected credential names the variable (or stack.json) it
 * came from; anything else is "does not answer" with the first line of the client's error — and, given the
 * service's name in the local stack (`stackService`) while verifying it, how to start it again.
 */
export function serviceProblem(
  service: string,
  endpoint: string,
  error: unknown,
  environment: Environment,
  credential: string,
  stackService?: string,
): string {
  const status =
    (error as { code?: unknown; statusCode?: unknown }).statusCode ?? (error as { code?: unknown }).code;
  const where = isLocalStack(environment) ? 'stack.json' : environment.source;
  if (status === 401 || status === 403) {
    return `${service} at ${endpoint} rejected the credential: check ${credential} in ${where}.`;
  }
  const text = (errorMessage(error).split('\n')[0] ?? '').replace(/[.\s]+$/, '');
  const problem =
    text.includes('does not answer') || text.includes(endpoint)
      ? `${text}.`
      : `${service} at ${endpoint} does not answer: ${text}.`;
  return stackService && isLocalStack(environment) ? `${problem} ${localServiceFix(stackService)}` : problem;
}
