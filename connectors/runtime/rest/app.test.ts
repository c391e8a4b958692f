import { afterEach, describe, expect, it } from 'vitest';
import { fakeWorker } from '../test-fakes.ts';

/** The REST API in-process (`app.request()`), on a herder whose Kafka is faked: status codes and bodies. */
describe('Connect REST API', () => {
  let worker: ReturnType<typeof fakeWorker>;
  afterEach(async () => worker?.close());

  const source = (file = '/nonexistent/in.txt') => ({
    'connector.class': 'FileStreamSource',
    file,
    topic: 'lines',
  });

  it('serves server info, health and the plugin list', async () => {
    worker = fakeWorker();
    expect((await worker.call('GET', '/')).body).toMatchObject({
      version: '4.1.2',
      kafka_cluster_id: 'fake-cluster',
    });
    expect(await worker.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'healthy' } });
    const plugins = (await worker.call('GET', '/connector-plugins')).body as Array<{
      class: string;
      type: string;
    }>;
    expect(plugins).toContainEqual({
      class: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      type: 'sink',
      version: '4.1.2',
    });
    expect(plugins.every((plugin) => plugin.type === 'source' || plugin.type === 'sink')).toBe(true);
    const all = (await worker.call('GET', '/connector-plugins?connectorsOnly=false')).body as Array<{
      type: string;
    }>;
    expect(new Set(all.map((plugin) => plugin.type))).toEqual(
      new Set(['sink', 'source', 'converter', 'header_converter', 'transformation', 'predicate']),
    );
  });

  it('creates a connector (201 + Location), lists, reads and rejects a duplicate with 409', async () => {
    worker = fakeWorker();
    const created = await worker.call('POST', '/connectors', { name: ' src ', config: source() });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/\/connectors\/src$/);
    expect(created.body).toEqual({
      name: 'src',
      config: { ...source(), name: 'src' },
      tasks: [], // as Apache: the answer comes before the connector generated its tasks
      type: 'source',
    });
    expect((await worker.call('GET', '/connectors/src')).body).toMatchObject({
      tasks: [{ connector: 'src', task: 0 }],
    });
    expect((await worker.call('GET', '/connectors')).body).toEqual(['src']);
    expect((await worker.call('GET', '/connectors/src/config')).body).toEqual({ ...source(), name: 'src' });
    expect(await worker.call('POST', '/connectors', { name: 'src', config: source() })).toEqual(
      expect.objectContaining({
        status: 409,
        body: { error_code: 409, message: 'Connector src already exists' },
      }),
    );
    const expanded = (await worker.call('GET', '/connectors?expand=status&expand=info')).body as Record<
      string,
      object
    >;
    expect(Object.keys(expanded.src!)).toEqual(['status', 'info']);
  });

  it('answers an invalid config with 400 and the field errors, and a mismatched name with 400', async () => {
    worker = fakeWorker();
    const invalid = await worker.call('POST', '/connectors', {
      name: 'bad',
      config: { 'connector.class': 'FileStreamSource', 'tasks.max': '0' },
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body as { message: string }).message).toBe(
      'Connector configuration is invalid and contains the following 2 error(s):\n' +
        'Invalid value 0 for configuration tasks.max: Value must be at least 1\n' +
        'Missing required configuration "topic" which has no default value.\n' +
        'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    );
    const mismatch = await worker.call('PUT', '/connectors/a/config', { ...source(), name: 'b' });
    expect(mismatch.body).toEqual({
      error_code: 400,
      message: "Connector name configuration (b) doesn't match connector name in the URL (a)",
    });
    const unknownClass = await worker.call('POST', '/connectors', {
      name: 'x',
      config: { 'connector.class': 'Nope' },
    });
    expect(unknownClass.status).toBe(400);
    expect((unknownClass.body as { message: string }).message).toMatch(
      /^Failed to find any class that implements Connector and which name matches Nope/,
    );
  });

  it('validates with field errors and checks the plugin name', async () => {
    worker = fakeWorker();
    const result = await worker.call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'errors.tolerance': 'some',
    });
    expect(result.status).toBe(200);
    const infos = result.body as {
      name: string;
      error_count: number;
      groups: string[];
      configs: Array<{ definition: { name: string }; value: { name: string; errors: string[] } }>;
    };
    expect(infos.name).toBe('org.apache.kafka.connect.file.FileStreamSinkConnector');
    expect(infos.groups.slice(0, 4)).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling']);
    const errors = Object.fromEntries(infos.configs.map((item) => [item.value.name, item.value.errors]));
    expect(errors.topics).toEqual(['Must configure one of topics or topics.regex']);
    expect(errors['errors.tolerance']).toEqual([
      'Invalid value some for configuration errors.tolerance: String must be one of: none, all',
    ]);
    expect(errors.name).toEqual(['Missing required configuration "name" which has no default value.']);
    expect(infos.error_count).toBe(4);
    const mismatch = await worker.call('PUT', '/connector-plugins/FileStreamSource/config/validate', {
      'connector.class': 'FileStreamSink',
    });
    expect(mismatch.body).toEqual({
      error_code: 400,
      message: 'Included connector type FileStreamSink does not match request type FileStreamSource',
    });
  });

  it('pauses, resumes and stops, with status showing each state', async () => {
    worker = fakeWorker();
    await worker.call('POST', '/connectors', { name: 'src', config: source() });
    expect((await worker.call('PUT', '/connectors/src/pause')).status).toBe(202);
    const paused = (await worker.call('GET', '/connectors/src/status')).body as {
      connector: { state: string };
      tasks: Array<{ state: string }>;
    };
    expect(paused.connector.state).toBe('PAUSED');
    expect(paused.tasks.map((task) => task.state)).toEqual(['PAUSED']);
    expect((await worker.call('PUT', '/connectors/src/stop')).status).toBe(204);
    expect((await worker.call('GET', '/connectors/src/status')).body).toEqual({
      name: 'src',
      connector: { state: 'STOPPED', worker_id: '127.0.0.1:8083', version: '4.1.2' },
      tasks: [],
      type: 'source',
    });
    expect((await worker.call('GET', '/connectors/src')).body).toMatchObject({ tasks: [] });
    expect((await worker.call('PUT', '/connectors/src/resume')).status).toBe(202);
    expect((await worker.call('GET', '/connectors/src/status')).body).toMatchObject({
      connector: { state: 'RUNNING' },
      tasks: [{ id: 0, state: 'RUNNING' }],
    });
    expect(await worker.call('PUT', '/connectors/nope/pause')).toMatchObject({
      status: 404,
      body: { error_code: 404, message: 'Unknown connector nope' },
    });
  });

  it('alters and resets source offsets only when stopped', async () => {
    worker = fakeWorker();
    await worker.call('POST', '/connectors', { name: 'src', config: source() });
    const offsets = { offsets: [{ partition: { filename: '/in.txt' }, offset: { position: 42 } }] };
    const running = await worker.call('PATCH', '/connectors/src/offsets', offsets);
    expect(running.status).toBe(400);
    expect((running.body as { message: string }).message).toMatch(/^Connectors must be in the STOPPED state/);
    await worker.call('PUT', '/connectors/src/stop');
    expect(await worker.call('PATCH', '/connectors/src/offsets', { offsets: [] })).toMatchObject({
      status: 400,
      body: { message: 'Partitions / offsets need to be provided for an alter offsets request' },
    });
    expect((await worker.call('PATCH', '/connectors/src/offsets', offsets)).body).toEqual({
      message: 'The offsets for this connector have been altered successfully',
    });
    expect((await worker.call('GET', '/connectors/src/offsets')).body).toEqual(offsets);
    expect(worker.storage.producer.sent).toContainEqual(
      expect.objectContaining({
        topic: 'connect-offsets',
        key: '["src",{"filename":"/in.txt"}]',
        value: '{"position":42}',
      }),
    );
    expect((await worker.call('DELETE', '/connectors/src/offsets')).body).toEqual({
      message: 'The offsets for this connector have been reset successfully',
    });
    expect((await worker.call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [] });
  });

  it('answers unknown connectors, wrong verbs, unknown paths and non-JSON bodies as Apache does', async () => {
    worker = fakeWorker();
    expect((await worker.call('GET', '/connectors/nope')).body).toEqual({
      error_code: 404,
      message: 'Connector nope not found',
    });
    expect((await worker.call('GET', '/connectors/nope/status')).body).toEqual({
      error_code: 404,
      message: 'No status found for connector nope',
    });
    expect((await worker.call('DELETE', '/connectors/nope')).status).toBe(404);
    expect((await worker.call('DELETE', '/connectors')).body).toEqual({
      error_code: 405,
      message: 'HTTP 405 Method Not Allowed',
    });
    expect((await worker.call('GET', '/nothing/here')).body).toEqual({
      error_code: 404,
      message: 'HTTP 404 Not Found',
    });
    expect((await worker.call('POST', '/connectors', 'name=x', 'text/plain')).status).toBe(415);
    expect((await worker.call('POST', '/connectors', '{"name":', 'application/json')).status).toBe(500);
  });

  it('sets logger levels as /admin/loggers does', async () => {
    worker = fakeWorker();
    expect((await worker.call('GET', '/admin/loggers')).body).toEqual({
      root: { level: 'INFO', last_modified: null },
    });
    expect(
      (await worker.call('PUT', '/admin/loggers/org.apache.kafka.connect', { level: 'DEBUG' })).body,
    ).toEqual(['org.apache.kafka.connect']);
    expect((await worker.call('GET', '/admin/loggers/org.apache.kafka.connect')).body).toMatchObject({
      level: 'DEBUG',
    });
    expect((await worker.call('PUT', '/admin/loggers/x', {})).body).toEqual({
      error_code: 400,
      message: "Desired 'level' parameter was not specified in request.",
    });
    expect((await worker.call('PUT', '/admin/loggers/x', { level: 'LOUD' })).status).toBe(404);
    expect((await worker.call('GET', '/admin/loggers/unknown')).body).toEqual({
      error_code: 404,
      message: 'Logger unknown not found.',
    });
  });

  it('answers 403 on topics when the worker disables topic tracking', async () => {
    worker = fakeWorker({ 'topic.tracking.enable': 'false' });
    await worker.call('POST', '/connectors', { name: 'src', config: source() });
    expect((await worker.call('GET', '/connectors/src/topics')).body).toEqual({
      error_code: 403,
      message: 'Topic tracking is disabled.',
    });
  });

  it('serves the metrics in Prometheus text format', async () => {
    worker = fakeWorker();
    await worker.call('POST', '/connectors', { name: 'src', config: source() });
    const response = await worker.app.request('/metrics');
    const text = await response.text();
    expect(text).toContain('kafka_connect_connect_worker_metrics_connector_count 1');
    expect(text).toMatch(
      /kafka_connect_task_error_metrics_total_record_failures\{connector="src",task="0"\} 0/,
    );
    // Counts that only grow are counters; levels are gauges.
    expect(text).toContain('# TYPE kafka_connect_task_error_metrics_total_record_failures counter');
    expect(text).toContain('# TYPE kafka_connect_source_task_metrics_source_record_poll_total counter');
    expect(text).toContain('# TYPE kafka_connect_connect_worker_metrics_connector_count gauge');
  });
});

describe('secrets', () => {
  it('hides PASSWORD values in status traces while GET config shows the raw placeholder', async () => {
    process.env.TEST_CONNECT_SECRET = 's3cr3t-value';
    const worker = fakeWorker();
    worker.registry.register({
      type: 'source',
      kind: 'source',
      className: 'test.SecretSourceConnector',
      version: '1',
      create: () => ({
        type: 'source',
        config: () => ({
          keys: [{ name: 'api.key', type: 'PASSWORD', importance: 'HIGH', documentation: 'the key' }],
        }),
        start: (props) => {
          throw new Error(`login refused for key ${props['api.key']}`);
        },
        taskConfigs: () => [],
        stop: () => undefined,
      }),
      createTask: () => {
        throw new Error('no tasks');
      },
    });
    const config = {
      'connector.class': 'test.SecretSourceConnector',
      'api.key': '${env:TEST_CONNECT_SECRET}',
    };
    expect((await worker.call('PUT', '/connectors/secret/config', config)).status).toBe(201);
    const status = (await worker.call('GET', '/connectors/secret/status')).body as {
      connector: { state: string; trace: string };
    };
    expect(status.connector.state).toBe('FAILED');
    expect(status.connector.trace).toContain('login refused for key [hidden]');
    expect(status.connector.trace).not.toContain('s3cr3t-value');
    expect(worker.lines.join('\n')).not.toContain('s3cr3t-value');
    expect((await worker.call('GET', '/connectors/secret/config')).body).toMatchObject({
      'api.key': '${env:TEST_CONNECT_SECRET}',
    });
    await worker.close();
  });
});
