import { lintConnectorConfig } from '../connectors/cosmos/lint.ts';
import type { ConnectorFile } from '../connectors/runtime/cli.ts';
import {
  connectorsInRole,
  consumesTopic,
  parseTopicMap,
  roleOf,
  cosmosDatabase,
  cosmosTopicMap,
  searchIndexOf,
  sinkIdStrategy,
  sourceContainers,
  sourceTopicOf,
} from '../verify/connector-keys.ts';
import type { ConnectorView } from '../verify/connect-state.ts';
import { roleNames } from '../verify/pipeline-checks.ts';
import { didYouMean } from '../infra/console/did-you-mean.ts';
import type { PipelineSpec, ConnectorRole } from './spec.ts';
import type { Finding } from './challenge.ts';

/**
 * `hack lint`: what can be known about a challenge's connector configs without running anything — each config
 * against its connector's spec, and the configs together against the challenge: every flow covered, an id
 * strategy, the indexes, no sink writing into the source.
 */
export type { Finding } from './challenge.ts';

const knownIdStrategies = [
  'ProvidedInValueStrategy',
  'ProvidedInKeyStrategy',
  'FullKeyStrategy',
  'TemplateStrategy',
  'KafkaMetadataStrategy',
];

/** Strategies that keep each record's own id, which the checks compare by. */
const idKeepingStrategies = ['ProvidedInValueStrategy', 'ProvidedInKeyStrategy'];

const isPlaceholder = (value: string): boolean => /\bTODO\b/.test(value);

export function lintPipeline(spec: PipelineSpec, files: ConnectorFile[]): Finding[] {
  const findings: Finding[] = [];
  const add = (finding: Finding): void => void findings.push(finding);
  const knownClasses = Object.values(spec.roles).flat();
  const topicNames = spec.topics.map((topic) => topic.name);
  const guessedClasses = new Map<string, string>();

  for (const file of files) {
    for (const [key, value] of Object.entries(file.config)) {
      if (isPlaceholder(value))
        add({
          level: 'error',
          connector: file.name,
          key,
          message: `still a placeholder: "${value}"`,
          fix: 'Replace the TODO with the real value.',
        });
    }
    const connectorClass = file.config['connector.class'];
    if (!roleOf(spec, connectorClass)) {
      const guess = connectorClass ? didYouMean(connectorClass, knownClasses) : undefined;
      if (guess) guessedClasses.set(file.name, guess); // judged as the class meant, so one typo is one finding
      add({
        level: 'error',
        connector: file.name,
        key: 'connector.class',
        message: connectorClass
          ? `${connectorClass} is not a connector this challenge uses${guess ? ` — did you mean ${guess}?` : '.'}`
          : 'is missing.',
        fix: guess ? `Use ${guess}.` : `Use one of ${knownClasses.join(', ')}.`,
      });
    }
    const lint = lintConnectorConfig(file.config);
    for (const [key, messages] of Object.entries(lint.errors)) {
      if (isPlaceholder(file.config[key] ?? '')) continue; // the placeholder finding says it already
      for (const message of messages) add({ level: 'error', connector: file.name, key, message });
    }
    for (const [key, messages] of Object.entries(lint.warnings)) {
      // The local emulator has no *.search.windows.net name: the endpoint key is what makes this challenge work.
      if (key === 'azure.search.endpoint') continue;
      for (const message of messages) add({ level: 'warning', connector: file.name, key, message });
    }
    for (const key of ['topics', 'azure.cosmos.sink.containers.topicMap']) {
      const value = file.config[key];
      if (!value || isPlaceholder(value)) continue;
      const named = key === 'topics' ? value.split(',') : [...parseTopicMap(value).keys()];
      for (const topic of named.map((item) => item.trim()).filter(Boolean)) {
        if (topicNames.includes(topic)) continue;
        const guess = didYouMean(topic, topicNames);
        add({
          level: 'error',
          connector: file.name,
          key,
          message: `topic ${topic} does not exist in this challenge${guess ? ` — did you mean ${guess}?` : '.'}`,
          fix: `The topics are ${topicNames.join(', ')}.`,
        });
      }
    }
  }

  // What each config's own lint said: the challenge-level rules below say nothing more about those keys.
  const ownErrors = new Set(
    findings
      .filter((finding) => finding.level === 'error')
      .map((finding) => `${finding.connector}\u0000${finding.key}`),
  );
  const ownCount = findings.length;

  // The configs as the verify hints see deployed connectors (one shape for both), placeholders left out.
  const views: ConnectorView[] = files.map((file) => ({
    name: file.name,
    type: '',
    config: {
      ...Object.fromEntries(Object.entries(file.config).filter(([, value]) => !isPlaceholder(value))),
      ...(guessedClasses.has(file.name) ? { 'connector.class': guessedClasses.get(file.name)! } : {}),
    },
    state: 'RUNNING',
    tasks: [],
  }));
  const placeholder = (connector: string, key: string | undefined): boolean =>
    key !== undefined && isPlaceholder(files.find((file) => file.name === connector)?.config[key] ?? '');
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
  for (const search of connectorsInRole(spec, views, 'search-sink')) {
    const serviceName = search.config['azure.search.service.name'];
    if (!search.config['azure.search.endpoint'] && (!serviceName || serviceName === 'local-emulator')) {
      add({
        level: 'error',
        connector: search.name,
        key: 'azure.search.endpoint',
        message: `is not set, so the connector would call https://${serviceName ?? '<service name>'}.search.windows.net.`,
        fix: 'For the local stack set azure.search.endpoint=${stack:search.endpoint} (an extension of our worker; the official connector only knows azure.search.service.name, which is what you set on a real cluster).',
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
    } else if (
      !isPlaceholder(strategy) &&
      !idKeepingStrategies.some((known) => known.toLowerCase() === sinkIdStrategy(sink.config).toLowerCase())
    ) {
      add({
        level: 'error',
        connector: sink.name,
        key: 'azure.cosmos.sink.id.strategy',
        message: `${strategy} makes new ids (from the template, the whole key or topic-partition-offset), so no document keeps its record's id and the checks cannot find them.`,
        fix: 'Use ProvidedInValueStrategy: every record value carries its own id.',
      });
    }
  }
  const cosmosSinks = connectorsInRole(spec, views, 'cosmos-sink');
  if (cosmosSinks.length > 0) {
    // One finding per gap, all topics in it: nine "does not consume" lines say less than one.
    const unconsumed = spec.flows.kafkaToCosmos.filter(
      (flow) => !cosmosSinks.some((sink) => consumesTopic(sink.config, flow.topic)),
    );
    if (unconsumed.length > 0 && !cosmosSinks.every((sink) => placeholder(sink.name, 'topics'))) {
      add({
        level: 'error',
        connector: cosmosSinks[0]!.name,
        key: 'topics',
        message: `No Cosmos DB sink consumes ${plural(
          'topic',
          unconsumed.map((flow) => flow.topic),
        )}.`,
        fix: `Add ${unconsumed.map((flow) => flow.topic).join(',')} to the sink's topics.`,
      });
    }
    const unmapped = spec.flows.kafkaToCosmos.filter(
      (flow) =>
        !unconsumed.includes(flow) &&
        !cosmosSinks.some(
          (sink) => cosmosTopicMap(sink.config, 'cosmos-sink').get(flow.topic) === flow.container,
        ),
    );
    const mapKey = 'azure.cosmos.sink.containers.topicMap';
    const alreadySaid = (topic: string): boolean =>
      findings.some(
        (finding) =>
          finding.connector === cosmosSinks[0]!.name &&
          finding.key === mapKey &&
          finding.level === 'error' &&
          new RegExp(`\\b${topic}\\b`).test(finding.message),
      );
    const unsaid = unmapped.filter((flow) => !alreadySaid(flow.topic));
    if (unsaid.length > 0 && !placeholder(cosmosSinks[0]!.name, mapKey)) {
      add({
        level: 'error',
        connector: cosmosSinks[0]!.name,
        key: mapKey,
        message: `does not map ${plural(
          'topic',
          unsaid.map((flow) => `${flow.topic}`),
        )} to ${unsaid.length === 1 ? `container ${unsaid[0]!.container}` : 'their containers'}.`,
        fix: `Add ${unsaid.map((flow) => `${flow.topic}#${flow.container}`).join(',')}.`,
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
  // Nothing more is said about a key that is still a placeholder: its placeholder finding says it all.
  return findings.filter(
    (finding, index) =>
      finding.message.startsWith('still a placeholder') ||
      (!placeholder(finding.connector, finding.key) &&
        (index < ownCount || !ownErrors.has(`${finding.connector}\u0000${finding.key}`))),
  );
}

function plural(noun: string, items: string[]): string {
  return items.length === 1 ? `${noun} ${items[0]}` : `${noun}s ${items.join(', ')}`;
}
