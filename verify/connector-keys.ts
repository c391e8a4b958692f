import type { PipelineSpec, ConnectorRole } from '../challenges/spec.ts';
import type { ConnectorView } from './connect-state.ts';

/**
 * Reading the settings that matter for hints and lint out of a connector config, whichever generation of keys
 * it uses (Cosmos v2 `azure.cosmos.*` or v1 `connect.cosmos.*`).
 */
const first = (config: Record<string, string>, ...keys: string[]): string | undefined =>
  keys.map((key) => config[key]).find((value) => value !== undefined && value !== '');

export function roleOf(spec: PipelineSpec, connectorClass: string | undefined): ConnectorRole | undefined {
  if (!connectorClass) return undefined;
  const simple = (name: string): string => name.split('.').pop() ?? name;
  for (const [role, classes] of Object.entries(spec.roles) as Array<[ConnectorRole, string[]]>) {
    if (
      classes.some(
        (name) =>
          name === connectorClass ||
          simple(name) === connectorClass ||
          simple(name).replace(/Connector$/, '') === connectorClass,
      )
    ) {
      return role;
    }
  }
  return undefined;
}

export function connectorsInRole(
  spec: PipelineSpec,
  connectors: ConnectorView[],
  role: ConnectorRole,
): ConnectorView[] {
  return connectors.filter((connector) => roleOf(spec, connector.config['connector.class']) === role);
}

/** `topic#container,…` → topic → container. */
export function parseTopicMap(value: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [topic, container] = pair.split('#');
    if (topic && container) map.set(topic.trim(), container.trim());
  }
  return map;
}

export function cosmosDatabase(
  config: Record<string, string>,
  role: 'cosmos-source' | 'cosmos-sink',
): string | undefined {
  return role === 'cosmos-source'
    ? first(config, 'azure.cosmos.source.database.name', 'connect.cosmos.databasename')
    : first(config, 'azure.cosmos.sink.database.name', 'connect.cosmos.databasename');
}

export function cosmosTopicMap(
  config: Record<string, string>,
  role: 'cosmos-source' | 'cosmos-sink',
): Map<string, string> {
  return parseTopicMap(
    role === 'cosmos-source'
      ? first(config, 'azure.cosmos.source.containers.topicMap', 'connect.cosmos.containers.topicmap')
      : first(config, 'azure.cosmos.sink.containers.topicMap', 'connect.cosmos.containers.topicmap'),
  );
}

/** Containers a source reads: its topic map's containers, plus the included list (or everything with includeAll). */
export function sourceContainers(config: Record<string, string>): { all: boolean; containers: Set<string> } {
  const all = first(config, 'azure.cosmos.source.containers.includeAll')?.toLowerCase() === 'true';
  const listed = (first(config, 'azure.cosmos.source.containers.includedList') ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const mapped = [...cosmosTopicMap(config, 'cosmos-source').values()];
  return { all, containers: new Set([...listed, ...mapped]) };
}

/** Topic a source writes a container to: the topic map's entry, else the container's own name (as v2 does). */
export function sourceTopicOf(config: Record<string, string>, container: string): string {
  for (const [topic, mapped] of cosmosTopicMap(config, 'cosmos-source'))
    if (mapped === container) return topic;
  return container;
}

export function sinkIdStrategy(config: Record<string, string>): string {
  return first(config, 'azure.cosmos.sink.id.strategy', 'id.strategy') ?? 'ProvidedInValueStrategy';
}

/** Whether a sink connector consumes a topic (`topics` list or `topics.regex`, full match as in Java). */
export function consumesTopic(config: Record<string, string>, topic: string): boolean {
  const topics = (config.topics ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (topics.includes(topic)) return true;
  const regex = config['topics.regex'];
  if (!regex) return false;
  try {
    return new RegExp(`^(?:${regex})$`).test(topic);
  } catch {
    return false;
  }
}

export function searchIndexOf(config: Record<string, string>, topic: string): string {
  return (config['index.name'] ?? '${topic}').replace(/\$\{topic\}/g, topic);
}

export function deadLetterTopic(config: Record<string, string>): string | undefined {
  return first(config, 'errors.deadletterqueue.topic.name');
}
