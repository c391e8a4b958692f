import { describe, expect, it } from 'vitest';
import { parseConfig } from '../runtime/api/config.ts';
import { sourceContainers, spread } from './connector.ts';
import { lintConnectorConfig, lintConnectorConfigs } from './lint.ts';
import { pageRecords, sourcePartition, startFromOf } from './source-task.ts';
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

describe('change feed page records', () => {
  it('key by messageKey.field, keep the document whole, and give only the last record the new continuation', () => {
    const partition = { database: 'retail', containerRid: 'r', feedRange: '{}' };
    const records = pageRecords(
      [
        { id: 'u1', email: 'a@x', _ts: 100, _lsn: 7 },
        { id: 'u2', email: 'b@x', _ts: 101, _lsn: 8 },
      ],
      { topic: 'users', partition, messageKey: 'email', before: 'c1', after: 'c2' },
    );
    expect(records.map((record) => record.key)).toEqual(['a@x', 'b@x']);
    expect(records.map((record) => record.sourceOffset)).toEqual([
      { continuationState: 'c1', itemLsn: 7 },
      { continuationState: 'c2', itemLsn: 8 },
    ]);
    expect(records[0]!.timestamp).toBe(100_000);
    expect((records[0]!.value as Map<string, unknown>).get('_lsn')).toBe(7n);
    const unkeyed = pageRecords([{ id: 'u3' }], {
      topic: 't',
      partition,
      messageKey: undefined,
      before: null,
      after: 'c',
    });
    expect(unkeyed[0]!.key).toBeNull();
  });
});
