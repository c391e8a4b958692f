import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import type { ThrottleOptions } from '../../infra/cosmos/app.ts';
import { startTestEmulator, type TestEmulator } from '../../infra/cosmos/test-support.ts';
import type { SinkTaskContext } from '../runtime/api/plugins.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { jsonToConnect } from '../runtime/data/connect-json.ts';
import { CosmosSinkTask } from './sink-task.ts';
import { RetriableException } from '../runtime/api/errors.ts';

/** The sink task alone against a throttling emulator: retries are the task's business, not the worker's. */
let throttle: ThrottleOptions = {};
let cosmos: TestEmulator;
let container: Container;

beforeAll(async () => {
  cosmos = await startTestEmulator();
  throttle = cosmos.emulator.throttle; // the running emulator's knob
  container = await cosmos.container(['/category']);
});

afterAll(async () => {
  throttle.probability = 0;
  await cosmos?.close();
});

function record(n: number): SinkRecord {
  return {
    kind: 'sink',
    topic: 'products',
    kafkaPartition: 0,
    kafkaOffset: n,
    keySchema: null,
    key: `p${n}`,
    valueSchema: null,
    value: jsonToConnect({ id: `p${n}`, category: n % 3 ? 'toys' : 'books', n }),
    timestamp: null,
    headers: [],
    timestampType: 'CreateTime',
    originalTopic: 'products',
    originalKafkaPartition: 0,
    originalKafkaOffset: n,
  };
}

function startTask(extra: Record<string, string>, reported: Array<[SinkRecord, Error]>): CosmosSinkTask {
  const props = {
    'azure.cosmos.account.endpoint': cosmos.emulator.endpoint,
    'azure.cosmos.account.key': cosmos.emulator.key,
    'azure.cosmos.sink.database.name': container.database.id,
    'azure.cosmos.sink.containers.topicMap': `products#${container.id}`,
    ...extra,
  };
  const context: SinkTaskContext = {
    configs: () => props,
    offset: () => {},
    requestCommit: () => {},
    pause: () => {},
    resume: () => {},
    assignment: () => [],
    errantRecordReporter: () => async (failed, error) => {
      reported.push([failed, error]);
    },
  };
  const task = new CosmosSinkTask();
  task.initialize(context);
  task.start(props);
  return task;
}

/** The framework redelivers a batch whose `put` threw a RetriableException; so does this, a bounded number of times. */
async function putAsTheWorkerDoes(task: CosmosSinkTask, records: SinkRecord[]): Promise<void> {
  for (let delivery = 1; ; delivery++) {
    try {
      return await task.put(records);
    } catch (error) {
      if (!(error instanceof RetriableException) || delivery >= 20) throw error;
    }
  }
}

describe('Cosmos sink task under throttling', () => {
  it("retries 429s beyond the SDK's own retries until every record lands", async () => {
    const reported: Array<[SinkRecord, Error]> = [];
    const task = startTask({}, reported);
    await task.put([record(0)]); // reads the container definition before the throttling starts
    // The next 25 requests are throttled: more than the SDK's own 9 retries absorb, so the task must retry too.
    // A fixed count rather than a probability, so the test cannot fail by bad luck under load.
    throttle.retryAfterMs = 1;
    throttle.next = 25;
    try {
      await putAsTheWorkerDoes(
        task,
        Array.from({ length: 39 }, (_, n) => record(n + 1)),
      );
    } finally {
      throttle.next = 0;
      task.stop();
    }
    expect(reported).toEqual([]);
    const { resources } = await container.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(resources[0]).toBe(40);
  });

  it('with retries exhausted, reports the records (tolerance All) with the 429 status', async () => {
    const reported: Array<[SinkRecord, Error]> = [];
    const task = startTask(
      { 'azure.cosmos.sink.maxRetryCount': '0', 'azure.cosmos.sink.errors.tolerance.level': 'All' },
      reported,
    );
    await task.put([record(100)]); // reads the container definition before the throttling starts
    throttle.retryAfterMs = 1;
    throttle.probability = 1;
    try {
      await task.put([record(101), record(102)]);
    } finally {
      throttle.probability = 0;
      task.stop();
    }
    expect(reported.map(([failed]) => failed.kafkaOffset)).toEqual([101, 102]);
    expect(reported[0]![1].message).toMatch(/429/);
    expect((reported[0]![1] as { javaClass?: string }).javaClass).toBe('com.azure.cosmos.CosmosException');
  });
});
