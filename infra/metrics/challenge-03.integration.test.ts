import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient, kafkaConnectionOf } from '../kafka/connection.ts';
import { projectRoot, serviceDataDir } from '../paths.ts';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';
import { createTopic, produce, uniqueName, waitFor, withAdmin } from '../testing/helpers.ts';
import { Collector } from './collector.ts';
import type { MetricsEntry } from './service.ts';
import { MetricStore } from './store.ts';

/**
 * The "done when": one stack of its own (HACK_HOME) — the stack's own broker with the JMX exporter agent,
 * Cosmos, Search, our worker and the metrics service scraping every second — then `hack challenge 03 --solution`
 * on it, as a participant runs it, and a reader group of the test's own. What the Metrics API then reports
 * (records in per topic, bytes in per topic, lag per group, connector and dead-letter records) is compared with
 * what Kafka says the run produced and consumed: high watermarks, committed offsets, log sizes — never with
 * numbers written here.
 */
const home = mkdtempSync(join(tmpdir(), 'metrics-03-'));
const previousHome = process.env.HACK_HOME;
const readerGroup = uniqueName('metrics-03-reader');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the response's fields freely
async function query(body: unknown): Promise<any> {
  const url = (readStack()!.services.metrics as MetricsEntry).url;
  const response = await fetch(`${url}/v2/metrics/cloud/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** A counter's total since the stack started, per value of one label (granularity ALL). */
async function totals(metric: string, groupBy: string): Promise<Record<string, number>> {
  const json = await query({
    aggregations: [{ metric }],
    group_by: [groupBy],
    granularity: 'ALL',
    intervals: ['now-1h/now+1m'],
    limit: 1000,
  });
  return Object.fromEntries(
    (json.data as Array<Record<string, string | number>>).map((point) => [point[groupBy], point.value]),
  );
}

/** Each group's lag at the last scrape: 1-s buckets (one scrape each), partitions summed, the last bucket. */
async function latestLagByGroup(): Promise<Record<string, number>> {
  const json = await query({
    aggregations: [{ metric: 'io.confluent.kafka.server/consumer_lag_offsets' }],
    group_by: ['metric.consumer_group_id'],
    granularity: 'PT1S',
    intervals: ['now-2m/now+1m'],
    format: 'GROUPED',
    limit: 1000,
  });
  return Object.fromEntries(
    (json.data as Array<{ 'metric.consumer_group_id': string; points: Array<{ value: number }> }>).map(
      (group) => [group['metric.consumer_group_id'], group.points.at(-1)!.value],
    ),
  );
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

/** What Kafka says now: records per topic (high watermarks) and each group's lag (as the Cloud defines it). */
async function kafkaNow(admin: Admin): Promise<{ records: Map<string, number>; lag: Map<string, number> }> {
  const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
  const high = new Map<string, number>();
  const records = new Map<string, number>();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const { partition, high: watermark } of offsets)
      high.set(`${topic}/${partition}`, Number(watermark));
    records.set(topic, sum(offsets.map(({ high: watermark }) => Number(watermark))));
  }
  const lag = new Map<string, number>();
  for (const { groupId } of (await admin.listGroups()).groups) {
    let behind = 0;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId }))
      for (const { partition, offset } of partitions) {
        const watermark = high.get(`${topic}/${partition}`);
        if (watermark !== undefined && Number(offset) >= 0) behind += Math.max(0, watermark - Number(offset));
      }
    lag.set(groupId, behind);
  }
  return { records, lag };
}

/** Bytes of a topic's log segments in the stack's broker's data dir. */
function logBytes(topic: string): number {
  const logDir = join(serviceDataDir('kafka'), 'log');
  let bytes = 0;
  for (const entry of readdirSync(logDir))
    if (entry.startsWith(`${topic}-`) && /^\d+$/.test(entry.slice(topic.length + 1)))
      for (const file of readdirSync(join(logDir, entry)))
        if (file.endsWith('.log')) bytes += statSync(join(logDir, entry, file)).size;
  return bytes;
}

beforeAll(async () => {
  process.env.HACK_HOME = home;
  await up({
    only: ['kafka', 'cosmos', 'search', 'connect', 'metrics'],
    ephemeralPorts: true,
    env: { ...process.env, HACK_METRICS_INTERVAL_MS: '1000' },
  });
  // Every target scraped once before the run: what the run then does is counted from zero, not taken as the
  // baseline of a first scrape.
  await waitFor(
    async () => {
      const scraped = await totals('hack.local/metrics/scrape_errors', 'metric.target');
      return ['kafka', 'kafka-jmx', 'connect'].every((target) => scraped[target] !== undefined);
    },
    { timeoutMs: 120_000, intervalMs: 1000, description: 'a first scrape of kafka, kafka-jmx and connect' },
  );
}, 300_000);

afterAll(async () => {
  await down().catch(() => undefined);
  if (previousHome === undefined) delete process.env.HACK_HOME;
  else process.env.HACK_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('the Metrics API after a challenge 03 run', () => {
  it('reports the records, bytes, lag, connector and dead-letter records the run produced and consumed', async () => {
    const run = spawnSync(
      process.execPath,
      [join(projectRoot, 'bin', 'hack.mjs'), 'challenge', '03', '--solution'],
      { env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' }, encoding: 'utf8', timeout: 420_000 },
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(existsSync(join(home, 'stack.json'))).toBe(true); // it ran on this stack and left it running

    const stack = readStack()!;
    expect(stack.services.kafka!.jmxExporterUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const kafka = kafkaClient(kafkaConnectionOf(stack.services.kafka!), uniqueName('metrics-03'));
    // A group of the test's own that has read the first 10 records of each partition of a topic: a lag that is
    // not zero (a consumer would take whole batches, often the whole topic).
    await withAdmin(kafka, async (admin) => {
      const partitions = await admin.fetchTopicOffsets('purchases');
      await admin.setOffsets({
        groupId: readerGroup,
        topic: 'purchases',
        partitions: partitions.map(({ partition, high }) => ({
          partition,
          offset: String(Math.min(10, Number(high))),
        })),
      });
    });

    const eventTopics = [
      'users',
      'products',
      'purchases',
      'returns',
      'inventory-replenishment',
      'product-ratings',
      'product-inventory-capacity',
      'inventory-on-hand',
      'top-5-products',
    ];
    const groups = [readerGroup, 'connect-cosmos-sink', 'connect-search-sink'];
    let expected: Record<string, unknown> = {};
    let seen: Record<string, unknown> = {};
    // Polled until the scrape after the data has landed shows it (sinks commit their offsets every few seconds);
    // both sides are read again each time, and the comparison then names what is off.
    await waitFor(
      async () => {
        const now = await withAdmin(kafka, kafkaNow);
        const records = (topic: string): number => now.records.get(topic) ?? 0;
        expected = {
          receivedRecords: Object.fromEntries(eventTopics.map((topic) => [topic, records(topic)])),
          lag: Object.fromEntries(groups.map((group) => [group, now.lag.get(group)])),
          connectorSent: { 'cosmos-source': records('users') + records('products') },
          connectorReceived: {
            'cosmos-sink': sum(eventTopics.map(records)),
            'search-sink': records('users') + records('products'),
          },
          deadLetterRecords: {
            'cosmos-sink': records('dlq-cosmos-sink'),
            'search-sink': records('dlq-search-sink'),
          },
        };
        const received = await totals('io.confluent.kafka.server/received_records', 'metric.topic');
        const lag = await latestLagByGroup();
        const sent = await totals('io.confluent.kafka.connect/sent_records', 'resource.connector.id');
        const read = await totals('io.confluent.kafka.connect/received_records', 'resource.connector.id');
        const dead = await totals(
          'io.confluent.kafka.connect/dead_letter_queue_records',
          'resource.connector.id',
        );
        seen = {
          receivedRecords: Object.fromEntries(eventTopics.map((topic) => [topic, received[topic] ?? 0])),
          lag: Object.fromEntries(groups.map((group) => [group, lag[group]])),
          connectorSent: { 'cosmos-source': sent['cosmos-source'] },
          connectorReceived: { 'cosmos-sink': read['cosmos-sink'], 'search-sink': read['search-sink'] },
          deadLetterRecords: {
            'cosmos-sink': dead['cosmos-sink'] ?? 0,
            'search-sink': dead['search-sink'] ?? 0,
          },
        };
        return JSON.stringify(seen) === JSON.stringify(expected);
      },
      { timeoutMs: 120_000, intervalMs: 2000, description: 'the run’s counts in the Metrics API' },
    ).catch(() => undefined);
    expect(seen).toEqual(expected);
    expect((expected.lag as Record<string, number>)[readerGroup]).toBeGreaterThan(0);
    expect(sum(Object.values(expected.receivedRecords as Record<string, number>))).toBeGreaterThan(300);

    // Bytes in per topic, from the broker's JMX: every record the producers sent arrived over the network, so at
    // least the log's bytes (a retried batch may count twice), and of the same order.
    const bytesIn = await totals('io.confluent.kafka.server/received_bytes', 'metric.topic');
    for (const topic of eventTopics) {
      const onDisk = logBytes(topic);
      expect(onDisk, topic).toBeGreaterThan(0);
      expect(bytesIn[topic], topic).toBeGreaterThanOrEqual(onDisk);
      expect(bytesIn[topic], topic).toBeLessThanOrEqual(2 * onDisk);
    }
    const bytesOut = await totals('io.confluent.kafka.server/sent_bytes', 'metric.topic');
    expect(bytesOut.purchases).toBeGreaterThan(0);
  }, 600_000);

  it('counts a topic deleted and created again between two scrapes as a new topic, not as no change', async () => {
    // A collector of the test's own, scraped by hand, so the delete and re-create surely fall between two scrapes
    // (a challenge run on a kept stack resets its topics so); the same records again reach the same counts.
    const storeDir = mkdtempSync(join(tmpdir(), 'metrics-03-recreated-'));
    try {
      const store = new MetricStore(storeDir, 3_600_000);
      const collector = new Collector(store);
      await collector.scrape(Date.now() - 2000); // the baseline of every target
      const kafka = kafkaClient(kafkaConnectionOf(readStack()!.services.kafka!), 'metrics-03-recreated');
      const topic = uniqueName('metrics-recreated');
      const records = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
      await createTopic(kafka, topic);
      await produce(kafka, topic, records);
      await collector.scrape(Date.now() - 1000);
      await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic], timeout: 60_000 }));
      await waitFor(async () => !(await withAdmin(kafka, (admin) => admin.listTopics())).includes(topic), {
        timeoutMs: 60_000,
        description: `${topic} deleted`,
      });
      await createTopic(kafka, topic);
      await produce(kafka, topic, records);
      await collector.scrape();
      const totalOf = (metric: string): number[] =>
        store
          .ofMetric(metric)
          .filter((series) => series.labels['metric.topic'] === topic)
          .flatMap((series) => series.values);
      expect(sum(totalOf('io.confluent.kafka.server/received_records'))).toBe(10);
      const bytes = totalOf('io.confluent.kafka.server/received_bytes');
      expect(bytes.length).toBe(2);
      expect(bytes.every((value) => value > 0)).toBe(true);
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  }, 240_000);
});
