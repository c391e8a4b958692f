import type { Command } from 'commander';
import { didYouMean } from '../console/did-you-mean.ts';
import { style } from '../console/style.ts';
import { renderTable } from '../console/table.ts';
import { HackError, UsageError } from '../errors.ts';
import { readStack } from '../stack/stack-file.ts';
import { findMetric, isCounter, metricDescriptors } from './catalog.ts';
import { documentedExamples } from './examples.ts';
import type { MetricsEntry } from './service.ts';

const bars = '▁▂▃▄▅▆▇█';

/** A one-line chart of the values, lowest to highest mapped onto eight bar heights. */
export function sparkline(values: number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const span = Math.max(...values) - low;
  return values.map((value) => bars[span === 0 ? 0 : Math.round(((value - low) / span) * 7)]).join('');
}

function baseUrl(given: string | undefined): string {
  if (given) return given.replace(/\/+$/, '');
  const entry = readStack()?.services.metrics as MetricsEntry | undefined;
  if (!entry)
    throw new HackError('The metrics service is not running.', {
      fix: 'Start it with `npx hack up metrics` (or pass the API with --url).',
    });
  return entry.url;
}

async function call(url: string, path: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new HackError(`The Metrics API at ${url} does not answer (${(error as Error).message}).`, {
      fix: 'Run `npx hack up metrics`; `npx hack logs metrics` shows why it stopped.',
    });
  }
  if (!response.ok) {
    const errors = ((await response.json().catch(() => ({}))) as { errors?: Array<{ detail: string }> })
      .errors;
    throw new UsageError(
      `The Metrics API answered ${response.status}: ${errors?.map((error) => error.detail).join(' ') ?? ''}`,
      { fix: 'Fix the query; `npx hack metrics descriptors` lists the metrics and their labels.' },
    );
  }
  return response;
}

/** `field=value` (EQ) filters, all of them ANDed; `!field=value` negates one. */
function filterOf(specs: string[]): unknown {
  const filters = specs.map((spec) => {
    const match = /^(!?)([^=]+)=(.*)$/.exec(spec);
    if (!match)
      throw new UsageError(`--filter ${spec} is not field=value.`, {
        fix: 'e.g. --filter metric.topic=orders',
      });
    const field = { field: match[2], op: 'EQ', value: match[3] };
    return match[1] ? { op: 'NOT', filter: field } : field;
  });
  return filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { op: 'AND', filters };
}

interface QueryOptions {
  groupBy: string[];
  filter: string[];
  granularity: string;
  interval: string;
  limit: string;
  example?: string;
  json?: boolean;
  url?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerMetricsCommands(program: Command): void {
  const metrics = program
    .command('metrics')
    .description("The stack's metrics over time, through its Metrics API (Confluent Cloud's v2 shape)");

  metrics
    .command('query')
    .description(
      'Query one metric: a table with a total (counters) or last value (gauges) and a sparkline per group',
    )
    .argument('[metric]', 'e.g. io.confluent.kafka.server/received_records')
    .option('-g, --group-by <field>', 'a label to group by, e.g. metric.topic (repeatable)', collect, [])
    .option(
      '-f, --filter <field=value>',
      'keep series whose label equals the value; !field=value drops them (repeatable)',
      collect,
      [],
    )
    .option(
      '--granularity <duration>',
      'bucket size: PT1M, PT5M, PT1H, P1D, ALL, or locally any ISO-8601 duration such as PT10S',
      'PT1M',
    )
    .option(
      '--interval <interval>',
      'ISO-8601 interval; `now` with offsets (now-6h) and truncation (now|h) works',
      'now-1h/now',
    )
    .option('--limit <n>', 'the most groups to show (1–1000)', '100')
    .option(
      '--example <name>',
      `send a request body of the API reference unchanged: ${Object.keys(documentedExamples).join(', ')}`,
    )
    .option('--json', "print the API's response as it is")
    .option('--url <url>', "a Metrics API other than the stack's")
    .action(async (metric: string | undefined, options: QueryOptions) => {
      const url = baseUrl(options.url);
      let body: Record<string, unknown>;
      if (options.example) {
        const example = documentedExamples[options.example as keyof typeof documentedExamples];
        if (!example)
          throw new UsageError(`No example named ${options.example}.`, {
            fix: `Use one of ${Object.keys(documentedExamples).join(', ')}.`,
          });
        body = example as unknown as Record<string, unknown>;
      } else {
        if (!metric)
          throw new UsageError('Name the metric to query.', { fix: 'See `npx hack metrics descriptors`.' });
        if (!findMetric(metric)) {
          const guess = didYouMean(
            metric,
            metricDescriptors.map((descriptor) => descriptor.name),
          );
          throw new UsageError(`${metric} is not a metric the API serves.`, {
            fix: guess ? `Did you mean ${guess}?` : 'See `npx hack metrics descriptors`.',
          });
        }
        body = {
          aggregations: [{ metric }],
          granularity: options.granularity,
          intervals: [options.interval],
          limit: Number(options.limit),
          ...(options.groupBy.length > 0 ? { group_by: options.groupBy, format: 'GROUPED' } : {}),
          ...(options.filter.length > 0 ? { filter: filterOf(options.filter) } : {}),
        };
      }
      const path =
        options.example === 'attributes' ? '/v2/metrics/cloud/attributes' : '/v2/metrics/cloud/query';
      const result = (await (await call(url, path, body)).json()) as { data: Array<Record<string, unknown>> };
      if (options.json || options.example) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const descriptor = findMetric(metric!)!;
      const counter = isCounter(descriptor);
      const groups: Array<{ labels: Record<string, unknown>; values: number[] }> =
        options.groupBy.length > 0
          ? result.data.map(({ points, ...labels }) => ({
              labels,
              values: (points as Array<{ value: number }>).map((point) => point.value),
            }))
          : [{ labels: {}, values: result.data.map((point) => point.value as number) }];
      const round = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(2));
      const table = renderTable(
        [
          ...options.groupBy.map((field) => ({
            header: field,
            value: (row: (typeof groups)[number]) => String(row.labels[field] ?? ''),
          })),
          {
            header: counter ? 'total' : 'last',
            align: 'right' as const,
            value: (row: (typeof groups)[number]) =>
              round(counter ? row.values.reduce((sum, value) => sum + value, 0) : (row.values.at(-1) ?? 0)),
          },
          {
            header: 'points',
            align: 'right' as const,
            value: (row: (typeof groups)[number]) => row.values.length,
          },
          {
            header: `${options.granularity} over ${options.interval}`,
            value: (row: (typeof groups)[number]) => sparkline(row.values.slice(-60)),
          },
        ],
        groups,
      );
      process.stdout.write(
        `${style.bold(descriptor.name)} ${style.dim(`(${descriptor.type}, ${descriptor.unit})`)}\n${table}\n`,
      );
    });

  metrics
    .command('descriptors')
    .description('The metrics (or, with --resources, the resource types) the API serves, with their labels')
    .option('--resources', 'list the resource types instead')
    .option('--json', "print the API's response as it is")
    .option('--url <url>', "a Metrics API other than the stack's")
    .action(async (options: { resources?: boolean; json?: boolean; url?: string }) => {
      const url = baseUrl(options.url);
      const path = `/v2/metrics/cloud/descriptors/${options.resources ? 'resources' : 'metrics'}?page_size=1000`;
      const result = (await (await call(url, path)).json()) as {
        data: Array<{
          name?: string;
          type: string;
          unit?: string;
          description: string;
          labels: Array<{ key: string }>;
          resources?: string[];
        }>;
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      type Row = (typeof result.data)[number];
      const labels = (row: Row): string =>
        [
          ...row.labels.map((label) => (options.resources ? `resource.${label.key}` : `metric.${label.key}`)),
          ...(row.resources ?? []).map((type) => `resource.${type}.id`),
        ].join(' ');
      process.stdout.write(
        `${renderTable<Row>(
          options.resources
            ? [
                { header: 'type', value: (row) => row.type },
                { header: 'labels', value: labels },
                { header: 'description', value: (row) => row.description },
              ]
            : [
                { header: 'metric', value: (row) => row.name! },
                { header: 'type', value: (row) => row.type },
                { header: 'unit', value: (row) => row.unit! },
                { header: 'labels', value: labels },
              ],
          result.data,
        )}\n`,
      );
    });

  metrics
    .command('export')
    .description('The latest value of every series in Prometheus text format (GET /v2/metrics/cloud/export)')
    .option('--metric <name>', 'only this metric (repeatable)', collect, [])
    .option('--url <url>', "a Metrics API other than the stack's")
    .action(async (options: { metric: string[]; url?: string }) => {
      const url = baseUrl(options.url);
      const query = options.metric.map((name) => `metric=${encodeURIComponent(name)}`).join('&');
      process.stdout.write(
        await (await call(url, `/v2/metrics/cloud/export${query ? `?${query}` : ''}`)).text(),
      );
    });
}
