import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../runtime/api/records.ts';
import type { SinkTaskContext } from '../runtime/api/plugins.ts';
import { jsonToConnect } from '../runtime/data/connect-json.ts';
import { AzureSearchSinkTask } from './sink-task.ts';

type Script = (keys: string[]) => { status: number; results?: Array<[string, number]> };

/** A transport that plays Azure AI Search from a script: no network, every request recorded. */
function scriptedService(indexAnswers: Script[]) {
  const batches: string[][] = [];
  const headers = (): HttpHeaders => {
    const map = new Map<string, string>([['content-type', 'application/json']]);
    return {
      get: (name) => map.get(name.toLowerCase()),
      has: (name) => map.has(name.toLowerCase()),
      set: (name, value) => void map.set(name.toLowerCase(), String(value)),
      delete: (name) => void map.delete(name.toLowerCase()),
      toJSON: () => Object.fromEntries(map),
      [Symbol.iterator]: () => map.entries(),
    };
  };
  const answer = (request: PipelineRequest, status: number, body: unknown): PipelineResponse => ({
    request,
    status,
    headers: headers(),
    bodyAsText: JSON.stringify(body),
  });
  const httpClient: HttpClient = {
    sendRequest: async (request) => {
      if (request.method === 'GET') {
        return answer(request, 200, {
          name: 'users',
          fields: [
            { name: 'userKey', type: 'Edm.String', key: true },
            { name: 'fullName', type: 'Edm.String' },
          ],
        });
      }
      const body = JSON.parse(String(request.body)) as { value: Array<Record<string, string>> };
      const keys = body.value.map((action) => action.userKey!);
      batches.push(keys);
      const next: Script = indexAnswers[batches.length - 1] ?? (() => ({ status: 200 }));
      const { status, results } = next(keys);
      const byKey = new Map<string, number>(results ?? []);
      return answer(request, status, {
        value: keys.map((key) => {
          const code = byKey.get(key) ?? 200;
          return {
            key,
            status: code < 300,
            statusCode: code,
            errorMessage: code < 300 ? null : `failed with ${code}`,
          };
        }),
      });
    },
  };
  return { httpClient, batches };
}

function record(key: string, offset: number): SinkRecord {
  return {
    kind: 'sink',
    topic: 'users',
    kafkaPartition: 0,
    kafkaOffset: offset,
    keySchema: null,
    key,
    valueSchema: null,
    value: jsonToConnect({ fullName: `User ${key}` }),
    timestamp: null,
    headers: [],
    timestampType: 'CreateTime',
    originalTopic: 'users',
    originalKafkaPartition: 0,
    originalKafkaOffset: offset,
  };
}

/** What the task wrote to the worker's log during the last `run`. */
const logged: string[] = [];

async function run(
  service: ReturnType<typeof scriptedService>,
  records: SinkRecord[],
  extra: Record<string, string> = {},
): Promise<Array<[SinkRecord, Error]>> {
  const reported: Array<[SinkRecord, Error]> = [];
  const props = {
    'azure.search.endpoint': 'http://search.invalid',
    'azure.search.api.key': 'key',
    'max.batch.size': '10',
    'max.retry.ms': '5000',
    ...extra,
  };
  logged.length = 0;
  const context = {
    configs: () => props,
    log: (line: string) => void logged.push(line),
    errantRecordReporter: () => async (failed: SinkRecord, error: Error) =>
      void reported.push([failed, error]),
  } as unknown as SinkTaskContext;
  const task = new AzureSearchSinkTask({ httpClient: service.httpClient });
  task.initialize(context);
  await task.start(props);
  try {
    await task.put(records);
  } finally {
    await task.stop();
  }
  return reported;
}

describe('search sink against scripted 207 answers', () => {
  it('retries only the documents that failed with 422 or 503, and reports nothing when they then land', async () => {
    const service = scriptedService([
      () => ({
        status: 207,
        results: [
          ['b', 503],
          ['c', 422],
        ],
      }),
      () => ({ status: 200 }),
    ]);
    const reported = await run(service, [record('a', 0), record('b', 1), record('c', 2)]);
    expect(service.batches).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
    expect(reported).toEqual([]);
  });

  it('reports documents refused for good (400) without retrying them, with behavior.on.error=LOG', async () => {
    const service = scriptedService([() => ({ status: 207, results: [['b', 400]] })]);
    const reported = await run(service, [record('a', 0), record('b', 1)], { 'behavior.on.error': 'LOG' });
    expect(logged).toEqual([
      expect.stringMatching(/^WARN \[azure-search-sink\] Azure AI Search answered 400 for document "b"/),
    ]);
    expect(service.batches).toEqual([['a', 'b']]);
    expect(reported.map(([failed, error]) => [failed.kafkaOffset, error.message])).toEqual([
      [1, expect.stringContaining('400')],
    ]);
  });

  it('fails the task on a refused document with behavior.on.error=FAIL', async () => {
    const service = scriptedService([() => ({ status: 207, results: [['a', 400]] })]);
    await expect(run(service, [record('a', 0)])).rejects.toThrow(/could not be indexed.*400/);
  });

  it('keeps record order: a key written twice goes out in a later batch', async () => {
    const service = scriptedService([]);
    await run(service, [record('a', 0), record('b', 1), record('a', 2)]);
    expect(service.batches).toEqual([['a', 'b'], ['a']]);
  });
});
