import { errorMessage } from '../infra/errors.ts';
import type { MetricsEntry } from '../infra/metrics/service.ts';
import { readStack } from '../infra/stack/stack-file.ts';

/**
 * The dashboard's pipeline section: the last minutes of the pipeline's history — records in per topic, connector
 * throughput, consumer lag, dead-letter records — read from the metrics service through Confluent Cloud's Metrics
 * API (`POST /v2/metrics/cloud/query`), never from the services themselves, so the same section would run against
 * the Cloud's API. The service is found in `.hack/stack.json` (`services.metrics.url`) at every read.
 */
export const PIPELINE_MINUTES = 15;

export interface PipelineChart {
  id: 'records-in' | 'connector-written' | 'connector-read' | 'consumer-lag' | 'dead-letter';
  title: string;
  metric: string;
  groupBy: string;
  /** Counters are totalled over the window; a gauge (lag) shows its last value. */
  kind: 'counter' | 'gauge';
}

export const PIPELINE_CHARTS: readonly PipelineChart[] = [
  {
    id: 'records-in',
    title: 'Records in per topic',
    metric: 'io.confluent.kafka.server/received_records',
    groupBy: 'metric.topic',
    kind: 'counter',
  },
  {
    id: 'connector-written',
    title: 'Records written to Kafka by source connectors',
    metric: 'io.confluent.kafka.connect/sent_records',
    groupBy: 'resource.connector.id',
    kind: 'counter',
  },
  {
    id: 'connector-read',
    title: 'Records read from Kafka by sink connectors',
    metric: 'io.confluent.kafka.connect/received_records',
    groupBy: 'resource.connector.id',
    kind: 'counter',
  },
  {
    id: 'consumer-lag',
    title: 'Consumer lag per group (offsets)',
    metric: 'io.confluent.kafka.server/consumer_lag_offsets',
    groupBy: 'metric.consumer_group_id',
    kind: 'gauge',
  },
  {
    id: 'dead-letter',
    title: 'Dead-letter records per connector',
    metric: 'io.confluent.kafka.connect/dead_letter_queue_records',
    groupBy: 'resource.connector.id',
    kind: 'counter',
  },
];

export interface PipelineSeries {
  label: string;
  /** One point per minute (PT1M), as the API returns them. */
  points: Array<{ timestamp: string; value: number }>;
  /** The window's total (counters) or the last minute's value (gauges). */
  summary: number;
}

export type PipelineView =
  | { source: string; minutes: number; from: string; to: string; charts: Record<string, PipelineSeries[]> }
  | { unavailable: string; fix: string };

/** The metrics service's URL from the running stack, if it is in it. */
export function stackMetricsUrl(): string | undefined {
  return (readStack()?.services.metrics as MetricsEntry | undefined)?.url;
}

/** The last `minutes` before `asOfMs` (from the start of that minute), one query per chart. */
export async function readPipeline(
  metricsUrl: string | undefined,
  asOfMs: number,
  minutes = PIPELINE_MINUTES,
): Promise<PipelineView> {
  if (!metricsUrl)
    return {
      unavailable: 'The metrics service is not running: the pipeline history comes from its Metrics API.',
      fix: 'Start it with `npx hack up metrics`; it scrapes every 10 s, so history starts then.',
    };
  const from = new Date(Math.floor((asOfMs - minutes * 60_000) / 60_000) * 60_000).toISOString();
  const to = new Date(asOfMs).toISOString();
  try {
    const charts = Object.fromEntries(
      await Promise.all(
        PIPELINE_CHARTS.map(async (chart) => [
          chart.id,
          await querySeries(metricsUrl, chart, `${from}/${to}`),
        ]),
      ),
    ) as Record<string, PipelineSeries[]>;
    return { source: metricsUrl, minutes, from, to, charts };
  } catch (error) {
    return {
      unavailable: `The metrics service at ${metricsUrl} did not answer: ${errorMessage(error)}`,
      fix: 'Check it with `npx hack status`; `npx hack up metrics` starts it again.',
    };
  }
}

async function querySeries(url: string, chart: PipelineChart, interval: string): Promise<PipelineSeries[]> {
  const response = await fetch(`${url}/v2/metrics/cloud/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      aggregations: [{ metric: chart.metric }],
      group_by: [chart.groupBy],
      granularity: 'PT1M',
      intervals: [interval],
      format: 'GROUPED',
      limit: 100,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as {
    data?: Array<Record<string, unknown> & { points: PipelineSeries['points'] }>;
    errors?: Array<{ detail: string }>;
  };
  if (!response.ok)
    throw new Error(`${chart.metric}: ${response.status} ${body.errors?.map((e) => e.detail).join('; ')}`);
  return (body.data ?? []).map((group) => ({
    label: String(group[chart.groupBy]),
    points: group.points,
    summary:
      chart.kind === 'counter'
        ? group.points.reduce((total, point) => total + point.value, 0)
        : (group.points.at(-1)?.value ?? 0),
  }));
}
