import { metricDescriptors, type MetricDescriptor } from './catalog.ts';
import type { MetricStore } from './store.ts';

/**
 * Prometheus text exposition (format 0.0.4) both ways: parsing what our Connect worker serves at `/metrics`, and
 * rendering `GET /v2/metrics/cloud/export` as the Cloud documents it — metric names made Prometheus-safe
 * (`io.confluent.kafka.server/received_bytes` → `confluent_kafka_server_received_bytes`), the `resource.` and
 * `metric.` prefixes dropped from labels (`kafka_id`, `topic`), counters typed `gauge` (they are deltas), and the
 * latest data point of every series with its timestamp.
 */

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;

/** The samples of a Prometheus text page; HELP/TYPE/comment lines are skipped, a malformed line throws. */
export function parsePrometheus(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`Line ${index + 1} is not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = match[2] ?? '';
    let consumed = 0;
    for (const pair of labelText.matchAll(labelPair)) {
      labels[pair[1]!] = pair[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed += pair[0].length;
    }
    if (consumed !== labelText.length) throw new Error(`Line ${index + 1} has malformed labels: ${line}`);
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    if (Number.isNaN(value) && match[3] !== 'NaN')
      throw new Error(`Line ${index + 1} has no number: ${line}`);
    samples.push({
      name: match[1]!,
      labels,
      value,
      ...(match[4] ? { timestampMs: Number(match[4]) } : {}),
    });
  }
  return samples;
}

export const exportName = (metric: string): string =>
  metric
    .replace(/^io\.confluent\./, 'confluent.')
    .replace(/^hack\.local\//, 'hack_local.')
    .replace(/[^a-zA-Z0-9_]/g, '_');

const exportLabel = (field: string): string =>
  field.replace(/^(resource|metric)\./, '').replace(/[^a-zA-Z0-9_]/g, '_');
const escape = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * The export page: only series whose labels match every `resource.<type>.id` parameter given (the Cloud's
 * query parameters), only the named `metric`s when any are.
 */
export function renderExport(
  store: MetricStore,
  options: { resources?: Record<string, string[]>; metrics?: string[] } = {},
): string {
  const lines: string[] = [];
  const wanted = (descriptor: MetricDescriptor): boolean =>
    descriptor.exportable && (!options.metrics?.length || options.metrics.includes(descriptor.name));
  for (const descriptor of metricDescriptors.filter(wanted)) {
    const series = store.ofMetric(descriptor.name).filter((one) => {
      if (one.times.length === 0) return false;
      return Object.entries(options.resources ?? {}).every(
        ([field, ids]) =>
          ids.length === 0 || (one.labels[field] !== undefined && ids.includes(one.labels[field])),
      );
    });
    if (series.length === 0) continue;
    const name = exportName(descriptor.name);
    lines.push(`# HELP ${name} ${descriptor.description.replace(/\n/g, ' ')}`, `# TYPE ${name} gauge`);
    for (const one of series) {
      const labels = Object.keys(one.labels)
        .sort()
        .map((field) => `${exportLabel(field)}="${escape(one.labels[field]!)}"`)
        .join(',');
      const last = one.times.length - 1;
      lines.push(`${name}{${labels}} ${one.values[last]} ${one.times[last]}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
