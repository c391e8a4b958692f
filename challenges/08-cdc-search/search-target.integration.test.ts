import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureSearchSinkTask } from '../../connectors/azure-search/sink-task.ts';
import type { Props, SinkTaskContext } from '../../connectors/runtime/api/plugins.ts';
import type { SinkRecord } from '../../connectors/runtime/api/records.ts';
import { searchIndexClient } from '../../infra/search/client.ts';
import { startTestEmulator } from '../../infra/search/test-fixtures.ts';
import { evaluateGraph } from '../../verify/graph.ts';
import { fuzzyTargets } from './challenge.ts';
import { INDEX, searchChecks, TARGETS, type CdcState } from './checks.ts';
import { generateCdcEvents } from './data.ts';
import { indexFields, searchIndexReader } from './search-target.ts';
import { running, sinkRecord } from './test-fixtures.ts';

/**
 * Challenge 08's checks against Azure AI Search: the change events put through our Azure AI Search sink's task
 * (as the worker would, after the solution's ValueToKey/ExtractField$Key: the record key is `after.key`) into the
 * real emulator, read back by the challenge's Search reader — healthy, across a restarted task and a full replay,
 * then broken the ways real pipelines break, each verdict naming its cause. No Kafka: the task's bad records are
 * collected as the worker's dead letter queue would.
 */
const seed = 11;
const { events } = generateCdcEvents(seed);
let search: Awaited<ReturnType<typeof startTestEmulator>>;

beforeAll(async () => {
  search = await startTestEmulator();
});
afterAll(async () => {
  await search?.dispose();
});

const solution: Props = {
  name: 'search-sink',
  'index.name': INDEX,
  'key.mode': 'KEY',
  'key.encoding': 'BASE64URL',
  'document.field': 'after.value',
  'document.version.field': 'ts_ms',
  'document.delete.op.field': 'op',
  'max.batch.size': '500',
  'behavior.on.error': 'LOG',
  'errors.tolerance': 'all',
};

const records = (options: { keyed: boolean }): SinkRecord[] =>
  events.map((event, offset) =>
    sinkRecord({ topic: 'cdc-events', offset, key: options.keyed ? event.after.key : null, value: event }),
  );

async function startTask(props: Props, dlq: CdcState['dlq']): Promise<AzureSearchSinkTask> {
  const task = new AzureSearchSinkTask();
  const context: SinkTaskContext = {
    configs: () => props,
    offset: () => undefined,
    requestCommit: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    assignment: () => [],
    errantRecordReporter: () => (record, error) => {
      dlq.push({ key: record.key === null ? null : String(record.key), message: error.message });
      return Promise.resolve();
    },
  };
  task.initialize(context);
  await task.start({
    ...props,
    'azure.search.endpoint': search.endpoint,
    'azure.search.api.key': search.adminKey,
  });
  return task;
}

/** A fresh index, the stream put through the sink in polls of 60 records, the state the checks see. */
async function stateAfter(
  config: Props,
  options: { keyed?: boolean; restartAt?: number; replay?: boolean } = {},
): Promise<CdcState> {
  const indexes = searchIndexClient(search);
  await indexes.deleteIndex(INDEX).catch(() => undefined);
  await indexes.createIndex({ name: INDEX, fields: indexFields(seed) });
  const dlq: CdcState['dlq'] = [];
  const stream = records({ keyed: options.keyed ?? true });
  const all = options.replay ? [...stream, ...stream] : stream;
  let task = await startTask(config, dlq);
  for (let start = 0; start < all.length; start += 60) {
    if (options.restartAt !== undefined && start === options.restartAt) {
      // A restarted worker: a new task that remembers nothing, only what the index holds.
      await task.stop();
      task = await startTask(config, dlq);
    }
    await task.put(all.slice(start, start + 60));
  }
  await task.stop();
  const reader = searchIndexReader(search);
  const index = await reader.documents();
  return {
    target: 'search',
    connectors: [
      running('file-source', 'org.apache.kafka.connect.file.FileStreamSourceConnector'),
      running('search-sink', TARGETS.search.sinkClass),
    ],
    events,
    unreadable: 0,
    fileLines: events.length,
    index,
    dlq,
    fuzzy: await reader.fuzzy(fuzzyTargets(events)),
  };
}

const verdict = (state: CdcState) => {
  const results = evaluateGraph(searchChecks, state);
  return { results, cause: results.find((result) => !result.passed && !result.blockedBy) };
};

describe('challenge 08 checks on Azure AI Search', { timeout: 120_000 }, () => {
  it('pass on the reference sink config: one document per live entity, latest versions, deletes applied, fuzzy hits (Lucene name~n)', async () => {
    const { results, cause } = verdict(await stateAfter(solution));
    expect(cause).toBeUndefined();
    expect(results.every((result) => result.passed)).toBe(true);
  });

  it('pass after a restarted task and the whole stream replayed: older events lose to the versions in the index', async () => {
    const state = await stateAfter(solution, {
      restartAt: events.length - (events.length % 60),
      replay: true,
    });
    expect(verdict(state).cause).toBeUndefined();
    expect(state.index.documents.size).toBe(
      verdict(state).results.find((r) => r.id === 'latest-once')!.expected,
    );
  });

  it('name a replayed older event that wins without version-aware writes', async () => {
    const { results, cause } = verdict(await stateAfter({ ...solution, 'document.version.field': '' }));
    expect(cause?.id).toBe('latest-content');
    expect(cause?.hint).toMatch(
      /older version.*late replayed event.*no external versions.*document\.version\.field=ts_ms/,
    );
    expect(results.find((result) => result.id === 'fuzzy-search')?.blockedBy).toBe('latest-content');
  });

  it('name Kafka coordinates as keys: every update appends a document', async () => {
    const { cause } = verdict(await stateAfter({ ...solution, 'key.mode': 'COORDINATES' }));
    expect(cause?.id).toBe('latest-once');
    expect(cause?.hint).toMatch(/keyed by Kafka coordinates.*key\.mode=KEY/);
  });

  it('name the key not taken from after.key', async () => {
    const { cause } = verdict(await stateAfter(solution, { keyed: false }));
    expect(cause?.id).toBe('latest-once');
    expect(cause?.hint).toMatch(/without a key.*after\.key.*ExtractField\$Key/);
  });

  it('name entity keys sent as they are: Azure refuses their slashes', async () => {
    const { cause } = verdict(await stateAfter({ ...solution, 'key.encoding': 'NONE' }));
    expect(cause?.id).toBe('latest-once');
    expect(cause?.hint).toMatch(/refused for their document key.*slashes.*key\.encoding=BASE64URL/);
  });

  it('name ignored deletes', async () => {
    const { cause } = verdict(await stateAfter({ ...solution, 'document.delete.op.field': '' }));
    expect(cause?.id).toBe('deletes');
    expect(cause?.hint).toMatch(/still in cdc.*deletes are ignored.*document\.delete\.op\.field=op/);
  });
});
