import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeFeedStartFrom } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosmosClient } from '../cosmos/client.ts';
import { startTestMongo } from '../cosmos-mongo/test-support.ts';
import { projectRoot } from '../paths.ts';
import { freePort, isAlive } from '../process/index.ts';
import { down, up } from '../stack/lifecycle.ts';
import {
  readStack,
  writeStack,
  type ConnectEntry,
  type CosmosEntry,
  type KafkaEntry,
} from '../stack/stack-file.ts';
import {
  consume,
  createTopic,
  produce,
  testBootstrapServers,
  testKafka,
  uniqueName,
  waitFor,
  withAdmin,
} from '../testing/helpers.ts';
import { metricDescriptors } from './catalog.ts';
import { Collector } from './collector.ts';
import { documentedExamples } from './examples.ts';
import { exportName, parsePrometheus } from './prometheus.ts';
import type { MetricsEntry } from './service.ts';
import { MetricStore } from './store.ts';

/**
 * The metrics service as `hack up` runs it (its own process, scraping every 2 s here), on the run's broker with
 * our Connect worker: known counts are produced, consumed, moved by connectors and sent to a dead letter queue,
 * then read back through the Metrics API exactly as a Confluent Cloud client would.
 */
const home = mkdtempSync(join(tmpdir(), 'metrics-stack-'));
const previousHome = process.env.HACK_HOME;
const kafka = testKafka();
const topic = uniqueName('metrics-orders');
const group = uniqueName('metrics-group');
const sourceTopic = uniqueName('metrics-src');
const sinkTopic = uniqueName('metrics-sink');
const dlq = uniqueName('metrics-dlq');
const source = `${sourceTopic}-connector`;
const sink = `${sinkTopic}-connector`;
let clusterId = '';

const metricsUrl = (): string => (readStack()!.services.metrics as MetricsEntry).url;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the response's fields freely
async function api(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${metricsUrl()}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** The total of a metric over the last hour, one value per group (granularity ALL). */
async function totals(metric: string, groupBy: string, filter?: unknown): Promise<Record<string, number>> {
  const { status, json } = await api('/v2/metrics/cloud/query', {
    aggregations: [{ metric }],
    group_by: [groupBy],
    granularity: 'ALL',
    intervals: ['now-1h/now+1m'],
    ...(filter ? { filter } : {}),
    limit: 1000,
  });
  expect(status).toBe(200);
  return Object.fromEntries(
    (json.data as Array<Record<string, string | number>>).map((point) => [
      point[groupBy],
      point.value as number,
    ]),
  );
}

/** The last scrape's value of a gauge per group, summed (1 s buckets: a gauge is averaged within a bucket). */
async function latestSum(metric: string, groupBy: string, filters: unknown[]): Promise<number> {
  const { json } = await api('/v2/metrics/cloud/query', {
    aggregations: [{ metric }],
    group_by: [groupBy],
    filter: { op: 'AND', filters },
    granularity: 'PT1S',
    intervals: ['now-1m/now+1m'],
    format: 'GROUPED',
  });
  return (json.data as Array<{ points: Array<{ value: number }> }>).reduce(
    (sum, series) => sum + series.points.at(-1)!.value,
    0,
  );
}

/** The group's lag now: the last scrape's value per partition, summed. */
function latestLag(): Promise<number> {
  return latestSum('io.confluent.kafka.server/consumer_lag_offsets', 'metric.partition', [
    { field: 'metric.consumer_group_id', op: 'EQ', value: group },
    { field: 'metric.topic', op: 'EQ', value: topic },
    { field: 'resource.kafka.id', op: 'EQ', value: clusterId },
  ]);
}

beforeAll(async () => {
  process.env.HACK_HOME = home;
  writeStack({
    profile: 'local',
    startedAt: new Date().toISOString(),
    services: { kafka: { bootstrapServers: testBootstrapServers() } as KafkaEntry },
  });
  await up({
    only: ['cosmos', 'connect', 'metrics'],
    ephemeralPorts: true,
    env: {
      ...process.env,
      HACK_METRICS_INTERVAL_MS: '2000',
      CONNECT_TOPIC_PREFIX: uniqueName('metrics-connect'),
      CONNECT_GROUP_ID: uniqueName('metrics-connect'),
    },
  });
  clusterId = (await withAdmin(kafka, (admin) => admin.describeCluster())).clusterId;
}, 180_000);

afterAll(async () => {
  await down().catch(() => undefined);
  if (previousHome === undefined) delete process.env.HACK_HOME;
  else process.env.HACK_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
});

describe('the metrics service', () => {
  it('serves received records by topic, consumer lag by group, connector and dead-letter records as produced', async () => {
    await createTopic(kafka, topic, 2);
    const records = (count: number, from = 0) =>
      Array.from({ length: count }, (_, index) => ({ key: `k${from + index}`, value: `v${from + index}` }));
    await produce(kafka, topic, records(30));
    await consume(kafka, topic, 30, { groupId: group });
    await produce(kafka, topic, records(12, 30)); // never consumed: the group's lag

    const connectUrl = readStack()!.services.connect!.url;
    const put = async (name: string, config: Record<string, string>) => {
      const response = await fetch(`${connectUrl}/connectors/${name}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(config),
      });
      expect(response.status, await response.text()).toBeLessThan(300);
    };
    const input = join(home, 'source.txt');
    writeFileSync(input, `${Array.from({ length: 7 }, (_, index) => `line ${index}`).join('\n')}\n`);
    await createTopic(kafka, sinkTopic, 1);
    await put(source, { 'connector.class': 'FileStreamSource', file: input, topic: sourceTopic });
    await put(sink, {
      'connector.class': 'FileStreamSink',
      file: join(home, 'sink.txt'),
      topics: sinkTopic,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
    });
    await produce(kafka, sinkTopic, [
      ...Array.from({ length: 5 }, (_, index) => ({ value: JSON.stringify({ id: index }) })),
      ...Array.from({ length: 3 }, (_, index) => ({ value: `not json ${index}` })),
    ]);

    const byTopic = { field: 'metric.topic', op: 'EQ', value: topic };
    const connector = 'resource.connector.id';
    const expected = {
      receivedRecords: 42,
      sentRecords: 30,
      consumerLag: 12,
      connectorSent: 7,
      connectorReceived: 8,
      deadLetterRecords: 3,
    };
    let seen: Record<string, number | undefined> = {};
    // Polled until the API shows every count (or 60 s pass); the comparison then names the one that is off.
    await waitFor(
      async () => {
        seen = {
          receivedRecords: (
            await totals('io.confluent.kafka.server/received_records', 'metric.topic', byTopic)
          )[topic],
          sentRecords: (await totals('io.confluent.kafka.server/sent_records', 'metric.topic', byTopic))[
            topic
          ],
          consumerLag: await latestLag(),
          connectorSent: (await totals('io.confluent.kafka.connect/sent_records', connector))[source],
          connectorReceived: (await totals('io.confluent.kafka.connect/received_records', connector))[sink],
          deadLetterRecords: (
            await totals('io.confluent.kafka.connect/dead_letter_queue_records', connector)
          )[sink],
        };
        return Object.entries(expected).every(([name, count]) => seen[name] === count);
      },
      { timeoutMs: 60_000, intervalMs: 1000, description: 'the produced counts in the Metrics API' },
    ).catch(() => undefined);
    expect(seen).toEqual(expected);
  });

  it("counts the Cosmos DB emulator's requests, documents and change-feed lag as the SDK made them", async () => {
    const entry = readStack()!.services.cosmos!;
    const client = cosmosClient(entry);
    const writes = 7;
    try {
      const { database } = await client.databases.createIfNotExists({ id: uniqueName('metrics-db') });
      const { container } = await database.containers.createIfNotExists({
        id: 'orders',
        partitionKey: { paths: ['/pk'] },
      });
      for (let i = 0; i < writes; i++) await container.items.create({ id: `o${i}`, pk: `p${i % 3}` });
      await container.items.upsert({ id: 'o0', pk: 'p0', changed: true });
      const cosmos = { field: 'resource.cosmos.id', op: 'EQ', value: entry.endpoint };
      const ofContainer = [
        cosmos,
        { field: 'metric.database', op: 'EQ', value: database.id },
        { field: 'metric.container', op: 'EQ', value: 'orders' },
      ];
      const expected = { requests: { create: writes, upsert: 1 }, documents: writes };
      let seen: unknown;
      await waitFor(
        async () => {
          const requests = await totals('hack.local/cosmos/request_count', 'metric.operation', {
            op: 'AND',
            filters: [cosmos, { field: 'metric.status', op: 'EQ', value: '2xx' }],
          });
          const documents = await latestSum(
            'hack.local/cosmos/document_count',
            'metric.container',
            ofContainer,
          );
          seen = { requests: { create: requests.create, upsert: requests.upsert }, documents };
          return JSON.stringify(seen) === JSON.stringify(expected);
        },
        { timeoutMs: 60_000, intervalMs: 1000, description: "the emulator's counts in the Metrics API" },
      ).catch(() => undefined);
      expect(seen).toEqual(expected);
      const latency = await totals('hack.local/cosmos/request_latency_ms', 'metric.operation', cosmos);
      expect(latency.create).toBeGreaterThan(0);

      // A change-feed reader starting from the beginning asks from LSN 0: every change (8 LSNs) is ahead of it;
      // once it has read them and asks again, none is.
      const feed = container.items.getChangeFeedIterator({
        changeFeedStartFrom: ChangeFeedStartFrom.Beginning(),
      });
      const lagIs = async (lag: number): Promise<number> => {
        let latest = -1;
        await waitFor(
          async () =>
            (latest = await latestSum(
              'hack.local/cosmos/change_feed_lag',
              'metric.container',
              ofContainer,
            )) === lag,
          { timeoutMs: 60_000, intervalMs: 1000, description: `change-feed lag ${lag}` },
        ).catch(() => undefined);
        return latest;
      };
      const first = await feed.readNext();
      expect(first.result.length).toBe(writes);
      expect(await lagIs(writes + 1)).toBe(writes + 1);
      await feed.readNext();
      expect(await lagIs(0)).toBe(0);
    } finally {
      client.dispose();
    }
  });

  it('lists every metric it serves in its descriptors, and its export parses as Prometheus text', async () => {
    const metrics = await api('/v2/metrics/cloud/descriptors/metrics');
    expect(metrics.status).toBe(200);
    const names = (metrics.json.data as Array<{ name: string }>).map((descriptor) => descriptor.name);
    expect(names).toEqual(metricDescriptors.map((descriptor) => descriptor.name));
    const resources = await api('/v2/metrics/cloud/descriptors/resources');
    expect((resources.json.data as Array<{ type: string }>).map((resource) => resource.type)).toContain(
      'kafka',
    );

    const response = await fetch(`${metricsUrl()}/v2/metrics/cloud/export?resource.kafka.id=${clusterId}`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await response.text());
    const exported = new Set(samples.map((sample) => sample.name));
    for (const name of exported) expect(names.map(exportName)).toContain(name);
    expect(samples).toContainEqual(
      expect.objectContaining({
        name: 'confluent_kafka_server_partition_count',
        labels: { kafka_id: clusterId },
      }),
    );
  });

  it('runs the documented request bodies unchanged and answers malformed ones with the Cloud error shape', async () => {
    expect((await api('/v2/metrics/cloud/query', documentedExamples.query)).status).toBe(200);
    expect((await api('/v2/metrics/cloud/query', documentedExamples.migration)).json).toEqual({
      data: [],
      meta: { pagination: { page_size: 100 } },
    });
    expect((await api('/v2/metrics/cloud/attributes', documentedExamples.attributes)).status).toBe(200);
    const topics = await api('/v2/metrics/cloud/attributes', {
      ...documentedExamples.attributes,
      metric: 'io.confluent.kafka.server/received_records',
      filter: { field: 'resource.kafka.id', op: 'EQ', value: clusterId },
      intervals: ['now-1h/now+1m'],
      limit: 1000,
    });
    expect(topics.json.data).toContainEqual({ 'metric.topic': topic });

    const malformed = await api('/v2/metrics/cloud/query', {
      aggregations: [{ metric: 'io.confluent.kafka.server/received_records' }],
      granularity: 'PT1M',
      intervals: ['2026-01-01T00:00:00Z/P2D'],
      filter: { op: 'XOR', filters: [] },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({
      errors: [
        { status: '400', detail: expect.stringMatching(/filter\.op "XOR" is not one of/) },
        { status: '400', detail: expect.stringMatching(/PT1M allows intervals of at most 6 hours/) },
      ],
    });
    expect((await api('/v2/metrics/cloud/query', '{"aggregations": [')).json.errors[0].status).toBe('400');
  });

  it('keeps its history across kill -9, and `hack metrics query` prints it', async () => {
    const before = await totals('io.confluent.kafka.server/received_records', 'metric.topic');
    const entry = readStack()!.services.metrics as MetricsEntry;
    process.kill(entry.pid!, 'SIGKILL');
    await waitFor(() => !isAlive(entry.pid), { description: 'the killed metrics service to be gone' });
    const again = await up({
      only: ['metrics'],
      ephemeralPorts: true,
      env: { ...process.env, HACK_METRICS_INTERVAL_MS: '2000' },
    });
    expect(again.outcomes.metrics).toBe('recovered');
    // Nothing was produced meanwhile: after a few scrapes of the new process the totals are the same, none doubled.
    const restarted = readStack()!.services.metrics as MetricsEntry;
    await waitFor(async () => (await api('/v2/metrics/cloud/descriptors/resources')).status === 200);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect((await totals('io.confluent.kafka.server/received_records', 'metric.topic'))[topic]).toBe(
      before[topic],
    );
    expect(restarted.pid).not.toBe(entry.pid);

    const cli = spawnSync(
      process.execPath,
      [
        join(projectRoot, 'bin', 'hack.mjs'),
        'metrics',
        'query',
        'io.confluent.kafka.server/received_records',
        '--group-by',
        'metric.topic',
        '--filter',
        `metric.topic=${topic}`,
        '--interval',
        'now-1h/now+1m',
      ],
      { env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain(topic);
    expect(cli.stdout).toMatch(/\b42\b/);
  });
});

describe('the collector', () => {
  it('counts a target that does not answer as a scrape error and says why in its log', async () => {
    const brokenHome = mkdtempSync(join(tmpdir(), 'metrics-broken-'));
    const savedHome = process.env.HACK_HOME;
    process.env.HACK_HOME = brokenHome;
    try {
      const closedPort = await freePort();
      writeStack({
        profile: 'local',
        startedAt: new Date().toISOString(),
        services: { connect: { url: `http://127.0.0.1:${closedPort}` } as ConnectEntry },
      });
      const store = new MetricStore(join(brokenHome, 'metrics'), 3_600_000);
      const lines: string[] = [];
      const collector = new Collector(store, (line) => lines.push(line));
      await collector.scrape();
      const errors = store.ofMetric('hack.local/metrics/scrape_errors');
      expect(errors.map((series) => [series.labels['metric.target'], series.values])).toEqual([
        ['connect', [1]],
      ]);
      expect(lines.join('\n')).toMatch(/^connect: .*fetch failed/);
    } finally {
      process.env.HACK_HOME = savedHome;
      rmSync(brokenHome, { recursive: true, force: true });
    }
  });

  it("reads the Cosmos emulator's counters over HTTPS trusting its certificate, MongoDB commands included", async () => {
    const mongo = await startTestMongo();
    const cosmosHome = mkdtempSync(join(tmpdir(), 'metrics-cosmos-'));
    const savedHome = process.env.HACK_HOME;
    process.env.HACK_HOME = cosmosHome;
    try {
      const { endpoint, key, certificateFile } = mongo.emulator;
      // No httpEndpoint and no tlsInsecure: the collector must go through TLS with the emulator's certificate.
      writeStack({
        profile: 'local',
        startedAt: new Date().toISOString(),
        services: { cosmos: { endpoint, key, certificateFile } as CosmosEntry },
      });
      const store = new MetricStore(join(cosmosHome, 'metrics'), 3_600_000);
      const lines: string[] = [];
      const collector = new Collector(store, (line) => lines.push(line));
      await collector.scrape(Date.now() - 1000); // the first scrape is the baseline
      const orders = mongo.client.db('shop').collection('orders');
      await orders.insertOne({ _id: 'a' as never, total: 1 });
      await orders.insertOne({ _id: 'b' as never, total: 2 });
      await collector.scrape();
      expect(lines).toEqual([]);
      const valuesOf = (metric: string, label: string) =>
        Object.fromEntries(
          store.ofMetric(metric).map((series) => [series.labels[label], series.values.at(-1)]),
        );
      expect(valuesOf('hack.local/metrics/scrape_errors', 'metric.target')).toEqual({ cosmos: 0 });
      const inserts = store
        .ofMetric('hack.local/cosmos/request_count')
        .filter((series) => series.labels['metric.operation'] === 'mongo.insert');
      expect(inserts.map((series) => [series.labels['metric.status'], series.values.at(-1)])).toEqual([
        ['2xx', 2],
      ]);
      expect(valuesOf('hack.local/cosmos/document_count', 'metric.container')).toEqual({ orders: 2 });
    } finally {
      process.env.HACK_HOME = savedHome;
      await mongo.close();
      rmSync(cosmosHome, { recursive: true, force: true });
    }
  });
});
