import { existsSync, readFileSync } from 'node:fs';
import { renderTable } from '../console/table.ts';
import { metricsFile, spansFile, type StoredPoint, type StoredSpan } from './receiver.ts';

export interface SpanRow {
  service: string;
  name: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
}

export interface MetricRow {
  service: string;
  name: string;
  unit: string;
  type: StoredPoint['type'];
  /** Attribute sets seen (e.g. one per client, pool or topic). */
  series: number;
  /** The latest point of each series: sums and histogram counts added up, the highest for gauges. */
  value: number;
  /** Histograms: sum / count of the latest points. */
  mean?: number;
}

/**
 * The metrics a participant looks at first: Kafka Connect's own (connect-jmx.yaml: records each task polled and
 * wrote, errors, offset commits), the worker's Kafka clients (what the connector's tasks send and
 * read), its REST API, the JVM. Names as the agent 2.x emits them; `hack otel --all` lists every one.
 */
export const keyMetrics = [
  /^kafka\.connect\./,
  /^kafka\.(producer|consumer)\.(record_send_total|record_error_total|records_consumed_total|records_lag_max|request_latency_avg)$/,
  /^http\.server\.request\.duration$/,
  /^jvm\.(memory\.used|cpu\.recent_utilization|thread\.count|gc\.duration|class\.loaded)$/,
];

function readLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return []; // a line cut by a crash
      }
    });
}

/** The value at quantile q (0..1) of ascending `sorted`, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Spans by service and name: counts, errors, p50/p95 durations; most frequent first. */
export function summariseSpans(spans: StoredSpan[]): SpanRow[] {
  const groups = new Map<string, StoredSpan[]>();
  for (const span of spans) {
    const key = `${span.service}\u0000${span.name}`;
    groups.set(key, [...(groups.get(key) ?? []), span]);
  }
  return [...groups.values()]
    .map((group) => {
      const durations = group.map((span) => span.durationMs).sort((a, b) => a - b);
      return {
        service: group[0]!.service,
        name: group[0]!.name,
        count: group.length,
        errors: group.filter((span) => span.status === 2).length,
        p50Ms: quantile(durations, 0.5),
        p95Ms: quantile(durations, 0.95),
      };
    })
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** Metrics by service and name from the latest point of each series (see MetricRow.value); sorted by name. */
export function summariseMetrics(points: StoredPoint[]): MetricRow[] {
  const latest = new Map<string, Map<string, StoredPoint>>();
  for (const point of points) {
    const key = `${point.service}\u0000${point.name}`;
    const series = latest.get(key) ?? new Map<string, StoredPoint>();
    const id = JSON.stringify(point.attributes);
    const previous = series.get(id);
    if (!previous || previous.time <= point.time) series.set(id, point);
    latest.set(key, series);
  }
  return [...latest.values()]
    .map((series) => {
      const all = [...series.values()];
      const first = all[0]!;
      const row: MetricRow = {
        service: first.service,
        name: first.name,
        unit: first.unit,
        type: first.type,
        series: all.length,
        // Sums (counters, memory by pool, threads by state) add up over series; gauges (averages, maxima) don't:
        // the highest one is shown.
        value:
          first.type === 'gauge'
            ? Math.max(...all.map((point) => point.value ?? 0))
            : all.reduce(
                (total, point) =>
                  total + (point.type === 'histogram' ? (point.count ?? 0) : (point.value ?? 0)),
                0,
              ),
      };
      if (first.type === 'histogram') {
        const sum = all.reduce((total, point) => total + (point.sum ?? 0), 0);
        row.mean = row.value > 0 ? sum / row.value : 0;
      }
      return row;
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}

export function readOtel(dataDir: string): { spans: StoredSpan[]; points: StoredPoint[] } {
  return {
    spans: readLines<StoredSpan>(spansFile(dataDir)),
    points: readLines<StoredPoint>(metricsFile(dataDir)),
  };
}

const round = (value: number): string =>
  Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toPrecision(3);

/** The text `hack otel` prints: a span table and a metric table. */
export function renderOtelSummary(
  data: { spans: StoredSpan[]; points: StoredPoint[] },
  options: { all?: boolean; limit?: number } = {},
): string {
  const spanRows = summariseSpans(data.spans);
  const limit = options.all ? Infinity : (options.limit ?? 20);
  const allMetrics = summariseMetrics(data.points);
  const metricRows = options.all
    ? allMetrics
    : allMetrics.filter((row) => keyMetrics.some((pattern) => pattern.test(row.name)));
  const out: string[] = [];
  out.push(`Spans: ${data.spans.length} received, ${spanRows.length} names`);
  if (spanRows.length > 0)
    out.push(
      renderTable(
        [
          { header: 'service', value: (row: SpanRow) => row.service },
          { header: 'span', value: (row: SpanRow) => row.name },
          { header: 'count', value: (row: SpanRow) => row.count, align: 'right' },
          { header: 'errors', value: (row: SpanRow) => row.errors, align: 'right' },
          { header: 'p50 ms', value: (row: SpanRow) => round(row.p50Ms), align: 'right' },
          { header: 'p95 ms', value: (row: SpanRow) => round(row.p95Ms), align: 'right' },
        ],
        spanRows.slice(0, limit),
      ),
    );
  if (spanRows.length > limit) out.push(`… ${spanRows.length - limit} more span names (--all)`);
  out.push('');
  out.push(
    `Metrics: ${allMetrics.length} names${options.all ? '' : `, ${metricRows.length} key ones shown (--all for every one)`}`,
  );
  if (metricRows.length > 0)
    out.push(
      renderTable(
        [
          { header: 'service', value: (row: MetricRow) => row.service },
          { header: 'metric', value: (row: MetricRow) => row.name },
          { header: 'unit', value: (row: MetricRow) => row.unit },
          { header: 'series', value: (row: MetricRow) => row.series, align: 'right' },
          {
            header: 'latest',
            value: (row: MetricRow) =>
              row.type === 'histogram'
                ? `${round(row.value)} × mean ${round(row.mean ?? 0)}`
                : round(row.value),
            align: 'right',
          },
        ],
        metricRows,
      ),
    );
  return out.join('\n');
}
