import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metricDescriptors } from './catalog.ts';
import { documentedExamples } from './examples.ts';
import { parseInterval } from './intervals.ts';
import { parsePrometheus, renderExport } from './prometheus.ts';
import type { MetricsApiError } from './query.ts';
import { runAttributes, runQuery } from './query.ts';
import { MetricStore } from './store.ts';
import { createMetricsApp } from './server.ts';

const dirs: string[] = [];
function store(): MetricStore {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-store-'));
  dirs.push(dir);
  return new MetricStore(dir, 48 * 3_600_000);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const t0 = Date.parse('2026-11-30T10:00:00Z');
const received = 'io.confluent.kafka.server/received_records';
const lag = 'io.confluent.kafka.server/consumer_lag_offsets';
const cluster = { 'resource.kafka.id': 'abc' };

/** Two topics over three scrapes 30 s apart: deltas 5/3/2 on orders, 1/1/1 on users; lag 4 then 2 then 0. */
function filled(): MetricStore {
  const s = store();
  const scrapes = [
    [5, 1, 4],
    [3, 1, 2],
    [2, 1, 0],
  ] as const;
  scrapes.forEach(([orders, users, groupLag], index) =>
    s.append(
      [
        {
          metric: received,
          labels: { ...cluster, 'metric.topic': 'orders', 'metric.partition': '0' },
          value: orders,
        },
        {
          metric: received,
          labels: { ...cluster, 'metric.topic': 'users', 'metric.partition': '0' },
          value: users,
        },
        {
          metric: lag,
          labels: {
            ...cluster,
            'metric.consumer_group_id': 'g1',
            'metric.topic': 'orders',
            'metric.partition': '0',
          },
          value: groupLag,
        },
      ],
      t0 + index * 30_000,
    ),
  );
  return s;
}

const now = t0 + 120_000;
const body = (extra: Record<string, unknown>) => ({
  aggregations: [{ metric: received }],
  granularity: 'PT1M',
  intervals: ['2026-11-30T10:00:00Z/PT1H'],
  ...extra,
});

describe('the Metrics API query', () => {
  it('sums counters per bucket and group, flat and grouped', () => {
    const s = filled();
    expect(runQuery(s, body({ group_by: ['metric.topic'] }), { now }).data).toEqual([
      { timestamp: '2026-11-30T10:00:00Z', 'metric.topic': 'orders', value: 8 },
      { timestamp: '2026-11-30T10:01:00Z', 'metric.topic': 'orders', value: 2 },
      { timestamp: '2026-11-30T10:00:00Z', 'metric.topic': 'users', value: 2 },
      { timestamp: '2026-11-30T10:01:00Z', 'metric.topic': 'users', value: 1 },
    ]);
    const grouped = runQuery(s, body({ group_by: ['metric.topic'], format: 'GROUPED', granularity: 'ALL' }), {
      now,
    });
    expect(grouped.data).toEqual([
      { 'metric.topic': 'orders', points: [{ timestamp: '2026-11-30T10:00:00Z', value: 10 }] },
      { 'metric.topic': 'users', points: [{ timestamp: '2026-11-30T10:00:00Z', value: 3 }] },
    ]);
    expect(grouped.meta).toEqual({ pagination: { page_size: 100 } });
  });

  it('averages gauges over time, filters with EQ/NOT/AND/OR and `now` intervals', () => {
    const s = filled();
    expect(
      runQuery(s, { ...body({}), aggregations: [{ metric: lag }], granularity: 'PT1M' }, { now }).data,
    ).toEqual([
      { timestamp: '2026-11-30T10:00:00Z', value: 3 },
      { timestamp: '2026-11-30T10:01:00Z', value: 0 },
    ]);
    const notUsers = {
      op: 'AND',
      filters: [
        { field: 'resource.kafka.id', op: 'EQ', value: 'abc' },
        { op: 'NOT', filter: { field: 'metric.topic', op: 'EQ', value: 'users' } },
      ],
    };
    expect(
      runQuery(s, body({ filter: notUsers, granularity: 'ALL', intervals: ['now-1h/now'] }), { now }).data,
    ).toEqual([{ timestamp: '2026-11-30T09:02:00Z', value: 10 }]);
    const either = {
      op: 'OR',
      filters: [
        { field: 'metric.topic', op: 'EQ', value: 'users' },
        { field: 'metric.topic', op: 'GTE', value: 'p' },
      ],
    };
    expect(runQuery(s, body({ filter: either, granularity: 'ALL' }), { now }).data).toEqual([
      { timestamp: '2026-11-30T10:00:00Z', value: 3 },
    ]);
  });

  it('pages groups with limit and page_token', () => {
    const s = filled();
    const first = runQuery(s, body({ group_by: ['metric.topic'], limit: 1, format: 'GROUPED' }), { now });
    expect(first.data).toHaveLength(1);
    const token = first.meta!.pagination.next_page_token!;
    const second = runQuery(s, body({ group_by: ['metric.topic'], limit: 1, format: 'GROUPED' }), {
      now,
      pageToken: token,
    });
    expect(second.data).toEqual([expect.objectContaining({ 'metric.topic': 'users' })]);
    expect(second.meta!.pagination.next_page_token).toBeUndefined();
  });

  it('answers a malformed query with every problem in the Cloud error shape', () => {
    const s = filled();
    const error = (() => {
      try {
        runQuery(
          s,
          {
            aggregations: [{ metric: 'io.confluent.kafka.server/nope' }],
            granularity: 'PT7X',
            intervals: ['yesterday'],
            limit: 0,
          },
          { now },
        );
      } catch (thrown) {
        return thrown as MetricsApiError;
      }
      throw new Error('no error');
    })();
    expect(error.status).toBe(400);
    expect(error.body().errors.map((e) => e.status)).toEqual(['400', '400', '400', '400']);
    expect(
      error
        .body()
        .errors.map((e) => e.detail)
        .join('\n'),
    ).toMatch(/Invalid metric[\s\S]*granularity[\s\S]*interval[\s\S]*limit/);
    expect(() => runQuery(s, body({ group_by: ['metric.nope'] }), { now })).toThrow(
      /Invalid group_by field 'metric.nope'/,
    );
    expect(() => runQuery(s, body({ format: 'GROUPED' }), { now })).toThrow(/GROUPED is only allowed/);
    expect(() => runQuery(s, body({ intervals: ['2026-11-29T00:00:00Z/P1D'] }), { now })).toThrow(
      /PT1M allows intervals of at most 6 hours/,
    );
  });

  it('runs the documented request bodies unchanged', () => {
    const s = filled();
    expect(runQuery(s, documentedExamples.query, { now })).toEqual({
      data: [],
      meta: { pagination: { page_size: 5 } },
    });
    expect(runQuery(s, documentedExamples.migration, { now }).data).toEqual([]);
    expect(runAttributes(s, documentedExamples.attributes, { now })).toEqual({
      data: [],
      meta: { pagination: { page_size: 3 } },
    });
    expect(
      runAttributes(
        s,
        {
          ...documentedExamples.attributes,
          metric: received,
          filter: undefined,
          intervals: ['2026-11-30T10:00:00Z/PT1H'],
        },
        { now },
      ).data,
    ).toEqual([{ 'metric.topic': 'orders' }, { 'metric.topic': 'users' }]);
  });

  it('parses intervals with now, offsets and truncation', () => {
    const at = Date.parse('2020-01-01T02:13:27Z');
    expect(parseInterval('now-2m|m/now', at)).toEqual({ start: Date.parse('2020-01-01T02:11:00Z'), end: at });
    expect(parseInterval('PT1H/now|h', at)).toEqual({
      start: Date.parse('2020-01-01T01:00:00Z'),
      end: Date.parse('2020-01-01T02:00:00Z'),
    });
    expect(parseInterval('now-1d|d/P1D', at)).toEqual({
      start: Date.parse('2019-12-31T00:00:00Z'),
      end: Date.parse('2020-01-01T00:00:00Z'),
    });
    expect(parseInterval('now/now-1h', at)).toMatch(/end is not after its start/);
  });
});

describe('the store and the export', () => {
  it('keeps every whole sample across a restart and cuts a torn last line', () => {
    const s = filled();
    const segment = readdirSync(s.dir).find((name) => name.startsWith('points-'))!;
    appendFileSync(join(s.dir, segment), `${t0 + 90_000}\t1\t12`); // a kill -9 mid-line
    const again = new MetricStore(s.dir, 48 * 3_600_000);
    expect(again.ofMetric(received).map((series) => series.values)).toEqual([
      [5, 3, 2],
      [1, 1, 1],
    ]);
    again.append(
      [
        {
          metric: received,
          labels: { ...cluster, 'metric.topic': 'orders', 'metric.partition': '0' },
          value: 7,
        },
      ],
      t0 + 100_000,
    );
    expect(new MetricStore(s.dir, 48 * 3_600_000).ofMetric(received)[0]!.values).toEqual([5, 3, 2, 7]);
  });

  it('exports the latest point of each series as Prometheus text, filtered by resource', () => {
    const s = filled();
    const text = renderExport(s, { resources: { 'resource.kafka.id': ['abc'] } });
    expect(text).toContain('# TYPE confluent_kafka_server_received_records gauge');
    const samples = parsePrometheus(text);
    expect(samples).toContainEqual({
      name: 'confluent_kafka_server_received_records',
      labels: { kafka_id: 'abc', partition: '0', topic: 'orders' },
      value: 2,
      timestampMs: t0 + 60_000,
    });
    expect(renderExport(s, { resources: { 'resource.kafka.id': ['other'] } })).toBe('');
  });

  it('serves descriptors of every metric and resource over HTTP, errors as JSON', async () => {
    const app = createMetricsApp(filled());
    const metrics = (await (await app.request('/v2/metrics/cloud/descriptors/metrics')).json()) as {
      data: Array<{ name: string }>;
      meta: unknown;
    };
    expect(metrics.data.map((d) => d.name)).toEqual(metricDescriptors.map((d) => d.name));
    expect(metrics.meta).toEqual({ pagination: { page_size: 100, total_size: metricDescriptors.length } });
    const bad = await app.request('/v2/metrics/cloud/query', { method: 'POST', body: '{"aggregations":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      errors: [{ status: '400', detail: expect.stringMatching(/not valid JSON/) }],
    });
    expect((await app.request('/v2/metrics/other/descriptors/metrics')).status).toBe(404);
  });
});
