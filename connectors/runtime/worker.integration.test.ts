import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  consume,
  createTopic,
  produce,
  testBootstrapServers,
  testKafka,
  uniqueName,
  waitFor,
} from '../../infra/testing/helpers.ts';
import { startWorker, type RunningWorker } from './worker.ts';
import { RetriableException } from './api/errors.ts';
import type { RegisteredPlugin, SinkTask } from './api/plugins.ts';
import type { SinkRecord } from './api/records.ts';

/** A sink whose `put` fails with RetriableException twice per batch: the framework must redeliver, not skip. */
const delivered: string[] = [];
let failures = 0;
const flakySink: RegisteredPlugin = {
  type: 'sink',
  kind: 'sink',
  className: 'test.FlakySinkConnector',
  version: '1',
  create: () => ({
    type: 'sink',
    config: () => ({ keys: [] }),
    start: () => undefined,
    taskConfigs: (max: number) => Array.from({ length: max }, () => ({})),
    stop: () => undefined,
  }),
  createTask: (): SinkTask => {
    let attempts = 0;
    return {
      initialize: (context) => context.timeout?.(50),
      start: () => undefined,
      put: async (records: SinkRecord[]) => {
        if (records.length > 0 && attempts++ % 3 < 2) {
          failures++;
          throw new RetriableException('the store is busy');
        }
        delivered.push(...records.map((record) => String(record.value)));
      },
      stop: () => undefined,
    };
  },
};

/** The worker in-process on the run's broker: pipelines, DLQ, failure traces, and resuming from stored state. */
describe('Connect worker on Kafka', () => {
  const kafka = testKafka();
  const dir = mkdtempSync(join(tmpdir(), 'connect-worker-'));
  let worker: RunningWorker;
  let prefix: string;

  const start = () =>
    startWorker({
      kafka: testBootstrapServers(),
      port: 0,
      topicPrefix: prefix,
      workerProps: { 'offset.flush.interval.ms': '500' },
      plugins: [flakySink],
      log: () => undefined,
    });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${worker.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const lines = (file: string) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

  beforeAll(async () => {
    prefix = uniqueName('connect');
    worker = await start();
  });
  afterAll(async () => worker?.close());
  afterEach(async () => {
    for (const name of (await call('GET', '/connectors')).body as string[])
      await call('DELETE', `/connectors/${name}`);
  });

  it('runs FileStreamSource → topic → FileStreamSink, and a restarted worker resumes from stored offsets', async () => {
    const topic = uniqueName('lines');
    const input = join(dir, `${topic}.in`);
    const output = join(dir, `${topic}.out`);
    writeFileSync(input, 'one\ntwo\nthree\n');
    expect(
      (
        await call('POST', '/connectors', {
          name: `${topic}-src`,
          config: { 'connector.class': 'FileStreamSource', file: input, topic },
        })
      ).status,
    ).toBe(201);
    await call('PUT', `/connectors/${topic}-sink/config`, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file: output,
      topics: topic,
    });
    await waitFor(() => lines(output).length >= 3, { description: 'three lines in the sink file' });
    expect(lines(output)).toEqual(['one', 'two', 'three']);
    const [record] = await consume(kafka, topic, 1);
    expect(JSON.parse(record!.value!)).toEqual({
      schema: { type: 'string', optional: false },
      payload: 'one',
    });
    await waitFor(
      async () => (await call('GET', `/connectors/${topic}-src/offsets`)).body.offsets.length === 1,
    );

    await worker.close();
    appendFileSync(input, 'four\n');
    worker = await start();
    expect(((await call('GET', '/connectors')).body as string[]).sort()).toEqual([
      `${topic}-sink`,
      `${topic}-src`,
    ]);
    await waitFor(() => lines(output).length >= 4, { description: 'the fourth line after restart' });
    expect(lines(output)).toEqual(['one', 'two', 'three', 'four']);
    // Offsets are flushed every offset.flush.interval.ms (500 ms here), after the records were acknowledged.
    await waitFor(
      async () =>
        (await call('GET', `/connectors/${topic}-src/offsets`)).body.offsets[0]?.offset.position === 19,
      {
        description: 'the source offset after "four\\n" (byte 19)',
      },
    );
    await waitFor(
      async () =>
        (await call('GET', `/connectors/${topic}-sink/offsets`)).body.offsets[0]?.offset.kafka_offset === 4,
      {
        description: 'the sink group committed offset 4',
      },
    );
    expect((await call('GET', `/connectors/${topic}-sink/offsets`)).body).toEqual({
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 4 } }],
    });
    expect((await call('GET', `/connectors/${topic}-sink/topics`)).body).toEqual({
      [`${topic}-sink`]: { topics: [topic] },
    });
  });

  it('redelivers a batch whose put threw RetriableException, and commits only what put accepted', async () => {
    const topic = uniqueName('flaky');
    await createTopic(kafka, topic);
    await produce(
      kafka,
      topic,
      ['a', 'b', 'c'].map((value) => ({ value })),
    );
    await call('PUT', `/connectors/${topic}/config`, {
      'connector.class': 'FlakySink',
      topics: topic,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    });
    await waitFor(() => delivered.length >= 3, { description: 'the three records put successfully' });
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect((await call('GET', `/connectors/${topic}/status`)).body.tasks[0].state).toBe('RUNNING');
    await waitFor(
      async () =>
        (await call('GET', `/connectors/${topic}/offsets`)).body.offsets[0]?.offset.kafka_offset === 3,
      {
        description: 'offset 3 committed for connect-<name>',
      },
    );
  });

  const badRecords = async (topic: string) => {
    await createTopic(kafka, topic);
    await produce(kafka, topic, [
      { key: 'k1', value: '{"a":1}' },
      { key: 'k2', value: '{not json', headers: { origin: 'test' } },
      { key: 'k3', value: '{"a":2}' },
    ]);
  };
  const sinkConfig = (topic: string, extra: Record<string, string>) => ({
    'connector.class': 'FileStreamSink',
    file: join(dir, `${topic}.out`),
    topics: topic,
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    ...extra,
  });

  it('sends a malformed record to the DLQ with its headers under errors.tolerance=all', async () => {
    const topic = uniqueName('dlqsrc');
    await badRecords(topic);
    await call('PUT', `/connectors/${topic}/config`, {
      ...sinkConfig(topic, {
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': `${topic}-dlq`,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      }),
    });
    await waitFor(() => lines(join(dir, `${topic}.out`)).length >= 2, {
      description: 'the two good records',
    });
    expect(lines(join(dir, `${topic}.out`))).toEqual(['{a=1}', '{a=2}']);
    const [dead] = await consume(kafka, `${topic}-dlq`, 1);
    expect(dead).toMatchObject({ key: 'k2', value: '{not json' });
    expect(dead!.headers).toMatchObject({
      origin: 'test',
      '__connect.errors.topic': topic,
      '__connect.errors.partition': '0',
      '__connect.errors.offset': '1',
      '__connect.errors.connector.name': topic,
      '__connect.errors.task.id': '0',
      '__connect.errors.stage': 'VALUE_CONVERTER',
      '__connect.errors.class.name': 'org.apache.kafka.connect.json.JsonConverter',
      '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
    });
    expect(dead!.headers['__connect.errors.exception.message']).toMatch(
      /^Converting byte\[\] to Kafka Connect data failed due to serialization error/,
    );
    expect(dead!.headers['__connect.errors.exception.stacktrace']).toMatch(
      /^org\.apache\.kafka\.connect\.errors\.DataException/,
    );
    expect((await call('GET', `/connectors/${topic}/status`)).body.tasks[0].state).toBe('RUNNING');
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    const labels = `{connector="${topic}",task="0"}`;
    expect(metrics).toContain(`kafka_connect_task_error_metrics_total_records_skipped${labels} 1`);
    expect(metrics).toContain(`kafka_connect_task_error_metrics_deadletterqueue_produce_requests${labels} 1`);
    expect(metrics).toContain(`kafka_connect_sink_task_metrics_sink_record_send_total${labels} 2`);
  });

  it('fails the task with a Java-style trace under errors.tolerance=none', async () => {
    const topic = uniqueName('failsrc');
    await badRecords(topic);
    await call('PUT', `/connectors/${topic}/config`, sinkConfig(topic, {}));
    const status = await waitFor(
      async () => {
        const body = (await call('GET', `/connectors/${topic}/status`)).body;
        return body.tasks[0]?.state === 'FAILED' ? body : undefined;
      },
      { description: 'the task to fail' },
    );
    expect(status.connector.state).toBe('RUNNING');
    expect(status.tasks[0].trace).toMatch(
      /^org\.apache\.kafka\.connect\.errors\.ConnectException: Tolerance exceeded in error handler\n/,
    );
    expect(status.tasks[0].trace).toContain(
      'Caused by: org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to serialization error',
    );
    expect(lines(join(dir, `${topic}.out`))).not.toContain('{a=2}');
  });
});
