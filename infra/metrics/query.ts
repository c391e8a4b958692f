import { fieldsOf, findMetric, isCounter, metricDescriptors, type MetricDescriptor } from './catalog.ts';
import { cloudGranularities, iso, parseDuration, parseInterval, type TimeRange } from './intervals.ts';
import type { MetricStore, Series } from './store.ts';

/**
 * `POST /v2/metrics/cloud/query` and `/attributes` over the store, with the request fields of Confluent Cloud's
 * Metrics API (QueryRequest: aggregations, group_by, granularity, filter, order_by, intervals, limit, format)
 * and its error shape: `{"errors":[{"status":"400","detail":"…"}]}`, one entry per problem.
 */

export class MetricsApiError extends Error {
  constructor(
    readonly status: number,
    readonly details: string[],
  ) {
    super(details.join(' '));
  }

  body(): { errors: Array<{ status: string; detail: string }> } {
    return { errors: this.details.map((detail) => ({ status: String(this.status), detail })) };
  }
}

export type Filter =
  | { field: string; op: 'EQ' | 'GT' | 'GTE'; value: string | number }
  | { op: 'AND' | 'OR'; filters: Filter[] }
  | { op: 'NOT'; filter: Filter };

export interface QueryRequest {
  aggregations: Array<{ metric: string; agg?: Aggregation }>;
  group_by?: string[];
  granularity: string;
  filter?: Filter;
  order_by?: Array<{ metric: string; agg?: Aggregation; order?: 'ASCENDING' | 'DESCENDING' }>;
  intervals: string[];
  limit?: number;
  format?: 'FLAT' | 'GROUPED';
}

/**
 * `SUM` is the one value the spec's enum lists; its changelog names `MAX` for metrics that need another function,
 * and an omitted `agg` (what it recommends) applies the metric's own. `MIN` is our extension.
 */
type Aggregation = 'SUM' | 'MAX' | 'MIN';
const aggregations: Aggregation[] = ['SUM', 'MAX', 'MIN'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The problems of a filter, each naming where it is (`filter.filters[1].op`). */
function filterProblems(filter: unknown, fields: string[] | undefined, at: string): string[] {
  if (!isObject(filter)) return [`${at} must be an object.`];
  const op = filter.op;
  if (op === 'AND' || op === 'OR') {
    if (!Array.isArray(filter.filters) || filter.filters.length === 0)
      return [`${at}.filters must be a non-empty array for op ${op}.`];
    return filter.filters.flatMap((inner, index) => filterProblems(inner, fields, `${at}.filters[${index}]`));
  }
  if (op === 'NOT') {
    if (filter.filter === undefined) return [`${at}.filter must not be null for op NOT.`];
    return filterProblems(filter.filter, fields, `${at}.filter`);
  }
  if (op === 'EQ' || op === 'GT' || op === 'GTE') {
    const problems: string[] = [];
    if (typeof filter.field !== 'string') problems.push(`${at}.field must not be null.`);
    else if (fields && !fields.includes(filter.field))
      problems.push(
        `${at}.field '${filter.field}' is not a label of this metric; use one of ${fields.join(', ')}.`,
      );
    if (typeof filter.value !== 'string' && !Number.isInteger(filter.value))
      problems.push(`${at}.value must be a string or an integer.`);
    return problems;
  }
  return [`${at}.op ${JSON.stringify(op)} is not one of EQ, GT, GTE, AND, OR, NOT.`];
}

export function matches(filter: Filter | undefined, labels: Record<string, string>): boolean {
  if (!filter) return true;
  switch (filter.op) {
    case 'AND':
      return filter.filters.every((inner) => matches(inner, labels));
    case 'OR':
      return filter.filters.some((inner) => matches(inner, labels));
    case 'NOT':
      return !matches(filter.filter, labels);
    default: {
      const actual = labels[filter.field];
      if (actual === undefined) return false;
      const wanted = String(filter.value);
      // Labels compare lexicographically (the spec's words), which is how GT/GTE page through groups.
      if (filter.op === 'EQ') return actual === wanted;
      return filter.op === 'GT' ? actual > wanted : actual >= wanted;
    }
  }
}

interface Parsed {
  descriptor: MetricDescriptor;
  agg: Aggregation;
  groupBy: string[];
  bucketMs: number | 'ALL';
  ranges: TimeRange[];
  limit: number;
  format: 'FLAT' | 'GROUPED';
  order: 'ASCENDING' | 'DESCENDING';
}

function parseLimit(value: unknown, problems: string[]): number {
  if (value === undefined) return 100;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1000) {
    problems.push('limit must be an integer from 1 through 1000.');
    return 100;
  }
  return value as number;
}

function parseRanges(value: unknown, now: number, problems: string[], required: boolean): TimeRange[] {
  if (value === undefined && !required) return [{ start: now - 3_600_000, end: now }];
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('intervals must not be empty.');
    return [];
  }
  const ranges: TimeRange[] = [];
  for (const interval of value) {
    const range = typeof interval === 'string' ? parseInterval(interval, now) : 'intervals must be strings.';
    if (typeof range === 'string') problems.push(range);
    else ranges.push(range);
  }
  return ranges;
}

/** Validates a query body; every problem is reported at once, as the Cloud API does. */
export function parseQuery(body: unknown, now: number): Parsed {
  if (!isObject(body)) throw new MetricsApiError(400, ['The request body must be a JSON object.']);
  const problems: string[] = [];
  let descriptor: MetricDescriptor | undefined;
  let agg: Aggregation = 'SUM';
  const aggs = body.aggregations;
  if (!Array.isArray(aggs) || aggs.length === 0) problems.push('aggregations must not be empty.');
  else if (aggs.length > 1) problems.push('aggregations: only one aggregation per request is supported.');
  else if (!isObject(aggs[0]) || typeof aggs[0].metric !== 'string')
    problems.push('aggregations[0].metric must not be null.');
  else {
    descriptor = findMetric(aggs[0].metric);
    if (!descriptor)
      problems.push(
        `Invalid metric '${aggs[0].metric}': not a metric of the cloud dataset; GET /v2/metrics/cloud/descriptors/metrics lists them.`,
      );
    if (aggs[0].agg !== undefined) {
      if (aggregations.includes(aggs[0].agg as Aggregation)) agg = aggs[0].agg as Aggregation;
      else problems.push(`aggregations[0].agg ${JSON.stringify(aggs[0].agg)} is not one of SUM, MAX, MIN.`);
    }
  }
  const fields = descriptor ? fieldsOf(descriptor) : undefined;
  const groupBy: string[] = [];
  if (body.group_by !== undefined) {
    if (!Array.isArray(body.group_by)) problems.push('group_by must be an array of label fields.');
    else
      for (const field of body.group_by) {
        if (typeof field !== 'string') problems.push('group_by entries must be strings.');
        else if (fields && !fields.includes(field))
          problems.push(
            `Invalid group_by field '${field}' for this metric; use one of ${fields.join(', ')}.`,
          );
        else groupBy.push(field);
      }
  }
  let bucketMs: number | 'ALL' = 'ALL';
  const granularity = body.granularity;
  if (typeof granularity !== 'string') problems.push('granularity must not be null.');
  else if (granularity !== 'ALL') {
    const ms = cloudGranularities[granularity]?.ms ?? parseDuration(granularity);
    if (!ms || ms < 1000)
      problems.push(
        `Invalid granularity '${granularity}': use an ISO-8601 duration of Cloud's (PT1M, PT5M, PT15M, PT30M, PT1H, PT4H, PT6H, PT12H, P1D), ALL, or locally any of at least PT1S.`,
      );
    else bucketMs = ms;
  }
  if (body.filter !== undefined && body.filter !== null)
    problems.push(...filterProblems(body.filter, fields, 'filter'));
  const ranges = parseRanges(body.intervals, now, problems, true);
  const limit = parseLimit(body.limit, problems);
  let format: 'FLAT' | 'GROUPED' = 'FLAT';
  if (body.format !== undefined) {
    if (body.format !== 'FLAT' && body.format !== 'GROUPED') problems.push('format must be FLAT or GROUPED.');
    else format = body.format;
    if (format === 'GROUPED' && !(Array.isArray(body.group_by) && body.group_by.length > 0))
      problems.push('format GROUPED is only allowed when group_by is non-empty.');
  }
  let order: 'ASCENDING' | 'DESCENDING' = 'DESCENDING';
  if (body.order_by !== undefined) {
    // The spec says order_by is only valid with granularity ALL, yet its own query example pairs it with PT1H:
    // accepted with any granularity, applied to ALL (the groups' one value) only.
    if (!Array.isArray(body.order_by) || body.order_by.length === 0 || !isObject(body.order_by[0]))
      problems.push('order_by must be a non-empty array.');
    else if (body.order_by[0].order !== undefined) {
      const given = body.order_by[0].order;
      if (given !== 'ASCENDING' && given !== 'DESCENDING')
        problems.push('order_by[0].order must be ASCENDING or DESCENDING.');
      else order = given;
    }
  }
  const granularityLimit = typeof granularity === 'string' ? cloudGranularities[granularity] : undefined;
  if (granularityLimit)
    for (const range of ranges)
      if (range.end - range.start > granularityLimit.maxIntervalMs)
        problems.push(
          `Granularity ${granularity as string} allows intervals of at most ${granularityLimit.maxIntervalMs / 3_600_000} hours; use a coarser granularity or a shorter interval.`,
        );
  if (problems.length > 0 || !descriptor) throw new MetricsApiError(400, problems);
  return { descriptor, agg, groupBy, bucketMs, ranges, limit, format, order };
}

const combine = (agg: Aggregation, a: number, b: number): number =>
  agg === 'SUM' ? a + b : agg === 'MAX' ? Math.max(a, b) : Math.min(a, b);

interface Group {
  labels: Record<string, string>;
  /** bucket start → the sum of its values: enough for counters summed across series (the common case). */
  sums: Map<number, number>;
  /** bucket start → (sample time → value combined across the group's series): gauges, MAX and MIN. */
  samples: Map<number, Map<number, number>>;
}

/** The first index whose time is ≥ `time` (points are sorted by time). */
function lowerBound(times: number[], time: number): number {
  let [low, high] = [0, times.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

function collectGroups(
  parsed: Parsed,
  series: Series[],
  filter: Filter | undefined,
  counter: boolean,
): Map<string, Group> {
  const groups = new Map<string, Group>();
  const first = Math.min(...parsed.ranges.map((range) => range.start));
  const summed = counter && parsed.agg === 'SUM';
  const bucketMs = parsed.bucketMs;
  for (const one of series) {
    if (!matches(filter, one.labels)) continue;
    const labels = Object.fromEntries(parsed.groupBy.map((field) => [field, one.labels[field] ?? '']));
    const key = JSON.stringify(parsed.groupBy.map((field) => labels[field]));
    for (const range of parsed.ranges) {
      const from = lowerBound(one.times, range.start);
      const to = lowerBound(one.times, range.end);
      if (from >= to) continue;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { labels, sums: new Map(), samples: new Map() }));
      for (let index = from; index < to; index++) {
        const time = one.times[index]!;
        const value = one.values[index]!;
        const bucket = bucketMs === 'ALL' ? first : Math.floor(time / bucketMs) * bucketMs;
        if (summed) {
          group.sums.set(bucket, (group.sums.get(bucket) ?? 0) + value);
          continue;
        }
        let samples = group.samples.get(bucket);
        if (!samples) group.samples.set(bucket, (samples = new Map()));
        const previous = samples.get(time);
        samples.set(time, previous === undefined ? value : combine(parsed.agg, previous, value));
      }
    }
  }
  return groups;
}

/** Counters are summed over time within a bucket, gauges averaged (the Cloud's object model). */
function pointsOf(group: Group, counter: boolean): Array<{ timestamp: string; value: number }> {
  const values = new Map(group.sums);
  for (const [bucket, samples] of group.samples) {
    let total = 0;
    for (const value of samples.values()) total += value;
    values.set(bucket, counter ? total : total / samples.size);
  }
  return [...values.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, value]) => ({ timestamp: iso(bucket), value }));
}

const pageOffset = (token: string | undefined): number => {
  if (!token) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0)
    throw new MetricsApiError(400, ['Invalid page_token: start again from the first page.']);
  return offset;
};
const pageToken = (offset: number): string => Buffer.from(String(offset)).toString('base64url');

export function runQuery(
  store: MetricStore,
  body: unknown,
  options: { now?: number; pageToken?: string } = {},
): { data: unknown[]; meta?: { pagination: { page_size: number; next_page_token?: string } } } {
  const parsed = parseQuery(body, options.now ?? Date.now());
  const filter = (body as QueryRequest).filter ?? undefined;
  const counter = isCounter(parsed.descriptor);
  const groups = [
    ...collectGroups(parsed, store.ofMetric(parsed.descriptor.name), filter, counter).values(),
  ].map((group) => ({ labels: group.labels, points: pointsOf(group, counter) }));
  if (parsed.bucketMs === 'ALL' && parsed.groupBy.length > 0) {
    const sign = parsed.order === 'DESCENDING' ? -1 : 1;
    groups.sort((a, b) => sign * ((a.points[0]?.value ?? 0) - (b.points[0]?.value ?? 0)));
  } else {
    const text = (labels: Record<string, string>): string[] => parsed.groupBy.map((field) => labels[field]!);
    groups.sort((a, b) => {
      const [x, y] = [text(a.labels), text(b.labels)];
      for (let index = 0; index < x.length; index++)
        if (x[index] !== y[index]) return x[index]! < y[index]! ? -1 : 1;
      return 0;
    });
  }
  const offset = parsed.groupBy.length > 0 ? pageOffset(options.pageToken) : 0;
  const page = groups.slice(offset, offset + parsed.limit);
  const data =
    parsed.format === 'GROUPED'
      ? page.map((group) => ({ ...group.labels, points: group.points }))
      : page.flatMap((group) =>
          group.points.map((point) => ({ timestamp: point.timestamp, ...group.labels, value: point.value })),
        );
  if (parsed.groupBy.length === 0) return { data };
  const next = offset + parsed.limit < groups.length ? pageToken(offset + parsed.limit) : undefined;
  return {
    data,
    meta: { pagination: { page_size: parsed.limit, ...(next ? { next_page_token: next } : {}) } },
  };
}

/** `POST /attributes`: the distinct values of one label (group_by has exactly one field) in the intervals. */
export function runAttributes(
  store: MetricStore,
  body: unknown,
  options: { now?: number; pageToken?: string } = {},
): {
  data: Array<Record<string, string>>;
  meta: { pagination: { page_size: number; next_page_token?: string } };
} {
  if (!isObject(body)) throw new MetricsApiError(400, ['The request body must be a JSON object.']);
  const problems: string[] = [];
  let descriptors = metricDescriptors;
  if (body.metric !== undefined) {
    const descriptor = typeof body.metric === 'string' ? findMetric(body.metric) : undefined;
    if (!descriptor)
      problems.push(`Invalid metric ${JSON.stringify(body.metric)}: not a metric of the cloud dataset.`);
    else descriptors = [descriptor];
  }
  const groupBy = body.group_by;
  if (!Array.isArray(groupBy) || groupBy.length !== 1 || typeof groupBy[0] !== 'string')
    problems.push('group_by must name exactly one label field, e.g. ["metric.topic"].');
  const fields = descriptors.length === 1 ? fieldsOf(descriptors[0]!) : undefined;
  if (fields && Array.isArray(groupBy) && typeof groupBy[0] === 'string' && !fields.includes(groupBy[0]))
    problems.push(`Invalid group_by field '${groupBy[0]}' for this metric; use one of ${fields.join(', ')}.`);
  if (body.filter !== undefined && body.filter !== null)
    problems.push(...filterProblems(body.filter, fields, 'filter'));
  const ranges = parseRanges(body.intervals, options.now ?? Date.now(), problems, false);
  const limit = parseLimit(body.limit, problems);
  if (problems.length > 0) throw new MetricsApiError(400, problems);
  const field = (groupBy as string[])[0]!;
  const names = new Set(descriptors.map((descriptor) => descriptor.name));
  const values = new Set<string>();
  for (const series of store.all()) {
    const value = series.labels[field];
    if (
      value === undefined ||
      !names.has(series.metric) ||
      !matches(body.filter as Filter | undefined, series.labels)
    )
      continue;
    if (series.times.some((time) => ranges.some((range) => time >= range.start && time < range.end)))
      values.add(value);
  }
  const sorted = [...values].sort();
  const offset = pageOffset(options.pageToken);
  const next = offset + limit < sorted.length ? pageToken(offset + limit) : undefined;
  return {
    data: sorted.slice(offset, offset + limit).map((value) => ({ [field]: value })),
    meta: { pagination: { page_size: limit, ...(next ? { next_page_token: next } : {}) } },
  };
}
