import type { CosmosClient } from '@azure/cosmos';
import { ConfigReader, parseConfig, type ParsedConfig, parseValidConfig } from '../runtime/api/config.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import type { Connector, ConnectorContext, Props } from '../runtime/api/plugins.ts';
import { cosmosClientFor, statusOf } from './client.ts';
import { assignmentsKey, type Assignment } from './source-task.ts';
import { keys, parseTopicMap, sinkSpec, sourceSpec } from './spec.ts';

/** Splits units over at most `maxTasks` tasks, round-robin, so containers and feed ranges spread evenly. */
export function spread<T>(units: T[], maxTasks: number): T[][] {
  const groups: T[][] = Array.from({ length: Math.max(1, Math.min(maxTasks, units.length)) }, () => []);
  units.forEach((unit, index) => groups[index % groups.length]!.push(unit));
  return groups.filter((group) => group.length > 0);
}

/** The containers a source config reads and the topic of each (a container without a topic-map entry: its name). */
export function sourceContainers(
  config: ParsedConfig,
  existing: string[],
): Array<{ container: string; topic: string }> {
  const read = new ConfigReader(config);
  const topicMap = parseTopicMap(read.list(keys.sourceTopicMap));
  const topicOf = new Map(topicMap.map((entry) => [entry.container, entry.topic]));
  let names: string[];
  if (read.boolean(keys.includeAll)) names = existing.filter((name) => !name.startsWith('_'));
  else if (read.list(keys.includedList).length > 0) names = read.list(keys.includedList);
  else names = topicMap.map((entry) => entry.container);
  return [...new Set(names)].map((container) => ({ container, topic: topicOf.get(container) ?? container }));
}

/**
 * `CosmosSourceConnector`: finds the feed ranges of the configured containers, spreads them over tasks, and
 * re-checks every `metadata.poll.delay.ms`, asking for new task configs when containers or ranges change.
 */
export class CosmosSourceConnector implements Connector {
  readonly type = 'source' as const;
  private context: ConnectorContext | undefined;
  private props: Props = {};
  private parsed: ParsedConfig | undefined;
  private client: CosmosClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private known = '';

  config(): typeof sourceSpec {
    return sourceSpec;
  }

  initialize(context: ConnectorContext): void {
    this.context = context;
  }

  async start(props: Props): Promise<void> {
    this.props = props;
    this.parsed = parseValidConfig(sourceSpec, props);
    this.client = cosmosClientFor(this.parsed, 'connect-hack-cosmos-source');
    this.known = JSON.stringify(await this.assignments());
    const delay = new ConfigReader(this.parsed).int(keys.metadataPollDelay);
    this.timer = setInterval(() => void this.checkMetadata(), delay);
    this.timer.unref();
  }

  async taskConfigs(maxTasks: number): Promise<Props[]> {
    const assignments = await this.assignments();
    this.known = JSON.stringify(assignments);
    return spread(assignments, maxTasks).map((group) => ({
      ...this.props,
      [assignmentsKey]: JSON.stringify(group),
    }));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.client?.dispose();
    this.client = undefined;
  }

  private async checkMetadata(): Promise<void> {
    try {
      const now = JSON.stringify(await this.assignments());
      if (now !== this.known) {
        this.known = now;
        this.context?.requestTaskReconfiguration();
      }
    } catch {
      // A failed metadata check is tried again at the next tick; the running tasks are unaffected.
    }
  }

  /** Every (container, feed range) to read, in a stable order. Containers that do not exist yet are skipped. */
  private async assignments(): Promise<Assignment[]> {
    if (!this.client || !this.parsed)
      throw new ConnectException('The Cosmos source connector was not started');
    const database = this.client.database(new ConfigReader(this.parsed).string(keys.sourceDatabase));
    const { resources } = await database.containers.readAll().fetchAll();
    const existing = resources.map((resource) => resource.id);
    const result: Assignment[] = [];
    for (const { container: name, topic } of sourceContainers(this.parsed, existing)) {
      const container = database.container(name);
      try {
        const { resource } = await container.read();
        if (!resource) continue;
        for (const range of await container.getFeedRanges()) {
          result.push({
            container: name,
            containerRid: resource._rid,
            topic,
            min: range.minInclusive,
            max: range.maxExclusive,
          });
        }
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return result.sort((a, b) => `${a.container}|${a.min}`.localeCompare(`${b.container}|${b.min}`));
  }
}

/** `CosmosSinkConnector`: every task gets the same config; Kafka spreads the topic partitions over them. */
export class CosmosSinkConnector implements Connector {
  readonly type = 'sink' as const;
  private props: Props = {};

  config(): typeof sinkSpec {
    return sinkSpec;
  }

  start(props: Props): void {
    parseValidConfig(sinkSpec, props);
    this.props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  validate(props: Props): Record<string, string[]> {
    const config = parseConfig(sinkSpec, props);
    const mapped = new Set(
      parseTopicMapSafe(new ConfigReader(config).list(keys.sinkTopicMap)).map((entry) => entry.topic),
    );
    const topics = (props.topics ?? '')
      .split(',')
      .map((topic) => topic.trim())
      .filter(Boolean);
    const unmapped = topics.filter((topic) => !mapped.has(topic));
    return unmapped.length > 0
      ? { [keys.sinkTopicMap]: [`No container is mapped for topic(s) ${unmapped.join(', ')}`] }
      : {};
  }
}

function parseTopicMapSafe(entries: string[]): Array<{ topic: string; container: string }> {
  try {
    return parseTopicMap(entries);
  } catch {
    return [];
  }
}
