import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installApacheConnect } from '../connect/install.ts';
import { startApacheWorker } from '../connect/worker.ts';
import { projectRoot, serviceDataDir } from '../paths.ts';
import { freePort, stopProcess } from '../process/index.ts';
import { testBootstrapServers, uniqueName, waitFor } from '../testing/helpers.ts';
import { startOtelReceiver, type OtelReceiver } from './receiver.ts';
import { installOtelAgent, otelAgentArgs } from './service.ts';
import { readOtel } from './summary.ts';

/**
 * Apache Kafka Connect with the OpenTelemetry Java agent from Maven Central, exporting to our receiver: the spans
 * of its REST API and of its producer (a FileStream source writing a topic) and its JVM and Kafka client metrics
 * arrive, are stored under `.hack/data/otel`, and `hack otel` prints them. The worker runs without plugin folders
 * (FileStream is on the classpath), so its start is the agent's cost and not the plugin scan's; the stack
 * service adds the same JVM options (otelAgentArgs) when `otel` is in the stack.
 */
const home = mkdtempSync(join(tmpdir(), 'otel-test-'));
const name = uniqueName('otel');
const topic = uniqueName('otel-lines');
let receiver: OtelReceiver;
let stopWorker: () => Promise<unknown>;
let url: string;

beforeAll(async () => {
  process.env.HACK_HOME = home;
  receiver = await startOtelReceiver({ dataDir: serviceDataDir('otel'), port: 0 });
  const [runtime, agent] = await Promise.all([installApacheConnect(), installOtelAgent()]);
  const dir = join(home, 'worker');
  const worker = await startApacheWorker({
    kafka: { bootstrapServers: testBootstrapServers() },
    dir,
    logFile: join(dir, 'connect.log'),
    port: await freePort(),
    groupId: name,
    topicPrefix: name,
    classpath: runtime.classpath,
    heap: '-Xms64m -Xmx320m',
    jvmArgs: otelAgentArgs(agent, receiver.url, 'apache-connect-test'),
    workerProps: { 'offset.flush.interval.ms': '1000' },
  });
  url = worker.url;
  stopWorker = () => stopProcess(worker.pid, 15_000);
}, 150_000);

afterAll(async () => {
  await stopWorker?.();
  await receiver?.close();
  rmSync(home, { recursive: true, force: true });
}, 30_000);

describe('the OpenTelemetry agent on apache-connect', () => {
  it('exports the worker’s spans and metrics to the receiver, and hack otel summarises them', async () => {
    const file = join(home, 'lines.txt');
    writeFileSync(file, 'one\ntwo\nthree\n');
    const created = await fetch(`${url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'lines',
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          file,
          topic,
          'tasks.max': '1',
        },
      }),
    });
    expect(created.status).toBe(201);

    const seen = await waitFor(
      () => {
        const { spans, points } = readOtel(serviceDataDir('otel'));
        const rest = spans.find((span) => span.name === 'POST /connectors');
        const publish = spans.find((span) => span.name === `${topic} publish`);
        const jvm = points.find((point) => point.name === 'jvm.memory.used');
        const producer = points.find((point) => point.name.startsWith('kafka.producer.'));
        const task = points.find(
          (point) =>
            point.name === 'kafka.connect.source_task.record.write.total' &&
            point.attributes.connector === 'lines' &&
            point.value === 3,
        );
        return rest && publish && jvm && producer && task ? { rest, publish, spans } : undefined;
      },
      {
        timeoutMs: 60_000,
        description: 'the worker’s REST and producer spans, JVM, producer and source task metrics',
      },
    );
    expect(seen.rest.service).toBe('apache-connect-test');
    expect(seen.rest.durationMs).toBeGreaterThan(0);
    expect(seen.publish.kind).toBe(4); // SPAN_KIND_PRODUCER

    const cli = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), 'otel'], {
      env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/POST \/connectors/);
    expect(cli.stdout).toContain(`${topic} publish`);
    expect(cli.stdout).toMatch(/p50 ms/);
    expect(cli.stdout).toMatch(/jvm\.memory\.used/);
    expect(cli.stdout).toMatch(/kafka\.connect\.source_task\.record\.write\.total\s+\{record\}\s+1\s+3$/m);
  });
});
