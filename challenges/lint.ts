import { lintConnectorConfig } from '../connectors/cosmos/lint.ts';
import type { ConnectorFile } from '../connectors/runtime/cli.ts';
import {
  connectorsInRole,
  consumesTopic,
  cosmosDatabase,
  cosmosTopicMap,
  searchIndexOf,
  sinkIdStrategy,
  sourceContainers,
  sourceTopicOf,
} from '../verify/connector-keys.ts';
import type { ConnectorView } from '../verify/connect-state.ts';
import type { PipelineSpec, ConnectorRole } from './spec.ts';

/**
 * `hack lint`: what can be known about a challenge's connector configs without running anything — each config
 * against its connector's spec, and the configs together against the challenge: every flow covered, an id
 * strategy, the indexes, no sink writing into the source.
 */
export interface Finding {
  level: 'error' | 'warning';
  /** The connector (file) it is about, or `challenge` for what is missing altogether. */
  connector: string;
  key?: string;
  message: string;
  fix?: string;
}

const roleNames: Record<ConnectorRole, string> = {
  'cosmos-source': 'Cosmos DB source',
  'cosmos-sink': 'Cosmos DB sink',
  'search-sink': 'Azure AI Search sink',
};

const knownIdStrategies = [
  'ProvidedInValueStrategy',
  'ProvidedInKeyStrategy',
  'FullKeyStrategy',
  'TemplateStrategy',
  'KafkaMetadataStrategy',
];

export function lintPipeline(spec: PipelineSpec, files: ConnectorFile[]): Finding[] {
  const findings: Finding[] = [];
  const add = (finding: Finding): void => void findings.push(finding);

  for (const file of files) {
    for (const [key, value] of Object.entries(file.config)) {
      if (/\bTODO\b/.test(value))
        add({
          level: 'error',
          connector: file.name,
          key,
          message: `still a placeholder: "${value}"`,
          fix: 'Replace the TODO with the real value.',
        });
    }
    const lint = lintConnectorConfig(file.config);
    for (const [key, messages] of Object.entries(lint.errors)) {
      for (const message of messages)
        if (!/TODO/.test(message)) add({ level: 'error', connector: file.name, key, message });
    }
    for (const [key, messages] of Object.entries(lint.warnings)) {
      for (const message of messages) add({ level: 'warning', connector: file.name, key, message });
    }
  }

  // The configs as the verify hints see deployed connectors: one shape for both.
  const views: ConnectorView[] = files.map((file) => ({
    name: file.name,
    type: '',
    config: file.config,
    state: 'RUNNING',
    tasks: [],
  }));
  for (const role of Object.keys(roleNames) as ConnectorRole[]) {
    if (connectorsInRole(spec, views, role).length === 0) {
      add({
        level: 'error',
        connector: 'challenge',
        message: `No ${roleNames[role]} connector config.`,
        fix: `Add one with connector.class ${spec.roles[role][0]}.`,
      });
    }
  }

  const sourceDatabases = new Set(spec.flows.cosmosToKafka.map((flow) => flow.database));
  for (const source of connectorsInRole(spec, views, 'cosmos-source')) {
    for (const flow of spec.flows.cosmosToKafka) {
      const { all, containers } = sourceContainers(source.config);
      if (cosmosDatabase(source.config, 'cosmos-source') !== flow.database) {
        add({
          level: 'error',
          connector: source.name,
          key: 'azure.cosmos.source.database.name',
          message: `must be ${flow.database}.`,
        });
        break;
      }
      if (!all && !containers.has(flow.container)) {
        add({
          level: 'error',
          connector: source.name,
          key: 'azure.cosmos.source.containers.topicMap',
          message: `does not read container ${flow.container}.`,
          fix: `Add ${flow.topic}#${flow.container}.`,
        });
      } else if (sourceTopicOf(source.config, flow.container) !== flow.topic) {
        add({
          level: 'error',
          connector: source.name,
          key: 'azure.cosmos.source.containers.topicMap',
          message: `sends ${flow.container} to ${sourceTopicOf(source.config, flow.container)}, not ${flow.topic}.`,
          fix: `Map it with ${flow.topic}#${flow.container}.`,
        });
      }
    }
    const startFrom = source.config['azure.cosmos.source.changeFeed.startFrom'];
    if (startFrom && /^now$/i.test(startFrom)) {
      add({
        level: 'warning',
        connector: source.name,
        key: 'azure.cosmos.source.changeFeed.startFrom',
        message: 'Now skips every document written before the connector started (the seeded catalog).',
        fix: 'Use Beginning.',
      });
    }
  }

  for (const sink of connectorsInRole(spec, views, 'cosmos-sink')) {
    const database = cosmosDatabase(sink.config, 'cosmos-sink');
    const map = cosmosTopicMap(sink.config, 'cosmos-sink');
    if (database && sourceDatabases.has(database)) {
      const looping = [...map.values()].filter((container) =>
        spec.flows.cosmosToKafka.some((flow) => flow.container === container),
      );
      add({
        level: 'error',
        connector: sink.name,
        key: 'azure.cosmos.sink.database.name',
        message: `writes into ${database}, the database the source reads${looping.length ? ` (containers ${looping.join(', ')})` : ''}: every write is a new change-feed event, streamed back to Kafka and written again — a loop that never ends.`,
        fix: `Set azure.cosmos.sink.database.name=${spec.flows.kafkaToCosmos[0]?.database}.`,
      });
    }
    const strategy = sink.config['azure.cosmos.sink.id.strategy'] ?? sink.config['id.strategy'];
    if (strategy === undefined) {
      add({
        level: 'warning',
        connector: sink.name,
        key: 'azure.cosmos.sink.id.strategy',
        message: 'not set: the default ProvidedInValueStrategy takes `id` from each record value.',
        fix: 'Set it explicitly so the choice is visible.',
      });
    } else if (
      !/TODO/.test(strategy) &&
      !knownIdStrategies.some(
        (known) =>
          known.toLowerCase() === sinkIdStrategy(sink.config).toLowerCase() ||
          known.replace(/Strategy$/, '').toLowerCase() === strategy.toLowerCase(),
      )
    ) {
      add({
        level: 'error',
        connector: sink.name,
        key: 'azure.cosmos.sink.id.strategy',
        message: `unknown id strategy ${strategy}.`,
        fix: `Use one of ${knownIdStrategies.join(', ')}.`,
      });
    }
  }
  for (const flow of spec.flows.kafkaToCosmos) {
    const sinks = connectorsInRole(spec, views, 'cosmos-sink').filter((sink) =>
      consumesTopic(sink.config, flow.topic),
    );
    if (connectorsInRole(spec, views, 'cosmos-sink').length === 0) break;
    if (sinks.length === 0) {
      add({
        level: 'error',
        connector: 'challenge',
        key: 'topics',
        message: `No Cosmos DB sink consumes topic ${flow.topic}.`,
        fix: `Add ${flow.topic} to the sink's topics.`,
      });
      continue;
    }
    if (
      !sinks.some((sink) => cosmosTopicMap(sink.config, 'cosmos-sink').get(flow.topic) === flow.container)
    ) {
      add({
        level: 'error',
        connector: sinks[0]!.name,
        key: 'azure.cosmos.sink.containers.topicMap',
        message: `does not map topic ${flow.topic} to container ${flow.container}.`,
        fix: `Add ${flow.topic}#${flow.container}.`,
      });
    }
  }

  const indexes = new Set(spec.indexes.map((index) => index.name));
  for (const flow of spec.flows.cosmosToSearch) {
    const sinks = connectorsInRole(spec, views, 'search-sink');
    if (sinks.length === 0) break;
    const consuming = sinks.filter((sink) => consumesTopic(sink.config, flow.topic));
    if (consuming.length === 0) {
      add({
        level: 'error',
        connector: sinks[0]!.name,
        key: 'topics',
        message: `does not consume topic ${flow.topic}.`,
        fix: `Add ${flow.topic} to topics.`,
      });
      continue;
    }
    for (const sink of consuming) {
      const index = searchIndexOf(sink.config, flow.topic);
      if (!indexes.has(index))
        add({
          level: 'error',
          connector: sink.name,
          key: 'index.name',
          message: `writes ${flow.topic} into index ${index}, which the challenge does not create (expected ${flow.index}).`,
        });
    }
    for (const sink of consuming) {
      const excluded =
        `${sink.config.transforms ?? ''}`.trim() !== '' &&
        Object.entries(sink.config).some(
          ([key, value]) => /^transforms\..+\.exclude$/.test(key) && value.includes('_rid'),
        );
      if (!excluded) {
        add({
          level: 'warning',
          connector: sink.name,
          key: 'transforms',
          message: `documents from the Cosmos DB source carry system properties (_rid, _ts, …) that index ${flow.index} does not define; Search rejects such documents.`,
          fix: 'Drop them with org.apache.kafka.connect.transforms.ReplaceField$Value and exclude=_rid,_self,_etag,_attachments,_ts,_lsn.',
        });
        break;
      }
    }
  }
  return findings;
}
