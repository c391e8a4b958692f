import type {
  PipelineSpec,
  CosmosToKafkaFlow,
  CosmosToSearchFlow,
  KafkaToCosmosFlow,
} from '../challenges/spec.ts';
import type { PipelineState } from './checks.ts';
import type { ConnectorView } from './connect-state.ts';
import { failureLine } from './task-failure.ts';
import {
  connectorsInRole,
  consumesTopic,
  cosmosDatabase,
  cosmosTopicMap,
  searchIndexOf,
  sinkIdStrategy,
  sourceContainers,
  sourceTopicOf,
} from './connector-keys.ts';
import type { Difference } from './diff.ts';
import type { ContainerSnapshot } from './readers/cosmos.ts';
import type { TopicSnapshot } from './readers/kafka.ts';
import type { IndexSnapshot } from './readers/search.ts';

/**
 * The likely cause of a failed flow, in the participant's terms: which connector, which key, what to change.
 * Each function looks at the difference and the deployed connector configs, most specific cause first.
 */

/** Every connector or task that is not RUNNING, with the first line of its trace. */
function notRunningAll(connectors: ConnectorView[]): string[] {
  const problems: string[] = [];
  for (const connector of connectors) {
    if (connector.state !== 'RUNNING') {
      problems.push(
        connector.state === 'FAILED'
          ? failureLine(`Connector ${connector.name}`, connector.trace, connector.config)
          : `Connector ${connector.name} is ${connector.state}.`,
      );
      continue;
    }
    for (const task of connector.tasks.filter((item) => item.state !== 'RUNNING')) {
      problems.push(
        task.state === 'FAILED'
          ? failureLine(`Task ${task.id} of ${connector.name}`, task.trace, connector.config)
          : `Task ${task.id} of ${connector.name} is ${task.state}.`,
      );
    }
  }
  return problems;
}

const notRunning = (connectors: ConnectorView[]): string | undefined => notRunningAll(connectors)[0];

function sourceDatabases(spec: PipelineSpec): Set<string> {
  return new Set(spec.flows.cosmosToKafka.map((flow) => flow.database));
}

export function cosmosToKafkaHint(
  spec: PipelineSpec,
  flow: CosmosToKafkaFlow,
  difference: Difference,
  state: PipelineState,
  container: ContainerSnapshot | undefined,
  topic: TopicSnapshot | undefined,
): string | undefined {
  const broken = difference.missing.length + difference.mismatched.length + difference.extra.length > 0;
  if (!broken && difference.expected > 0) return undefined;
  if (container && !container.exists)
    return `Cosmos container ${flow.database}/${flow.container} does not exist.`;
  if (state.connectors) {
    const sources = connectorsInRole(spec, state.connectors, 'cosmos-source');
    if (sources.length === 0) return 'No Cosmos DB source connector is deployed.';
    const reading = sources.filter((source) => {
      const { all, containers } = sourceContainers(source.config);
      return (
        cosmosDatabase(source.config, 'cosmos-source') === flow.database &&
        (all || containers.has(flow.container))
      );
    });
    if (reading.length === 0) {
      return `No source connector reads ${flow.database}/${flow.container}: add \`${flow.topic}#${flow.container}\` to azure.cosmos.source.containers.topicMap (and the container to includedList).`;
    }
    const elsewhere = reading.find((source) => sourceTopicOf(source.config, flow.container) !== flow.topic);
    if (elsewhere && reading.length === 1) {
      return `${elsewhere.name} writes ${flow.container} to topic ${sourceTopicOf(elsewhere.config, flow.container)}, not ${flow.topic}: map it with \`${flow.topic}#${flow.container}\`.`;
    }
    const stopped = notRunning(reading);
    if (stopped) return stopped;
  }
  if (topic && !topic.exists)
    return `Topic ${flow.topic} does not exist: the source has produced nothing yet.`;
  if (difference.missing.length > 0 && difference.found === 0)
    return `Nothing from ${flow.container} has reached topic ${flow.topic} yet.`;
  if (difference.missing.length > 0) {
    return `${difference.missing.length} of ${difference.expected} documents of ${flow.container} are not on ${flow.topic}: documents that existed before the source started are skipped with changeFeed.startFrom=Now — use Beginning.`;
  }
  if (difference.mismatched.length > 0) {
    return `${difference.mismatched.length} documents on ${flow.topic} are older versions: updates made in Cosmos DB did not arrive (is the source still running?).`;
  }
  if (difference.extra.length > 0) {
    return `${difference.extra.length} ids on ${flow.topic} are not in ${flow.container}: another producer writes to the topic, or documents were deleted (the latest-version change feed never emits deletes).`;
  }
  return undefined;
}

export function kafkaToCosmosHint(
  spec: PipelineSpec,
  flow: KafkaToCosmosFlow,
  difference: Difference,
  state: PipelineState,
  topic: TopicSnapshot | undefined,
  container: ContainerSnapshot | undefined,
): string | undefined {
  const broken = difference.missing.length + difference.mismatched.length + difference.extra.length > 0;
  if (!broken && difference.expected > 0) return undefined;
  if (topic && !topic.exists) return `Topic ${flow.topic} does not exist: nothing was produced onto it.`;
  if (state.connectors) {
    const sinks = connectorsInRole(spec, state.connectors, 'cosmos-sink');
    if (sinks.length === 0) return 'No Cosmos DB sink connector is deployed.';
    const consuming = sinks.filter((sink) => consumesTopic(sink.config, flow.topic));
    if (consuming.length === 0)
      return `No Cosmos DB sink consumes topic ${flow.topic}: add it to the sink's \`topics\`.`;
    for (const sink of consuming) {
      const database = cosmosDatabase(sink.config, 'cosmos-sink');
      if (database && sourceDatabases(spec).has(database)) {
        return `${sink.name} writes into ${database}, the source database: every write is a new change-feed event that the source streams back — a loop. Set azure.cosmos.sink.database.name=${flow.database}.`;
      }
      if (database && database !== flow.database)
        return `${sink.name} writes into database ${database}, not ${flow.database}.`;
      const mapped = cosmosTopicMap(sink.config, 'cosmos-sink').get(flow.topic);
      if (!mapped)
        return `Topic ${flow.topic} is not in ${sink.name}'s azure.cosmos.sink.containers.topicMap: add \`${flow.topic}#${flow.container}\`.`;
      if (mapped !== flow.container)
        return `${sink.name} maps topic ${flow.topic} to container ${mapped}, not ${flow.container}.`;
    }
    if (container && !container.exists)
      return `Container ${flow.database}/${flow.container} does not exist: the sink does not create containers.`;
    const stopped = notRunning(consuming);
    if (stopped) return stopped;
    if (difference.found === 0 && difference.extra.length > 0) {
      return `${flow.container} holds ${difference.extra.length} documents under ids the records do not carry: check azure.cosmos.sink.id.strategy (${sinkIdStrategy(consuming[0]!.config)}); ProvidedInValueStrategy keeps each record's own id.`;
    }
  }
  if (container && !container.exists) return `Container ${flow.database}/${flow.container} does not exist.`;
  const othersArrive = spec.flows.kafkaToCosmos.some(
    (other) =>
      other.topic !== flow.topic &&
      (state.containers.get(`${other.database}/${other.container}`)?.documents.size ?? 0) > 0,
  );
  if (difference.found === 0 && difference.missing.length > 0 && othersArrive && state.connectors) {
    const sink = connectorsInRole(spec, state.connectors, 'cosmos-sink').find((item) =>
      consumesTopic(item.config, flow.topic),
    );
    const name = sink?.name ?? '<sink>';
    return `Nothing of topic ${flow.topic} reached ${flow.container}, while the sink's other topics arrive: its task does not consume ${flow.topic} — \`npx hack connectors restart ${name} --include-tasks\`, and \`npx hack connectors describe ${name}\` for its partitions.`;
  }
  if (difference.missing.length > 0) {
    return `${difference.missing.length} of ${difference.expected} records of ${flow.topic} are not in ${flow.container}: the sink is behind or rejected them (see the dead-letter topic and task status).`;
  }
  if (difference.mismatched.length > 0) {
    return `${difference.mismatched.length} documents in ${flow.container} differ from the latest record of their id: the sink did not apply the newest version (write.strategy ItemAppend keeps the first one) or a transform changed fields.`;
  }
  if (difference.extra.length > 0) {
    return `${difference.extra.length} documents in ${flow.container} have ids that are not on ${flow.topic}: another writer, or an id strategy that derives new ids.`;
  }
  return undefined;
}

export function cosmosToSearchHint(
  spec: PipelineSpec,
  flow: CosmosToSearchFlow,
  difference: Difference,
  state: PipelineState,
  index: IndexSnapshot | undefined,
): string | undefined {
  const broken = difference.missing.length + difference.mismatched.length + difference.extra.length > 0;
  if (!broken && difference.expected > 0) return undefined;
  if (index && !index.exists)
    return `Search index ${flow.index} does not exist: the sink does not create indexes.`;
  if (state.connectors) {
    const sinks = connectorsInRole(spec, state.connectors, 'search-sink');
    if (sinks.length === 0) return 'No Azure AI Search sink connector is deployed.';
    const consuming = sinks.filter((sink) => consumesTopic(sink.config, flow.topic));
    if (consuming.length === 0)
      return `No Search sink consumes topic ${flow.topic}: add it to the sink's \`topics\`.`;
    const elsewhere = consuming.find((sink) => searchIndexOf(sink.config, flow.topic) !== flow.index);
    if (elsewhere)
      return `${elsewhere.name} writes topic ${flow.topic} into index ${searchIndexOf(elsewhere.config, flow.topic)}, not ${flow.index} (index.name).`;
    const stopped = notRunning(consuming);
    if (stopped) return stopped;
  }
  if (difference.found === 0 && difference.missing.length > 0) {
    return `No document of ${flow.container} is in index ${flow.index}: Search rejects documents with fields the index does not define — drop Cosmos DB's system properties (_rid, _self, _etag, _attachments, _ts, _lsn) with ReplaceField$Value, and look at the dead-letter topic.`;
  }
  if (difference.missing.length > 0)
    return `${difference.missing.length} of ${difference.expected} documents of ${flow.container} are not in index ${flow.index} yet.`;
  if (difference.mismatched.length > 0)
    return `${difference.mismatched.length} documents in ${flow.index} are older versions or changed by a transform.`;
  if (difference.extra.length > 0)
    return `${difference.extra.length} documents in ${flow.index} are not in ${flow.container} (deleted in Cosmos DB, or keys that differ from the ids).`;
  return undefined;
}

export function connectorsHint(
  spec: PipelineSpec,
  connectors: ConnectorView[],
  deadLettered: Array<[string, number]>,
): string | undefined {
  const problems: string[] = [];
  for (const role of Object.keys(spec.roles) as Array<keyof PipelineSpec['roles']>) {
    if (connectorsInRole(spec, connectors, role).length === 0)
      problems.push(`No ${role} connector is deployed.`);
  }
  problems.push(...notRunningAll(connectors));
  for (const sink of connectorsInRole(spec, connectors, 'cosmos-sink')) {
    const database = cosmosDatabase(sink.config, 'cosmos-sink');
    if (database && sourceDatabases(spec).has(database)) {
      problems.push(
        `${sink.name} writes into ${database}, the database the source reads: a feedback loop. Set azure.cosmos.sink.database.name to the sink database.`,
      );
    }
  }
  for (const [topic, count] of deadLettered) {
    problems.push(
      `${count} record(s) went to dead-letter topic ${topic}: their __connect.errors.* headers say why.`,
    );
  }
  return problems.length > 0 ? problems.join(' ') : undefined;
}
