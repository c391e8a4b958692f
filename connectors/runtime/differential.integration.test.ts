import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consume,
  createTopic,
  produce,
  testBootstrapServers,
  testKafka,
  uniqueName,
  waitFor,
  withAdmin,
} from '../../infra/testing/helpers.ts';
import { startApacheWorker, type ApacheWorker } from './testing/apache-worker.ts';
import { startWorker, type RunningWorker } from './worker.ts';
import { apacheEquivalentRegistry } from './installed-plugins.ts';

interface Answer {
  status: number;
  body: unknown;
  location: string | null;
}

/**
 * Differential suite: real Apache Kafka Connect 4.1.2 and our worker, on the same broker, get the same REST
 * calls; status codes and bodies must match (after replacing what legitimately differs: worker address, file
 * paths, topic names). The same FileStream pipeline must write the same output on both.
 */
describe('differential: Apache Kafka Connect vs our worker', () => {
  const root = mkdtempSync(join(tmpdir(), 'connect-diff-'));
  const run = uniqueName('diff');
  let apache: ApacheWorker;
  let ours: RunningWorker;
  const workers = () => [
    { id: 'apache', url: apache.url, dir: join(root, 'apache') },
    { id: 'ours', url: ours.url, dir: join(root, 'ours') },
  ];

  beforeAll(async () => {
    mkdirSync(join(root, 'apache'));
    mkdirSync(join(root, 'ours'));
    [apache, ours] = await Promise.all([
      startApacheWorker({ bootstrapServers: testBootstrapServers(), name: `${run}-apache` }),
      startWorker({
        kafka: testBootstrapServers(),
        port: 0,
        topicPrefix: `${run}-ours`,
        registry: apacheEquivalentRegistry(),
        workerProps: { 'offset.flush.interval.ms': '1000' },
        log: () => undefined,
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([apache?.close(), ours?.close()]);
  });

  /**
   * `@DIR@` and `@W@` in paths and bodies become each worker's own folder and id, so they never share a file, a
   * topic or (for sink connectors, whose group is `connect-<name>`) a consumer group.
   */
  const fill = (text: string, worker: { id: string; dir: string }) =>
    text.replaceAll('@DIR@', worker.dir).replaceAll('@W@', `${run}-${worker.id}`);
  const normalize = (text: string, worker: { id: string; url: string; dir: string }) =>
    text
      .replaceAll(worker.dir, '@DIR@')
      .replaceAll(`${run}-${worker.id}`, '@W@')
      .replaceAll(worker.url, '@URL@')
      .replaceAll(new URL(worker.url).host, '@HOST@');

  async function both(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<Answer[]> {
    return Promise.all(
      workers().map(async (worker) => {
        const payload =
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const response = await fetch(`${worker.url}${fill(path, worker)}`, {
          method,
          headers: payload === undefined ? {} : { 'content-type': contentType },
          body: payload === undefined ? undefined : fill(payload, worker),
        });
        const text = normalize(await response.text(), worker);
        return {
          status: response.status,
          body: text ? JSON.parse(text) : undefined,
          location: response.headers.get('location') && normalize(response.headers.get('location')!, worker),
        };
      }),
    );
  }

  /** Same status and same body. */
  async function same(method: string, path: string, body?: unknown, contentType?: string): Promise<Answer> {
    const [theirs, mine] = await both(method, path, body, contentType);
    expect({ call: `${method} ${path}`, ...mine }).toEqual({ call: `${method} ${path}`, ...theirs });
    return mine!;
  }

  /** Polls until both answer alike (for state Apache applies asynchronously), then asserts it. */
  async function untilSame(method: string, path: string): Promise<void> {
    await waitFor(
      async () => {
        const [theirs, mine] = await both(method, path);
        return canonical(theirs) === canonical(mine);
      },
      { timeoutMs: 30_000, description: `${method} ${path} to answer alike` },
    ).catch(() => undefined);
    await same(method, path);
  }

  /** Same status; bodies compared by shape (keys and value types), for answers whose text is the JVM's own. */
  async function sameShape(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<void> {
    const [theirs, mine] = await both(method, path, body, contentType);
    expect(mine!.status).toBe(theirs!.status);
    expect(shape(mine!.body)).toEqual(shape(theirs!.body));
  }

  const untilBoth = (
    path: string,
    accept: (body: { connector?: { state: string }; tasks?: Array<{ state: string }> }) => boolean,
  ) =>
    waitFor(
      async () => {
        const answers = await both('GET', path);
        return answers.every((answer) => answer.status === 200 && accept(answer.body as never));
      },
      { timeoutMs: 60_000, description: `${path} on both workers` },
    );

  it('answers the server, plugin and validate endpoints alike', async () => {
    const [theirs, mine] = await both('GET', '/');
    expect(mine!.status).toBe(theirs!.status);
    expect(Object.keys(mine!.body as object)).toEqual(Object.keys(theirs!.body as object));
    expect(mine!.body).toMatchObject({
      version: '4.1.2',
      kafka_cluster_id: (theirs!.body as { kafka_cluster_id: string }).kafka_cluster_id,
    });
    await same('GET', '/health');
    await same('GET', '/connector-plugins');
    await same('GET', '/connector-plugins/FileStreamSourceConnector/config');
    await same('GET', '/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config');
    await same('GET', '/connector-plugins/Nope/config');
    await same('PUT', '/connector-plugins/FileStreamSource/config/validate', {
      'connector.class': 'FileStreamSink',
    });
    const [apacheValidate, ourValidate] = await both(
      'PUT',
      '/connector-plugins/FileStreamSinkConnector/config/validate',
      {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'errors.tolerance': 'some',
        'tasks.max': 'x',
      },
    );
    expect(ourValidate!.status).toBe(apacheValidate!.status);
    const errorsOf = (answer: Answer) => {
      const infos = answer.body as {
        error_count: number;
        groups: string[];
        configs: Array<{ value: { name: string; errors: string[] } }>;
      };
      return {
        error_count: infos.error_count,
        groups: infos.groups,
        errors: Object.fromEntries(
          infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
        ),
      };
    };
    expect(errorsOf(ourValidate!)).toEqual(errorsOf(apacheValidate!));
    expect(shape(ourValidate!.body)).toEqual(shape(apacheValidate!.body));
  });

  it('creates, rejects, pauses, resumes, stops, alters offsets and deletes alike', async () => {
    const config = { 'connector.class': 'FileStreamSource', file: '@DIR@/missing.txt', topic: '@W@-lines' };
    await same('POST', '/connectors', { name: 'src', config });
    await same('POST', '/connectors', { name: 'src', config });
    await same('POST', '/connectors', {
      name: 'bad',
      config: { 'connector.class': 'FileStreamSource', 'tasks.max': '0' },
    });
    await same('POST', '/connectors', { name: 'nope', config: { 'connector.class': 'Nope' } });
    await same('PUT', '/connectors/a/config', { ...config, name: 'b' });
    await untilBoth('/connectors/src/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    await same('GET', '/connectors/src/status');
    await same('GET', '/connectors/src');
    await same('GET', '/connectors/src/config');
    await same('GET', '/connectors/src/tasks');
    await same('GET', '/connectors');
    await same('PATCH', '/connectors/src/offsets', {
      offsets: [{ partition: { filename: '/in.txt' }, offset: { position: 42 } }],
    });

    await same('PUT', '/connectors/src/pause');
    await untilBoth('/connectors/src/status', (body) => body.tasks?.[0]?.state === 'PAUSED');
    await same('GET', '/connectors/src/status');
    await same('PUT', '/connectors/src/resume');
    await untilBoth('/connectors/src/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    await same('PUT', '/connectors/src/stop');
    await untilBoth(
      '/connectors/src/status',
      (body) => body.connector?.state === 'STOPPED' && body.tasks?.length === 0,
    );
    await same('GET', '/connectors/src/status');
    await same('GET', '/connectors/src');

    await same('PATCH', '/connectors/src/offsets', { offsets: [] });
    await same('PATCH', '/connectors/src/offsets', {
      offsets: [{ partition: { filename: '/in.txt' }, offset: { position: 42 } }],
    });
    // Apache reads offsets back from its offsets topic, so a write shows up a moment later there.
    await untilSame('GET', '/connectors/src/offsets');
    await same('DELETE', '/connectors/src/offsets');
    await untilSame('GET', '/connectors/src/offsets');
    await same('GET', '/connectors?expand=status');

    await same('DELETE', '/connectors/src');
    await same('GET', '/connectors/src');
    await same('GET', '/connectors');
  });

  it('answers unknown connectors, wrong verbs, unknown paths and bad bodies alike', async () => {
    await same('GET', '/connectors/nope');
    await same('GET', '/connectors/nope/status');
    await same('GET', '/connectors/nope/config');
    await same('GET', '/connectors/nope/offsets');
    await same('PUT', '/connectors/nope/pause');
    await same('PUT', '/connectors/nope/resume');
    await same('POST', '/connectors/nope/restart');
    await same('DELETE', '/connectors/nope');
    await same('DELETE', '/connectors');
    await same('POST', '/connector-plugins');
    await same('GET', '/nothing/here');
    await same('POST', '/connectors', 'name=x', 'text/plain');
    // Malformed JSON: Apache answers with Jackson's own parser message, so only the status and shape can match.
    await sameShape('POST', '/connectors', '{"name":', 'application/json');
  });

  it('writes the same FileStreamSink output for the same topic, through JsonConverter', async () => {
    const kafka = testKafka();
    const topic = uniqueName('diff-json');
    await createTopic(kafka, topic);
    const values = [
      '{"schema":{"type":"string","optional":false},"payload":"plain text"}',
      '{"schema":{"type":"int64","optional":false},"payload":42}',
      '{"schema":{"type":"double","optional":false},"payload":100}',
      '{"schema":{"type":"boolean","optional":true},"payload":null}',
      '{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}',
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"com.acme.User"},"payload":{"id":1,"name":"Zoë"}}',
      '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"a":1}}',
      '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"id":1,"name":2,"email":3,"score":4,"active":5}}',
    ];
    await produce(
      kafka,
      topic,
      values.map((value, i) => ({ key: String(i), value })),
    );
    await both('PUT', '/connectors/@W@-json-sink/config', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      file: '@DIR@/json.out',
      topics: topic,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    });
    const output = (worker: { dir: string }) =>
      existsSync(join(worker.dir, 'json.out')) ? readFileSync(join(worker.dir, 'json.out'), 'utf8') : '';
    await waitFor(() => workers().every((worker) => output(worker).split('\n').length > values.length), {
      timeoutMs: 60_000,
      description: 'both sinks to write every record',
    });
    const [apacheOut, ourOut] = workers().map(output);
    expect(ourOut).toBe(apacheOut);
    await both('DELETE', '/connectors/@W@-json-sink');
  });

  it('sends a malformed record to the DLQ with the same headers, and fails alike under tolerance none', async () => {
    const kafka = testKafka();
    const topic = uniqueName('diff-bad');
    await createTopic(kafka, topic);
    await produce(kafka, topic, [
      { key: 'k1', value: '{"a":1}' },
      { key: 'k2', value: '{not json', headers: { origin: 'test' } },
      { key: 'k3', value: '{"a":2}' },
    ]);
    const sink = (extra: Record<string, string>) => ({
      'connector.class': 'FileStreamSink',
      topics: topic,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      ...extra,
    });
    await both(
      'PUT',
      '/connectors/@W@-dlq-sink/config',
      sink({
        file: '@DIR@/dlq.out',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': '@W@-dlq',
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      }),
    );
    await both('PUT', '/connectors/@W@-fail-sink/config', sink({ file: '@DIR@/fail.out' }));
    await waitFor(
      async () => {
        const topics = await withAdmin(kafka, (admin) => admin.listTopics());
        return workers().every((worker) => topics.includes(`${run}-${worker.id}-dlq`));
      },
      { timeoutMs: 60_000, description: 'both DLQ topics' },
    );
    const dead = await Promise.all(
      workers().map(async (worker) => {
        const [record] = await consume(kafka, `${run}-${worker.id}-dlq`, 1, { timeoutMs: 60_000 });
        const headers = { ...record!.headers };
        const trace = headers['__connect.errors.exception.stacktrace'] ?? '';
        delete headers['__connect.errors.exception.stacktrace'];
        headers['__connect.errors.connector.name'] = normalize(
          headers['__connect.errors.connector.name'] ?? '',
          worker,
        );
        return { key: record!.key, value: record!.value, headers, traceHead: trace.split('\n')[0] };
      }),
    );
    expect(dead[1]).toEqual(dead[0]);
    for (const worker of workers()) {
      await waitFor(
        () =>
          existsSync(join(worker.dir, 'dlq.out')) &&
          readFileSync(join(worker.dir, 'dlq.out'), 'utf8').split('\n').length > 2,
      );
    }
    expect(readFileSync(join(root, 'ours', 'dlq.out'), 'utf8')).toBe(
      readFileSync(join(root, 'apache', 'dlq.out'), 'utf8'),
    );

    await untilBoth('/connectors/@W@-fail-sink/status', (body) => body.tasks?.[0]?.state === 'FAILED');
    const [theirs, mine] = await both('GET', '/connectors/@W@-fail-sink/status');
    const traceHeads = (answer: Answer) => {
      const body = answer.body as { tasks: Array<{ trace: string }> };
      const lines = body.tasks[0]!.trace.split('\n');
      return { first: lines[0], causes: lines.filter((line) => line.startsWith('Caused by:')).slice(0, 1) };
    };
    expect(shape(mine!.body)).toEqual(shape(theirs!.body));
    expect(traceHeads(mine!)).toEqual(traceHeads(theirs!));
    await both('DELETE', '/connectors/@W@-dlq-sink');
    await both('DELETE', '/connectors/@W@-fail-sink');
  });

  it('restarts, patches and lists with expand alike', async () => {
    const config = { 'connector.class': 'FileStreamSource', file: '@DIR@/missing2.txt', topic: '@W@-more' };
    await same('PUT', '/connectors/more/config', config);
    await untilBoth('/connectors/more/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    await same('PUT', '/connectors/more/config', { ...config, 'batch.size': '100' });
    await untilBoth('/connectors/more/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    await same('PATCH', '/connectors/more/config', { 'batch.size': null, 'tasks.max': '2' });
    await untilBoth('/connectors/more/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    // Apache answers 500 "a rebalance is expected" until the new tasks.max has gone through its rebalance (seen
    // under load, after the old task already reported RUNNING).
    await untilSame('GET', '/connectors/more/config');
    await untilSame('GET', '/connectors/more/tasks');
    await same('GET', '/connectors?expand=info');
    await same('POST', '/connectors/more/restart');
    await sameShape('POST', '/connectors/more/restart?includeTasks=true');
    await untilBoth('/connectors/more/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    await same('POST', '/connectors/more/restart?includeTasks=true&onlyFailed=true');
    await same('POST', '/connectors/more/tasks/0/restart');
    await same('POST', '/connectors/more/tasks/7/restart');
    await same('GET', '/connectors/more/tasks/7/status');
    await untilBoth('/connectors/more/status', (body) => body.tasks?.[0]?.state === 'RUNNING');
    await same('GET', '/connectors/more/tasks/0/status');
    await same('GET', '/connectors/more/tasks-config');
    await same('GET', '/connectors/more/topics');
    await same('PUT', '/connectors/more/topics/reset');
    await same('DELETE', '/connectors/more');
    await same('POST', '/connectors', { name: 'later', config, initial_state: 'stopped' });
    await untilBoth('/connectors/later/status', (body) => body.connector?.state === 'STOPPED');
    await same('GET', '/connectors/later/status');
    await same('DELETE', '/connectors/later');
  });

  it("reads Apache's internal topics: a worker started on them resumes Apache's connectors, states and offsets", async () => {
    const apacheOnly = async (method: string, path: string, body?: unknown) =>
      fetch(`${apache.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const config = {
      'connector.class': 'FileStreamSource',
      file: '/nonexistent/handover.txt',
      topic: `${run}-handover`,
      'tasks.max': '1',
    };
    await apacheOnly('POST', '/connectors', { name: 'handover', config, initial_state: 'STOPPED' });
    const offsets = {
      offsets: [{ partition: { filename: '/nonexistent/handover.txt' }, offset: { position: 77 } }],
    };
    await waitFor(
      async () => (await apacheOnly('PATCH', '/connectors/handover/offsets', offsets)).status === 200,
      {
        description: 'Apache to accept the offsets of its stopped connector',
      },
    );
    const reader = await startWorker({
      kafka: testBootstrapServers(),
      port: 0,
      topicPrefix: `${run}-apache`, // Apache's config/offset/status topics, named by its group
      registry: apacheEquivalentRegistry(),
      log: () => undefined,
    });
    try {
      const get = async (path: string) => (await fetch(`${reader.url}${path}`)).json();
      expect(await get('/connectors/handover/config')).toEqual({ ...config, name: 'handover' });
      expect(await get('/connectors/handover/status')).toMatchObject({
        connector: { state: 'STOPPED' },
        tasks: [],
      });
      expect(await get('/connectors/handover/offsets')).toEqual(offsets);
    } finally {
      await reader.close();
      await apacheOnly('DELETE', '/connectors/handover');
    }
  });

  it('runs the same FileStreamSource → FileStreamSink pipeline to the same output', async () => {
    for (const worker of workers()) writeFileSync(join(worker.dir, 'in.txt'), 'alpha\nbeta\n\ngamma δ\n');
    // With SMTs on both sides: the source wraps each line in a struct, the sink adds a field to it.
    await both('PUT', '/connectors/@W@-pipe-src/config', {
      'connector.class': 'FileStreamSource',
      file: '@DIR@/in.txt',
      topic: '@W@-pipe',
      transforms: 'hoist',
      'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.hoist.field': 'line',
    });
    await both('PUT', '/connectors/@W@-pipe-sink/config', {
      'connector.class': 'FileStreamSink',
      file: '@DIR@/out.txt',
      topics: '@W@-pipe',
      transforms: 'origin',
      'transforms.origin.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.origin.static.field': 'origin',
      'transforms.origin.static.value': 'file',
    });
    const output = (worker: { dir: string }) =>
      existsSync(join(worker.dir, 'out.txt')) ? readFileSync(join(worker.dir, 'out.txt'), 'utf8') : '';
    await waitFor(() => workers().every((worker) => output(worker).split('\n').length >= 5), {
      timeoutMs: 60_000,
      description: 'both pipelines to deliver four lines',
    });
    const [apacheOut, ourOut] = workers().map(output);
    expect(ourOut).toBe(apacheOut);
    expect(ourOut!.split('\n')[0]).toBe('Struct{line=alpha,origin=file}');
    await waitFor(
      async () => {
        const [theirs, mine] = await both('GET', '/connectors/@W@-pipe-src/offsets');
        return (
          canonical(theirs!.body) === canonical(mine!.body) &&
          (mine!.body as { offsets: unknown[] }).offsets.length === 1
        );
      },
      { timeoutMs: 30_000, description: 'the same source offsets on both' },
    );
    await same('GET', '/connectors/@W@-pipe-src/offsets');
    await same('GET', '/connectors/@W@-pipe-sink/topics');
    await both('DELETE', '/connectors/@W@-pipe-src');
    await both('DELETE', '/connectors/@W@-pipe-sink');
  });
});

/** The structure of a JSON value: object keys with the shapes of their values, arrays as the set of their shapes. */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const shapes = value.map(shape).map((item) => JSON.stringify(item));
    return [...new Set(shapes)].sort().map((item) => JSON.parse(item) as unknown);
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, item]) => [key, shape(item)]),
    );
  }
  return typeof value;
}

/** JSON with object keys sorted: equality regardless of key order (Apache sorts config maps, ours keeps order). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}
