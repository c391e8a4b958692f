import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../runtime/api/records.ts';
import { bulkBody, fieldAt, operationFor, type DocumentSettings } from './documents.ts';

const settings: DocumentSettings = {
  keyIgnore: false,
  idStrategy: 'topic.partition.offset',
  onNullValues: 'delete',
  documentField: 'after.value',
  versionField: 'ts_ms',
  deleteOpField: 'op',
};

const record = (key: unknown, value: unknown, offset = 7): SinkRecord => ({
  kind: 'sink',
  topic: 'cdc',
  kafkaPartition: 2,
  kafkaOffset: offset,
  key,
  keySchema: null,
  value,
  valueSchema: null,
  timestamp: null,
  timestampType: 'CreateTime',
  headers: [],
  originalTopic: 'cdc',
  originalKafkaPartition: 2,
  originalKafkaOffset: offset,
});

const event = (op: string, ts: number, value: unknown = { type: 'service', object: { name: 'billing' } }) =>
  new Map<string, unknown>([
    [
      'after',
      new Map<string, unknown>([
        ['key', 'c/1/o/service/9'],
        ['value', value],
      ]),
    ],
    ['op', op],
    ['ts_ms', ts],
  ]);

describe('OpenSearch sink: records to bulk operations', () => {
  it('upserts the nested document under the record key with the external version', () => {
    const operation = operationFor(record('c/1/o/service/9', event('u', 1700)), settings)!;
    expect(operation).toMatchObject({ action: 'index', id: 'c/1/o/service/9', version: 1700 });
    expect(bulkBody([operation])).toEqual([
      { index: { _index: 'cdc', _id: 'c/1/o/service/9', version: 1700, version_type: 'external' } },
      { type: 'service', object: { name: 'billing' } },
    ]);
  });

  it('deletes on op d and on tombstones, and ids records by coordinates when the key is ignored', () => {
    expect(operationFor(record('k', event('d', 1800, null)), settings)).toMatchObject({
      action: 'delete',
      id: 'k',
      version: 1800,
    });
    expect(operationFor(record('k', null), settings)).toMatchObject({ action: 'delete', id: 'k' });
    expect(operationFor(record('k', null), { ...settings, onNullValues: 'ignore' })).toBeUndefined();
    expect(operationFor(record('k', event('u', 1)), { ...settings, keyIgnore: true })!.id).toBe('cdc+2+7');
  });

  it('names what makes a record unusable: no key, no document, no version', () => {
    expect(() => operationFor(record(null, event('u', 1)), settings)).toThrow(/Key is used as document id/);
    expect(() => operationFor(record('k', event('u', 1, 'plain')), settings)).toThrow(
      /no document object at after\.value/,
    );
    expect(() => operationFor(record('k', new Map([['op', 'u']])), settings)).toThrow(
      /no usable version at ts_ms/,
    );
    expect(() => operationFor(record('k', 42), settings)).toThrow(/must be an object/);
    expect(fieldAt({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(fieldAt({ a: null }, 'a.b')).toBeUndefined();
  });
});
