import { describe, expect, it } from 'vitest';
import { parseConfig } from '../runtime/api/config.ts';
import { sourceContainers, spread } from './connector.ts';
import { lintConnectorConfig, lintConnectorConfigs } from './lint.ts';
import { sourcePartition, startFromOf } from './source-task.ts';
import { keys, sourceSpec } from './spec.ts';

const source = {
  'connector.class': 'com.azure.cosmos.kafka.connect.CosmosSourceConnector',
  'azure.cosmos.account.endpoint': 'https://127.0.0.1:8081',
  'azure.cosmos.account.key': 'a2V5',
  'azure.cosmos.source.database.name': 'retail',
  'azure.cosmos.source.containers.includedList': 'users,products',
  'azure.cosmos.source.containers.topicMap': 'users#users,product-events#products',
};

describe('Cosmos source config', () => {
  it('maps each container to its topic, defaulting to the container name', () => {
    const config = parseConfig(sourceSpec, { ...source, [keys.sourceTopicMap]: 'product-events#products' });
    expect(sourceContainers(config, [])).toEqual([
      { container: 'users', topic: 'users' },
      { container: 'products', topic: 'product-events' },
    ]);
  });

  it("reads every existing container with includeAll, and the topic map's containers with v1 keys", () => {
    const all = parseConfig(sourceSpec, { ...source, [keys.includeAll]: 'true' });
    expect(sourceContainers(all, ['users', 'orders']).map((entry) => entry.container)).toEqual([
      'users',
      'orders',
    ]);
    const v1 = parseConfig(sourceSpec, {
      'connect.cosmos.connection.endpoint': 'https://127.0.0.1:8081',
      'connect.cosmos.master.key': 'a2V5',
      'connect.cosmos.databasename': 'retail',
      'connect.cosmos.containers.topicmap': 'users#users',
      'connect.cosmos.offset.useLatest': 'true',
    });
    expect(sourceContainers(v1, [])).toEqual([{ container: 'users', topic: 'users' }]);
    expect(startFromOf(v1)).toEqual({ kind: 'Now' });
  });

  it('starts from Beginning by default, or Now, or an instant', () => {
    expect(startFromOf(parseConfig(sourceSpec, source))).toEqual({ kind: 'Beginning' });
    expect(startFromOf(parseConfig(sourceSpec, { ...source, [keys.startFrom]: 'now' }))).toEqual({
      kind: 'Now',
    });
    const at = startFromOf(parseConfig(sourceSpec, { ...source, [keys.startFrom]: '2026-11-21T18:00:00Z' }));
    expect(at).toEqual({ kind: 'Time', at: new Date('2026-11-21T18:00:00Z') });
    expect(
      parseConfig(sourceSpec, { ...source, [keys.startFrom]: 'yesterday' }).errors[keys.startFrom],
    ).toHaveLength(1);
  });

  it('spreads feed ranges round-robin over at most tasks.max tasks', () => {
    expect(spread([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
    expect(spread([1], 4)).toEqual([[1]]);
    expect(spread([], 3)).toEqual([]);
  });

  it('keys offsets by database, container _rid and feed range', () => {
    expect(
      sourcePartition('retail', {
        container: 'users',
        containerRid: 'rid1',
        topic: 'users',
        min: '',
        max: 'FF',
      }),
    ).toEqual({
      database: 'retail',
      containerRid: 'rid1',
      feedRange: '{"min":"","max":"FF"}',
    });
  });
});

describe('lintConnectorConfig', () => {
  it('passes a valid source and flags unknown keys as warnings', () => {
    const result = lintConnectorConfig({
      ...source,
      'azure.cosmos.source.changefeed.startFrom': 'Now',
      'tasks.max': '2',
    });
    expect(result.connector).toBe('cosmos-source');
    expect(result.errors).toEqual({});
    expect(Object.keys(result.warnings)).toEqual(['azure.cosmos.source.changefeed.startFrom']);
  });

  it('reports errors per key, skipping values a config provider fills in', () => {
    const result = lintConnectorConfig({
      'connector.class': 'CosmosSinkConnector',
      topics: 'users,returns',
      'azure.cosmos.account.endpoint': '${stack:cosmos:endpoint}',
      'azure.cosmos.account.key': '${stack:cosmos:key}',
      'azure.cosmos.sink.database.name': 'retail-sink',
      'azure.cosmos.sink.containers.topicMap': 'users#users',
      'azure.cosmos.sink.write.strategy': 'Upsert',
    });
    expect(result.connector).toBe('cosmos-sink');
    expect(Object.keys(result.errors).sort()).toEqual([keys.sinkTopicMap, keys.writeStrategy]);
    expect(result.errors[keys.sinkTopicMap]![0]).toMatch(/returns/);
  });

  it('knows the search sink and leaves other connectors alone', () => {
    const search = lintConnectorConfig({
      'connector.class': 'io.confluent.connect.azure.search.AzureSearchSinkConnector',
      topics: 'users',
      'azure.search.api.key': 'k',
      'max.batch.size': '5000',
    });
    expect(search.connector).toBe('azure-search-sink');
    expect(Object.keys(search.errors).sort()).toEqual(['azure.search.service.name', 'max.batch.size']);
    expect(lintConnectorConfig({ 'connector.class': 'FileStreamSink' }).connector).toBeUndefined();
  });

  it('flags a sink that writes into a container the source reads', () => {
    const sink = {
      'connector.class': 'com.azure.cosmos.kafka.connect.CosmosSinkConnector',
      topics: 'users',
      'azure.cosmos.account.endpoint': 'https://127.0.0.1:8081/',
      'azure.cosmos.account.key': 'a2V5',
      'azure.cosmos.sink.database.name': 'retail',
      'azure.cosmos.sink.containers.topicMap': 'users#users',
    };
    const [, looping] = lintConnectorConfigs([source, sink]);
    expect(looping!.errors[keys.sinkTopicMap]![0]).toMatch(/forever/);
    const [, fine] = lintConnectorConfigs([
      source,
      { ...sink, 'azure.cosmos.sink.database.name': 'retail-sink' },
    ]);
    expect(fine!.errors).toEqual({});
  });
});
