import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchIndexClient } from '../../infra/search/client.ts';
import { startTestEmulator } from '../../infra/search/test-fixtures.ts';
import { uniqueName } from '../../infra/testing/helpers.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { jsonToConnect } from '../runtime/data/connect-json.ts';
import { AzureSearchSinkTask } from './sink-task.ts';
import { VersionLedger } from './versions.ts';

/**
 * Version-aware writes against indexes that cannot hold them, on the real emulator: the task fails with a message
 * that names the fix instead of writing without versions.
 */
let search: Awaited<ReturnType<typeof startTestEmulator>>;
beforeAll(async () => {
  search = await startTestEmulator();
});
afterAll(async () => {
  await search?.dispose();
});

const record = (key: string, ts: number): SinkRecord =>
  ({
    kind: 'sink',
    topic: 'changes',
    kafkaPartition: 0,
    kafkaOffset: ts,
    key,
    keySchema: null,
    value: jsonToConnect({ after: { name: key }, ts }),
    valueSchema: null,
    timestamp: null,
    timestampType: 'CreateTime',
    headers: [],
    originalTopic: 'changes',
    originalKafkaPartition: 0,
    originalKafkaOffset: ts,
  }) as SinkRecord;

async function put(index: string, keyFilterable: boolean, withVersion: boolean): Promise<unknown> {
  await searchIndexClient(search).createIndex({
    name: index,
    fields: [
      { name: 'id', type: 'Edm.String', key: true, filterable: keyFilterable },
      { name: 'name', type: 'Edm.String', searchable: true },
      ...(withVersion ? [{ name: 'document_version', type: 'Edm.Int64' as const, filterable: true }] : []),
    ],
  });
  const task = new AzureSearchSinkTask();
  await task.start({
    'azure.search.endpoint': search.endpoint,
    'azure.search.api.key': search.adminKey,
    'index.name': index,
    'document.field': 'after',
    'document.version.field': 'ts',
  });
  try {
    await task.put([record('a', 1)]);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await task.stop();
  }
}

describe('version-aware writes (document.version.field)', () => {
  it('fail the task naming the missing version field of the index', async () => {
    const error = (await put(uniqueName('nover'), true, false)) as Error & { fix?: string };
    expect(error.message).toMatch(
      /has no field document_version for the versions of document\.version\.field=ts/,
    );
    expect(error.fix).toMatch(/Add a filterable Edm\.Int64 field document_version/);
  });

  it('fail the task naming a key field that cannot be filtered for the stored versions', async () => {
    const error = (await put(uniqueName('nofilter'), false, true)) as Error & { fix?: string };
    expect(error.message).toMatch(
      /Reading the stored versions \(document_version\) of index .* failed with 400/,
    );
    expect(error.fix).toMatch(/Make the key field id filterable/);
  });

  it('write when the index can hold them', async () => {
    expect(await put(uniqueName('ok'), true, true)).toBeUndefined();
  });

  it('remember the newest version per key, the least recently written evicted first', () => {
    const ledger = new VersionLedger(2);
    ledger.remember('i', 'a', 5);
    ledger.remember('i', 'a', 3);
    expect(ledger.get('i', 'a')).toBe(5);
    ledger.remember('i', 'b', 1);
    ledger.remember('i', 'c', 1);
    expect(ledger.get('i', 'a')).toBeUndefined();
    expect(ledger.get('i', 'c')).toBe(1);
  });
});
