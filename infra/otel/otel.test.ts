import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheConnectService } from '../connect/service.ts';
import { UsageError } from '../errors.ts';
import type { KafkaEntry } from '../stack/stack-file.ts';
import { metricsFile, spansFile, startOtelReceiver, type OtelReceiver, type StoredSpan } from './receiver.ts';
import { otelAgentArgs } from './service.ts';
import { quantile, readOtel, renderOtelSummary, summariseMetrics, summariseSpans } from './summary.ts';

/**
 * The receiver's HTTP contract and storage, the summary's arithmetic, the agent's JVM options and the opt-in's
 * error. What the real agent sends is decoded in otel.integration.test.ts.
 */
const root = protobuf.parse(readFileSync(join(import.meta.dirname, 'otlp.proto'), 'utf8')).root;
const encode = (type: string, message: object): Uint8Array => {
  const Type = root.lookupType(type);
  return Type.encode(Type.fromObject(message)).finish();
};
const nanos = (ms: number): string => String(BigInt(ms) * 1_000_000n);
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'worker' } }] };

const dir = mkdtempSync(join(tmpdir(), 'otel-unit-'));
let receiver: OtelReceiver;
beforeAll(async () => void (receiver = await startOtelReceiver({ dataDir: dir, port: 0 })));
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: Uint8Array | string, type = 'application/x-protobuf'): Promise<Response> =>
  fetch(`${receiver.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

describe('the OTLP receiver', () => {
  it('stores the spans and metric points of http/protobuf exports', async () => {
    const traces = encode('otlp.ExportTraceServiceRequest', {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: 'io.opentelemetry.kafka-clients-0.11' },
              spans: [
                {
                  traceId: Buffer.alloc(16, 1),
                  spanId: Buffer.alloc(8, 2),
                  name: 'orders publish',
                  kind: 4,
                  startTimeUnixNano: nanos(1_000),
                  endTimeUnixNano: nanos(1_025),
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await post('/v1/traces', traces)).status).toBe(200);
    const metrics = encode('otlp.ExportMetricsServiceRequest', {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'kafka.producer.record_send_total',
                  sum: {
                    isMonotonic: true,
                    dataPoints: [{ timeUnixNano: nanos(2_000), asDouble: 14, attributes: [] }],
                  },
                },
                {
                  name: 'jvm.thread.count',
                  unit: '{thread}',
                  sum: { dataPoints: [{ timeUnixNano: nanos(2_000), asInt: 41 }] },
                },
                {
                  name: 'http.server.request.duration',
                  unit: 's',
                  histogram: { dataPoints: [{ timeUnixNano: nanos(2_000), count: 4, sum: 2 }] },
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await post('/v1/metrics', metrics)).status).toBe(200);
    expect((await post('/v1/logs', new Uint8Array())).status).toBe(200);

    const { spans, points } = readOtel(dir);
    expect(spans).toEqual([
      {
        service: 'worker',
        scope: 'io.opentelemetry.kafka-clients-0.11',
        name: 'orders publish',
        kind: 4,
        traceId: '01'.repeat(16),
        start: 1_000,
        durationMs: 25,
        status: 2,
      },
    ]);
    expect(points.map((point) => [point.name, point.value ?? point.count, point.sum])).toEqual([
      ['kafka.producer.record_send_total', 14, undefined],
      ['jvm.thread.count', 41, undefined],
      ['http.server.request.duration', 4, 2],
    ]);
    expect(spansFile(dir)).toMatch(/spans\.jsonl$/);
    expect(metricsFile(dir)).toMatch(/metrics\.jsonl$/);
  });

  it('refuses OTLP/JSON, a body that is not OTLP, and unknown paths, saying what it takes', async () => {
    const json = await post('/v1/traces', '{}', 'application/json');
    expect(json.status).toBe(415);
    expect(await json.text()).toMatch(/otel\.exporter\.otlp\.protocol=http\/protobuf/);
    const garbled = await post('/v1/traces', new Uint8Array([0x0a, 0xff, 0xff, 0xff]));
    expect(garbled.status).toBe(400);
    expect(await garbled.text()).toMatch(/Could not decode/);
    expect((await post('/v2/traces', new Uint8Array())).status).toBe(404);
  });
});

describe('the summary', () => {
  const span = (name: string, durationMs: number, status = 0): StoredSpan => ({
    service: 'w',
    scope: '',
    name,
    kind: 1,
    traceId: '',
    start: 0,
    durationMs,
    status,
  });

  it('counts spans by name with nearest-rank p50/p95 and errors, most frequent first', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([], 0.95)).toBe(0);
    const spans = [
      ...Array.from({ length: 20 }, (_, i) => span('GET /connectors', i + 1)),
      span('t publish', 7, 2),
    ];
    expect(summariseSpans(spans)).toEqual([
      { service: 'w', name: 'GET /connectors', count: 20, errors: 0, p50Ms: 10, p95Ms: 19 },
      { service: 'w', name: 't publish', count: 1, errors: 1, p50Ms: 7, p95Ms: 7 },
    ]);
  });

  it('takes the latest point of each series: sums add up, gauges show the highest', () => {
    const point = (name: string, type: 'sum' | 'gauge', time: number, value: number, client: string) => ({
      service: 'w',
      name,
      unit: '',
      type,
      time,
      value,
      attributes: { client },
    });
    const rows = summariseMetrics([
      point('kafka.producer.record_send_total', 'sum', 1, 5, 'a'),
      point('kafka.producer.record_send_total', 'sum', 2, 9, 'a'),
      point('kafka.producer.record_send_total', 'sum', 2, 4, 'b'),
      point('kafka.producer.request_latency_avg', 'gauge', 2, 30, 'a'),
      point('kafka.producer.request_latency_avg', 'gauge', 2, 80, 'b'),
    ]);
    expect(rows.map((row) => [row.name, row.series, row.value])).toEqual([
      ['kafka.producer.record_send_total', 2, 13],
      ['kafka.producer.request_latency_avg', 2, 80],
    ]);
    const text = renderOtelSummary({ spans: [span('GET', 3)], points: [] });
    expect(text).toMatch(/Spans: 1 received, 1 names/);
    expect(text).toMatch(/p50 ms\s+p95 ms/);
  });
});

describe('the agent on apache-connect', () => {
  it('exports http/protobuf to the receiver with Connect’s JMX rules', () => {
    const args = otelAgentArgs('/cache/agent.jar', 'http://127.0.0.1:4318', 'apache-connect');
    expect(args[0]).toBe('-javaagent:/cache/agent.jar');
    expect(args).toContain('-Dotel.exporter.otlp.endpoint=http://127.0.0.1:4318');
    expect(args).toContain('-Dotel.exporter.otlp.protocol=http/protobuf');
    expect(args.find((arg) => arg.startsWith('-Dotel.jmx.config='))).toMatch(/connect-jmx\.yaml$/);
  });

  it('HACK_OTEL=1 without the receiver in the stack is refused with the command that starts both', async () => {
    const start = apacheConnectService.start({
      profile: 'local',
      services: { kafka: { bootstrapServers: '127.0.0.1:1' } as KafkaEntry },
      env: { HACK_OTEL: '1' },
      ephemeralPorts: true,
      progress: () => {},
    });
    await expect(start).rejects.toBeInstanceOf(UsageError);
    await expect(start).rejects.toMatchObject({ fix: expect.stringMatching(/hack up otel apache-connect/) });
  });
});
