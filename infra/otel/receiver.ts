import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/**
 * A small OTLP/HTTP receiver (http/protobuf, the Java agent's default): `POST /v1/traces` and `/v1/metrics` are
 * decoded with the hand-written subset in otlp.proto and appended as JSON lines to `spans.jsonl` and
 * `metrics.jsonl` in its data folder, which `hack otel` summarises. `/v1/logs` is accepted and dropped. Not a
 * collector: enough to see what the worker and its connectors do.
 */
export interface StoredSpan {
  service: string;
  scope: string;
  name: string;
  kind: number;
  traceId: string;
  /** Epoch ms. */
  start: number;
  durationMs: number;
  /** 2 = error (OTLP's STATUS_CODE_ERROR). */
  status: number;
}

export interface StoredPoint {
  service: string;
  name: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram';
  /** Epoch ms. */
  time: number;
  attributes: Record<string, string | number | boolean>;
  /** Gauge and sum points. */
  value?: number;
  /** Histogram points. */
  count?: number;
  sum?: number;
}

const root = protobuf.parse(readFileSync(join(import.meta.dirname, 'otlp.proto'), 'utf8'), {
  keepCase: false,
}).root;
const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
const toObjectOptions = { longs: String, bytes: String, defaults: true, oneofs: true } as const;

interface KeyValue {
  key: string;
  value?: {
    stringValue?: string;
    boolValue?: boolean;
    intValue?: string;
    doubleValue?: number;
    value?: string;
  };
}
type Attributes = Record<string, string | number | boolean>;

function attributesOf(list: KeyValue[] | undefined): Attributes {
  const result: Attributes = {};
  for (const { key, value } of list ?? []) {
    if (!value?.value) continue;
    const field = value.value as 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue';
    const raw = value[field];
    result[key] = field === 'intValue' ? Number(raw) : (raw as string | number | boolean);
  }
  return result;
}

const nanosToMs = (nanos: string | number): number => Number(BigInt(nanos) / 1000n) / 1000;
const hex = (base64: string): string => Buffer.from(base64, 'base64').toString('hex');

/** The spans of one ExportTraceServiceRequest body. */
export function decodeSpans(body: Uint8Array): StoredSpan[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobufjs objects are untyped
  const request = TraceRequest.toObject(TraceRequest.decode(body), toObjectOptions) as any;
  const spans: StoredSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    for (const scopeSpans of resourceSpans.scopeSpans ?? [])
      for (const span of scopeSpans.spans ?? []) {
        const start = nanosToMs(span.startTimeUnixNano);
        spans.push({
          service,
          scope: scopeSpans.scope?.name ?? '',
          name: span.name,
          kind: span.kind,
          traceId: hex(span.traceId),
          start,
          durationMs: nanosToMs(span.endTimeUnixNano) - start,
          status: span.status?.code ?? 0,
        });
      }
  }
  return spans;
}

/** The data points of one ExportMetricsServiceRequest body. */
export function decodeMetrics(body: Uint8Array): StoredPoint[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobufjs objects are untyped
  const request = MetricsRequest.toObject(MetricsRequest.decode(body), toObjectOptions) as any;
  const points: StoredPoint[] = [];
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const service = String(attributesOf(resourceMetrics.resource?.attributes)['service.name'] ?? 'unknown');
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? [])
      for (const metric of scopeMetrics.metrics ?? []) {
        const type = metric.data as StoredPoint['type'] | undefined;
        if (!type) continue;
        for (const point of metric[type].dataPoints ?? []) {
          const base = {
            service,
            name: metric.name,
            unit: metric.unit,
            type,
            time: nanosToMs(point.timeUnixNano),
            attributes: attributesOf(point.attributes),
          };
          points.push(
            type === 'histogram'
              ? { ...base, count: Number(point.count), sum: point.sum }
              : { ...base, value: point.value === 'asInt' ? Number(point.asInt) : point.asDouble },
          );
        }
      }
  }
  return points;
}

export const spansFile = (dataDir: string): string => join(dataDir, 'spans.jsonl');
export const metricsFile = (dataDir: string): string => join(dataDir, 'metrics.jsonl');

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

const appendLines = (file: string, items: object[]): void => {
  if (items.length > 0) appendFileSync(file, items.map((item) => `${JSON.stringify(item)}\n`).join(''));
};

export interface OtelReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1:`port` (0 = a free one). */
export async function startOtelReceiver(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<OtelReceiver> {
  mkdirSync(options.dataDir, { recursive: true });
  const server: Server = createServer((request, response) => {
    const reply = (status: number, text = ''): void => {
      response.writeHead(status, { 'content-type': text ? 'text/plain' : 'application/x-protobuf' });
      response.end(text);
    };
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && path === '/health') return reply(200, 'ok');
    if (request.method !== 'POST') return reply(405, 'POST OTLP/HTTP to /v1/traces, /v1/metrics or /v1/logs');
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-protobuf'))
      return reply(415, 'Only http/protobuf is accepted: set otel.exporter.otlp.protocol=http/protobuf');
    bodyOf(request)
      .then((body) => {
        if (path === '/v1/traces') appendLines(spansFile(options.dataDir), decodeSpans(body));
        else if (path === '/v1/metrics') appendLines(metricsFile(options.dataDir), decodeMetrics(body));
        else if (path !== '/v1/logs') return reply(404, `No OTLP signal at ${path}`);
        // An empty ExportXServiceResponse: zero bytes in protobuf.
        reply(200);
      })
      .catch((error: unknown) => {
        options.log?.(`Could not decode ${path}: ${(error as Error).message}`);
        reply(400, `Could not decode the body: ${(error as Error).message}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
