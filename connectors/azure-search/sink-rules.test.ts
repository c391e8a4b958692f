import { describe, expect, it } from 'vitest';
import { errorCount, parseConfig } from '../runtime/api/config.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { batches, documentKey, searchEndpoint } from './sink-task.ts';
import { isValidIndexName, searchKeys, searchSinkSpec } from './spec.ts';

function record(key: unknown, offset = 5): SinkRecord {
  return {
    kind: 'sink',
    topic: 'users',
    kafkaPartition: 1,
    kafkaOffset: offset,
    keySchema: null,
    key,
    valueSchema: null,
    value: null,
    timestamp: null,
    headers: [],
    timestampType: 'CreateTime',
    originalTopic: 'users',
    originalKafkaPartition: 1,
    originalKafkaOffset: offset,
  };
}

describe('search sink config', () => {
  it('parses the Confluent keys with their defaults', () => {
    const config = parseConfig(searchSinkSpec, {
      'azure.search.service.name': 'svc',
      'azure.search.api.key': 'k',
    });
    expect(errorCount(config)).toBe(0);
    expect(config.values).toMatchObject({
      [searchKeys.indexName]: '${topic}',
      [searchKeys.writeMethod]: 'UPLOAD',
      [searchKeys.maxBatchSize]: 1,
      [searchKeys.behaviorOnError]: 'FAIL',
      [searchKeys.maxRetryMs]: 300000,
    });
  });

  it('refuses batches over 1000, unknown write methods and bad index names', () => {
    const config = parseConfig(searchSinkSpec, {
      'azure.search.endpoint': 'http://127.0.0.1:8084',
      'azure.search.api.key': 'k',
      'max.batch.size': '1001',
      'write.method': 'MERGE',
      'index.name': 'Users_${topic}',
    });
    expect(config.errors[searchKeys.maxBatchSize]).toHaveLength(1);
    expect(config.errors[searchKeys.writeMethod]).toHaveLength(1);
    expect(config.errors[searchKeys.indexName]).toHaveLength(1);
    expect(config.errors[searchKeys.serviceName]).toEqual([]);
  });

  it('derives the endpoint from the service name unless one is given', () => {
    expect(searchEndpoint('svc', '')).toBe('https://svc.search.windows.net');
    expect(searchEndpoint('svc', 'http://127.0.0.1:8084/')).toBe('http://127.0.0.1:8084');
    expect(isValidIndexName('users')).toBe(true);
    expect(isValidIndexName('-users')).toBe(false);
  });
});

describe('document keys', () => {
  it("take the record key, a structured key's key field, or the Kafka coordinates", () => {
    expect(documentKey(record('u-1'), 'id', 'KEY')).toBe('u-1');
    expect(documentKey(record(12n), 'id', 'KEY')).toBe('12');
    expect(documentKey(record(new Map([['id', 'u-2']])), 'id', 'KEY')).toBe('u-2');
    expect(documentKey(record(null), 'id', 'KEY')).toBeUndefined();
    expect(documentKey(record('x', 9), 'id', 'COORDINATES')).toBe('users-1-9');
  });
});

describe('batches', () => {
  it('keep record order, cap the size, and start a new batch for a repeated key or another index', () => {
    const actions = [
      { index: 'a', key: '1' },
      { index: 'a', key: '2' },
      { index: 'a', key: '1' },
      { index: 'a', key: '3' },
      { index: 'b', key: '4' },
      { index: 'b', key: '5' },
      { index: 'b', key: '6' },
    ];
    expect(batches(actions, 2).map((batch) => batch.map((action) => action.key))).toEqual([
      ['1', '2'],
      ['1', '3'],
      ['4', '5'],
      ['6'],
    ]);
  });
});
