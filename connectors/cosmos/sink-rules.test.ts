import { describe, expect, it } from 'vitest';
import { errorCount, parseConfig } from '../runtime/api/config.ts';
import { itemId, sanitizeId, type IdStrategyConfig } from './id-strategy.ts';
import { parsePatchConfigs, patchBody, planWrite, waves } from './operations.ts';
import { partitionKeyOf, pathSegments } from './partition-key.ts';
import { sinkSettings } from './sink-task.ts';
import { idStrategyName, keys, parseTopicMap, sinkSpec } from './spec.ts';

const record = { topic: 'purchases', kafkaPartition: 2, kafkaOffset: 17 };
const ids = (
  strategy: IdStrategyConfig['strategy'],
  extra: Partial<IdStrategyConfig> = {},
): IdStrategyConfig => ({
  strategy,
  template: '${topic}-${key}',
  jsonPath: '$.id',
  delimiter: '-',
  ...extra,
});

describe('id strategies', () => {
  it("ProvidedInValue reads the value's id (or jsonPath) and fails without one", () => {
    expect(itemId(record, null, { id: 'p-1' }, ids('ProvidedInValueStrategy'))).toBe('p-1');
    expect(itemId(record, null, { id: 12 }, ids('ProvidedInValueStrategy'))).toBe('12');
    expect(
      itemId(record, null, { ref: { no: 'x' } }, ids('ProvidedInValueStrategy', { jsonPath: '$.ref.no' })),
    ).toBe('x');
    expect(itemId(record, null, { name: 'no id' }, ids('ProvidedInValueStrategy'))).toBeUndefined();
  });

  it("ProvidedInKey takes a string key whole and a structured key's id", () => {
    expect(itemId(record, 'k1', {}, ids('ProvidedInKeyStrategy'))).toBe('k1');
    expect(itemId(record, { id: 'k2', x: 1 }, {}, ids('ProvidedInKeyStrategy'))).toBe('k2');
  });

  it('FullKey, KafkaMetadata and Template build ids from the key and coordinates', () => {
    expect(itemId(record, { a: 1 }, {}, ids('FullKeyStrategy'))).toBe('{"a":1}');
    expect(itemId(record, null, {}, ids('KafkaMetadataStrategy', { delimiter: '_' }))).toBe('purchases_2_17');
    expect(
      itemId(
        record,
        'k',
        { userId: 'u9' },
        ids('TemplateStrategy', { template: '${topic}-${value.userId}-${offset}' }),
      ),
    ).toBe('purchases-u9-17');
  });

  it('replaces the characters Cosmos forbids in ids', () => {
    expect(sanitizeId('a/b\\c?d#e')).toBe('a_b_c_d_e');
    expect(itemId(record, 'c/o/1', {}, ids('FullKeyStrategy'))).toBe('c_o_1');
  });

  it('accepts short names and v1 class names', () => {
    expect(idStrategyName('com.azure.cosmos.kafka.connect.sink.id.strategy.FullKeyStrategy')).toBe(
      'FullKeyStrategy',
    );
    expect(idStrategyName('ProvidedInKey')).toBe('ProvidedInKeyStrategy');
    expect(idStrategyName('Nonsense')).toBeUndefined();
  });
});

describe('partition keys', () => {
  it('follow the container definition, not the id', () => {
    expect(partitionKeyOf({ id: 'p1', category: 'toys' }, { paths: ['/category'] })).toBe('toys');
    expect(partitionKeyOf({ id: 'p1', address: { zip: '0100' } }, { paths: ['/address/zip'] })).toBe('0100');
    expect(partitionKeyOf({ id: 'p1', n: 3 }, { paths: ['/n'] })).toBe(3);
  });

  it('give one value per level of a hierarchical key', () => {
    expect(
      partitionKeyOf(
        { id: 'r1', userId: 'u1', productId: 'p1' },
        { paths: ['/userId', '/productId'], kind: 'MultiHash' },
      ),
    ).toEqual(['u1', 'p1']);
  });

  it('use the "none" value for a missing path and refuse objects', () => {
    expect(partitionKeyOf({ id: 'x' }, { paths: ['/category'] })).toEqual({});
    expect(partitionKeyOf({ id: 'x', category: { a: 1 } }, { paths: ['/category'] })).toBeUndefined();
  });

  it('read quoted path segments', () => {
    expect(pathSegments('/a/"b c"/d')).toEqual(['a', 'b c', 'd']);
  });
});

describe('write strategies', () => {
  const patch = { defaultOp: 'Set', overrides: new Map(), filter: '' };
  it('map onto bulk operation types with the statuses each strategy accepts', () => {
    expect(planWrite('ItemOverwrite', { id: 'a' }, 'a', 'a', patch).operation.operationType).toBe('Upsert');
    expect(planWrite('ItemAppend', { id: 'a' }, 'a', 'a', patch).acceptedStatuses).toEqual([409]);
    expect(planWrite('ItemDelete', { id: 'a' }, 'a', 'a', patch).operation.operationType).toBe('Delete');
    const ifMatch = planWrite('ItemOverwriteIfNotModified', { id: 'a', _etag: '"e1"' }, 'a', 'a', patch);
    expect(ifMatch.operation).toMatchObject({ operationType: 'Replace', ifMatch: '"e1"' });
    expect(
      planWrite('ItemOverwriteIfNotModified', { id: 'a' }, 'a', 'a', patch).operation.operationType,
    ).toBe('Create');
    expect(planWrite('ItemDeleteIfNotModified', { id: 'a', _etag: '"e"' }, 'a', 'a', patch).etag).toBe('"e"');
  });

  it('patch every field with the default op, per-field overrides, and the filter as condition', () => {
    const overrides = parsePatchConfigs('property(stock).op(Increment), property(note).op(Remove)');
    const body = patchBody(
      { id: 'p1', _etag: 'x', name: 'n', stock: 2, note: 'old' },
      { defaultOp: 'Set', overrides, filter: 'FROM c WHERE c.stock > 0' },
    );
    expect(body).toEqual({
      operations: [
        { op: 'set', path: '/name', value: 'n' },
        { op: 'incr', path: '/stock', value: 2 },
        { op: 'remove', path: '/note' },
      ],
      condition: 'FROM c WHERE c.stock > 0',
    });
  });

  it('leave the partition key fields out of patches (Cosmos refuses to patch them)', () => {
    const body = patchBody(
      { id: 'p1', category: 'toys', stock: 2 },
      { defaultOp: 'Set', overrides: new Map(), filter: '', partitionKeyFields: new Set(['category']) },
    );
    expect(body).toEqual([{ op: 'set', path: '/stock', value: 2 }]);
  });

  it('split repeated writes of one item into later waves, in record order', () => {
    const result = waves([
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
      { key: 'a', n: 3 },
      { key: 'a', n: 4 },
    ]);
    expect(result.map((wave) => wave.map((write) => write.n))).toEqual([[1, 2], [3], [4]]);
  });
});

describe('sink config', () => {
  const base = {
    'azure.cosmos.account.endpoint': 'https://127.0.0.1:8081',
    'azure.cosmos.account.key': 'a2V5',
    'azure.cosmos.sink.database.name': 'retail-sink',
    'azure.cosmos.sink.containers.topicMap': 'users#users,products#products',
  };

  it('parses the v2 keys with the official defaults', () => {
    const config = parseConfig(sinkSpec, base);
    expect(errorCount(config)).toBe(0);
    const settings = sinkSettings(config, {});
    expect(settings).toMatchObject({
      database: 'retail-sink',
      writeStrategy: 'ItemOverwrite',
      bulk: true,
      maxRetryCount: 10,
      tolerateAll: false,
      tombstoneDelete: false,
    });
    expect(settings.id.strategy).toBe('ProvidedInValueStrategy');
    expect([...settings.topicMap]).toEqual([
      ['users', 'users'],
      ['products', 'products'],
    ]);
  });

  it('accepts the v1 keys and class-name id strategies', () => {
    const config = parseConfig(sinkSpec, {
      'connect.cosmos.connection.endpoint': 'https://127.0.0.1:8081',
      'connect.cosmos.master.key': 'a2V5',
      'connect.cosmos.databasename': 'retail-sink',
      'connect.cosmos.containers.topicmap': 'users#users',
      'connect.cosmos.sink.bulk.enabled': 'false',
      'id.strategy': 'com.azure.cosmos.kafka.connect.sink.id.strategy.ProvidedInKeyStrategy',
    });
    expect(errorCount(config)).toBe(0);
    const settings = sinkSettings(config, { 'errors.tolerance': 'all' });
    expect(settings.bulk).toBe(false);
    expect(settings.id.strategy).toBe('ProvidedInKeyStrategy');
    expect(settings.tolerateAll).toBe(true);
  });

  it('names the key at fault: bad topic map, unknown strategy, missing account key', () => {
    const config = parseConfig(sinkSpec, {
      ...base,
      'azure.cosmos.account.key': undefined,
      [keys.sinkTopicMap]: 'users',
      [keys.writeStrategy]: 'ItemUpsert',
    });
    expect(config.errors[keys.sinkTopicMap]?.[0]).toMatch(/topic#container/);
    expect(config.errors[keys.writeStrategy]?.[0]).toMatch(/ItemOverwrite/);
    expect(config.errors[keys.accountKey]?.[0]).toMatch(/MasterKey/);
  });

  it('parses topic maps', () => {
    expect(parseTopicMap(['a#b', ' c # d '])).toEqual([
      { topic: 'a', container: 'b' },
      { topic: 'c', container: 'd' },
    ]);
    expect(() => parseTopicMap(['a#b#c'])).toThrow(/topic#container/);
  });
});
