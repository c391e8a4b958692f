import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../challenges/05-dashboards/browser.ts';
import { startMetricsService, type MetricsService } from '../infra/metrics/server.ts';
import type { Sample } from '../infra/metrics/store.ts';
import { freePort } from '../infra/process/index.ts';
import { writeStack, type StackServices } from '../infra/stack/stack-file.ts';
import { waitFor } from '../infra/testing/helpers.ts';
import { PIPELINE_CHARTS, readPipeline } from './pipeline.ts';
import { startDashboard, type RunningDashboard } from './server.ts';

/**
 * The dashboard's pipeline section reads its history from the metrics service's Metrics API: a real metrics
 * service (in this process) holding ten minutes of history, a real dashboard, its page in Chromium. The page shows
 * what the API answers — and when the service is gone from the stack, says so and how to start it. Cosmos DB and
 * Search are not running here: the store panels fail to read, the pipeline section does not depend on them.
 */
const home = mkdtempSync(join(tmpdir(), 'dashboard-pipeline-'));
const previousHome = process.env.HACK_HOME;
let metrics: MetricsService;
let dashboard: RunningDashboard;
let browser: Browser;
let page: Page;

async function stackWith(services: StackServices): Promise<void> {
  writeStack({ profile: 'local', startedAt: new Date().toISOString(), services });
}

beforeAll(async () => {
  process.env.HACK_HOME = home;
  metrics = await startMetricsService({ dataDir: join(home, 'metrics'), intervalMs: 60_000 });
  // Ten minutes of history, one sample a minute, as the collector would have stored it.
  const now = Date.now();
  for (let minute = 10; minute >= 1; minute--) {
    const samples: Sample[] = [
      {
        metric: 'io.confluent.kafka.server/received_records',
        labels: { 'resource.kafka.id': 'k1', 'metric.topic': 'orders', 'metric.partition': '0' },
        value: 5,
      },
      {
        metric: 'io.confluent.kafka.server/received_records',
        labels: { 'resource.kafka.id': 'k1', 'metric.topic': 'returns', 'metric.partition': '0' },
        value: minute % 2,
      },
      {
        metric: 'io.confluent.kafka.server/consumer_lag_offsets',
        labels: {
          'resource.kafka.id': 'k1',
          'metric.topic': 'orders',
          'metric.partition': '0',
          'metric.consumer_group_id': 'connect-cosmos-sink',
        },
        value: minute * 3,
      },
      {
        metric: 'io.confluent.kafka.connect/sent_records',
        labels: { 'resource.connector.id': 'cosmos-source' },
        value: 7,
      },
      {
        metric: 'io.confluent.kafka.connect/dead_letter_queue_records',
        labels: { 'resource.connector.id': 'cosmos-sink' },
        value: minute === 4 ? 2 : 0,
      },
    ];
    metrics.store.append(samples, now - minute * 60_000);
  }
  const closed = `http://127.0.0.1:${await freePort()}`;
  await stackWith({ metrics: { url: metrics.url } });
  dashboard = await startDashboard({
    cosmos: { endpoint: closed, key: 'a2V5', tlsInsecure: true },
    search: { endpoint: closed, adminKey: 'key', queryKey: 'key' },
    port: 0,
    refreshMs: 5_000,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await metrics?.close();
  if (previousHome === undefined) delete process.env.HACK_HOME;
  else process.env.HACK_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
}, 60_000);

/** Each pipeline chart's table on the page: label → the number shown. */
function pageTables(): Promise<Record<string, Record<string, string>>> {
  // A string: this project compiles without the DOM library.
  return page.evaluate(`(() => {
    const result = {};
    for (const block of document.querySelectorAll('[data-chart]')) {
      result[block.dataset.chart] = Object.fromEntries(
        [...block.querySelectorAll('tr[data-series]')].map((row) => [
          row.dataset.series,
          row.querySelector('[data-field="summary"]').textContent,
        ]),
      );
    }
    return result;
  })()`);
}

describe("the dashboard's pipeline section", () => {
  it('shows the history the Metrics API answers, and says when the metrics service is not running', async () => {
    await page.goto(dashboard.url);
    // What the API itself answers for the same window, chart by chart.
    let expected: Record<string, Record<string, string>> = {};
    await waitFor(
      async () => {
        const view = await readPipeline(metrics.url, Date.now());
        if (!('charts' in view)) return false;
        expected = Object.fromEntries(
          PIPELINE_CHARTS.map((chart) => [
            chart.id,
            Object.fromEntries(
              view.charts[chart.id]!.map((series) => [series.label, String(Math.round(series.summary))]),
            ),
          ]),
        );
        return JSON.stringify(await pageTables()) === JSON.stringify(expected);
      },
      { timeoutMs: 60_000, intervalMs: 500, description: "the page's pipeline tables" },
    ).catch(() => undefined);
    expect(await pageTables()).toEqual(expected);
    expect(expected['records-in']).toEqual({ orders: '50', returns: '5' });
    expect(expected['connector-written']).toEqual({ 'cosmos-source': '70' });
    expect(expected['dead-letter']).toEqual({ 'cosmos-sink': '2' });
    expect(expected['consumer-lag']).toEqual({ 'connect-cosmos-sink': '3' }); // the last minute's value
    expect(await page.textContent('section[data-pipeline] .fresh')).toContain(
      `${metrics.url}/v2/metrics/cloud/query`,
    );

    // The metrics service leaves the stack: the section says so, and what to run.
    await stackWith({});
    await page.waitForFunction(
      `document.querySelector('section[data-pipeline] .fresh').textContent.includes('metrics service is not running')`,
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.textContent('section[data-pipeline] .fresh')).toContain('npx hack up metrics');
  }, 180_000);
});
