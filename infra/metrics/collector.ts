import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { emulatorAgent } from '../cosmos/agent.ts';
import { sign } from '../cosmos/auth.ts';
import type { EmulatorMetrics } from '../cosmos/store/request-metrics.ts';
import { kafkaClient, kafkaConnectionOf } from '../kafka/connection.ts';
import { serviceDataDir } from '../paths.ts';
import { readStack, type ConnectEntry, type CosmosEntry, type StackServices } from '../stack/stack-file.ts';
import { parsePrometheus } from './prometheus.ts';
import type { MetricStore, Sample } from './store.ts';

/**
 * Scrapes the stack on a fixed interval into the store. Targets are read from `.hack/stack.json` at every scrape,
 * so a service started (or moved to another port) after the collector is picked up without a restart.
 * - kafka, through the admin API: high watermarks per partition (→ received_records), consumer groups' committed
 *   offsets (→ consumer_lag_offsets, sent_records), the partition count, and — when the broker is the stack's own —
 *   the size of each partition's log directory (→ retained_bytes);
 * - kafka-jmx, the JMX exporter agent on the stack's own broker (infra/jmx): bytes in and out per topic, requests;
 * - connect, our worker's Prometheus page `/metrics` (→ the connector metrics), and apache-connect, Apache Kafka
 *   Connect's MBeans through the JMX exporter, exported under the same names;
 * - search, the emulator's service statistics;
 * - cosmos, the Cosmos DB emulator's own counters (`GET /_hack/metrics`, signed with the master key): requests of
 *   both its APIs by operation and status, their summed latency, documents and change-feed lag per container.
 * Counters are kept as the Cloud keeps them: the delta since the previous scrape. The last cumulative readings
 * are persisted, so a restarted collector continues; a series first seen after the collector's first scrape of
 * its target starts from zero (a topic created later counts every record it got), while on the very first scrape
 * of a target what already happened is the baseline, not a burst.
 */

interface CollectorState {
  cumulative: Record<string, number>;
  /** Each counter's identity at its last reading (Reading.identity). */
  identities?: Record<string, string>;
  /** Targets scraped at least once: new series of these start from zero. */
  seen: string[];
}

type Labels = Record<string, string>;

/** A cumulative reading the collector turns into a delta. */
interface Reading {
  metric: string;
  labels: Labels;
  total: number;
  /** What the counter belongs to, when known (a topic's id): a new identity is a new counter, counted anew. */
  identity?: string;
}

export class Collector {
  private state: CollectorState;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private busy = false;

  constructor(
    private readonly store: MetricStore,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.state = store.readState<CollectorState>({ cumulative: {}, seen: [] });
    this.state.identities ??= {};
  }

  start(intervalMs: number): void {
    const tick = (): void => {
      if (this.busy) return; // a slow scrape is not stacked on by the next one
      this.busy = true;
      this.running = this.scrape()
        .finally(() => (this.busy = false))
        .catch((error: unknown) => this.log(`scrape failed: ${String(error)}`));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One scrape of every target, appended at one time. */
  async scrape(now = Date.now()): Promise<void> {
    const services = readStack()?.services ?? {};
    const brokerLog = readBrokerLogDir(services);
    const targets: Array<[string, () => Promise<{ gauges: Sample[]; counters: Reading[] }>]> = [];
    if (services.kafka) targets.push(['kafka', () => this.scrapeKafka(services, brokerLog)]);
    const brokerExporter = services.kafka?.jmxExporterUrl;
    if (brokerExporter)
      targets.push(['kafka-jmx', () => scrapeBrokerExporter(brokerExporter, brokerLog.topicIds)]);
    if (services.connect?.url)
      targets.push(['connect', () => scrapeConnect(`${services.connect!.url}/metrics`)]);
    // Apache Kafka Connect's MBeans, exported by the JMX exporter under the names our worker serves.
    const apacheExporter = (services['apache-connect'] as ConnectEntry | undefined)?.jmxExporterUrl;
    if (apacheExporter)
      targets.push(['apache-connect', () => scrapeConnect(`${apacheExporter}/metrics?${connectFamilies}`)]);
    if (services.search?.endpoint) targets.push(['search', () => scrapeSearch(services)]);
    const cosmos = services.cosmos;
    if (cosmos?.endpoint) targets.push(['cosmos', () => scrapeCosmos(cosmos)]);
    const samples: Sample[] = [];
    const collector = { 'resource.hack.id': 'local' };
    await Promise.all(
      targets.map(async ([target, scrapeTarget]) => {
        const started = performance.now();
        let failed = 0;
        try {
          const { gauges, counters } = await withTimeout(scrapeTarget(), 20_000, target);
          samples.push(...gauges, ...this.deltas(target, counters));
        } catch (error) {
          failed = 1;
          this.log(`${target}: ${error instanceof Error ? error.message : String(error)}`);
        }
        const labels = { ...collector, 'metric.target': target };
        samples.push({
          metric: 'hack.local/metrics/scrape_duration_ms',
          labels,
          value: Math.round(performance.now() - started),
        });
        samples.push({ metric: 'hack.local/metrics/scrape_errors', labels, value: failed });
      }),
    );
    this.store.append(samples, now);
    this.store.writeState(this.state);
  }

  private deltas(target: string, readings: Reading[]): Sample[] {
    const seen = this.state.seen.includes(target);
    const samples: Sample[] = [];
    for (const reading of readings) {
      // Per target: both Connect workers may run a connector of the same name.
      const key = `${target}\u0000${reading.metric}${JSON.stringify(reading.labels)}`;
      const previous = this.state.cumulative[key];
      this.state.cumulative[key] = reading.total;
      // A topic deleted and created again between two scrapes can reach its old count: only its id tells.
      const identities = this.state.identities!;
      const replaced =
        reading.identity !== undefined &&
        identities[key] !== undefined &&
        identities[key] !== reading.identity;
      if (reading.identity !== undefined) identities[key] = reading.identity;
      let delta: number;
      if (previous === undefined) delta = seen ? reading.total : 0;
      else if (replaced || reading.total < previous)
        delta = reading.total; // a new counter or a reset: counted anew
      else delta = reading.total - previous;
      samples.push({ metric: reading.metric, labels: reading.labels, value: delta });
    }
    if (!seen) this.state.seen.push(target);
    return samples;
  }

  private async scrapeKafka(
    services: StackServices,
    brokerLog: BrokerLogDir,
  ): Promise<{ gauges: Sample[]; counters: Reading[] }> {
    // A fresh connection per scrape: an idle kafkajs client keeps timers ticking (its request queue's pending
    // checks), which cost more CPU between scrapes than connecting again does.
    const admin = kafkaClient(kafkaConnectionOf(services.kafka!), 'hack-metrics').admin();
    await admin.connect();
    try {
      return await scrapeKafkaWith(admin, brokerLog);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

async function scrapeKafkaWith(
  admin: Admin,
  { topicIds, partitionBytes }: BrokerLogDir,
): Promise<{ gauges: Sample[]; counters: Reading[] }> {
  const { clusterId } = await admin.describeCluster();
  const cluster = { 'resource.kafka.id': clusterId };
  const topics = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
  const gauges: Sample[] = [];
  const counters: Reading[] = [];
  const high = new Map<string, number>();
  let partitions = 0;
  await Promise.all(
    topics.map(async (topic) => {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []); // deleted meanwhile
      for (const { partition, high: watermark } of offsets) {
        partitions++;
        high.set(`${topic}\u0000${partition}`, Number(watermark));
        counters.push({
          metric: 'io.confluent.kafka.server/received_records',
          labels: { ...cluster, 'metric.topic': topic, 'metric.partition': String(partition) },
          total: Number(watermark),
          identity: topicIds.get(topic),
        });
      }
    }),
  );
  gauges.push({ metric: 'io.confluent.kafka.server/partition_count', labels: cluster, value: partitions });
  const consumed = new Map<string, number>();
  const { groups } = await admin.listGroups();
  // All groups' offsets at once: on a broker with hundreds of groups, one after the other outlasts the interval.
  const committedByGroup = await Promise.all(
    groups.map(async ({ groupId }) => ({
      groupId,
      committed: await admin.fetchOffsets({ groupId }).catch(() => []),
    })),
  );
  for (const { groupId, committed } of committedByGroup) {
    for (const { topic, partitions: offsets } of committed) {
      for (const { partition, offset } of offsets) {
        const at = Number(offset);
        const watermark = high.get(`${topic}\u0000${partition}`);
        if (at < 0 || watermark === undefined) continue;
        const labels = { ...cluster, 'metric.topic': topic, 'metric.partition': String(partition) };
        gauges.push({
          metric: 'io.confluent.kafka.server/consumer_lag_offsets',
          labels: { ...labels, 'metric.consumer_group_id': groupId },
          value: Math.max(0, watermark - at),
        });
        const key = JSON.stringify(labels);
        consumed.set(key, (consumed.get(key) ?? 0) + at);
      }
    }
  }
  for (const [key, total] of consumed) {
    const labels = JSON.parse(key) as Labels;
    counters.push({
      metric: 'io.confluent.kafka.server/sent_records',
      labels,
      total,
      identity: topicIds.get(labels['metric.topic']!),
    });
  }
  for (const { topic, partition, bytes } of partitionBytes)
    gauges.push({
      metric: 'io.confluent.kafka.server/retained_bytes',
      labels: { ...cluster, 'metric.topic': topic, 'metric.partition': partition },
      value: bytes,
    });
  return { gauges, counters };
}

/** What the stack's own broker keeps on disk, read once per scrape (empty when the broker is not ours). */
interface BrokerLogDir {
  /**
   * Each topic's id (its partitions' `partition.metadata`): kafkajs's metadata carries no topic id, and a topic
   * deleted and created again between two scrapes is otherwise the same counter.
   */
  topicIds: Map<string, string>;
  /** Each partition's log size on disk (its `.log` segments). */
  partitionBytes: Array<{ topic: string; partition: string; bytes: number }>;
}

/** One walk of the broker's log dir, when the broker is the stack's own (its data dir is ours to read). */
function readBrokerLogDir(services: StackServices): BrokerLogDir {
  const found: BrokerLogDir = { topicIds: new Map(), partitionBytes: [] };
  if (services.kafka?.pid === undefined) return found;
  const logDir = join(serviceDataDir('kafka'), 'log');
  let entries: string[];
  try {
    entries = readdirSync(logDir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    const match = /^(.+)-(\d+)$/.exec(entry);
    const topic = match?.[1];
    if (!topic || topic.startsWith('__')) continue;
    // Not written yet, or deleted while we looked: no id, or no size, for this partition.
    if (!found.topicIds.has(topic)) {
      try {
        const id = /^topic_id:\s*(\S+)/m.exec(
          readFileSync(join(logDir, entry, 'partition.metadata'), 'utf8'),
        )?.[1];
        if (id) found.topicIds.set(topic, id);
      } catch {
        // no id
      }
    }
    try {
      let bytes = 0;
      for (const file of readdirSync(join(logDir, entry)))
        if (file.endsWith('.log')) bytes += statSync(join(logDir, entry, file)).size;
      found.partitionBytes.push({ topic, partition: match![2]!, bytes });
    } catch {
      // no size
    }
  }
  return found;
}

/**
 * A family's name without the `_total` counters end with: the JMX exporter (Prometheus client_java 1.x) drops it
 * from its gauges' names (`…_sink_record_read`, our worker writes `…_sink_record_read_total`), and its `name[]`
 * filter takes the name without it.
 */
const familyOf = (name: string): string => name.replace(/_total$/, '');

/** Sums a worker family per connector (its tasks' values). */
function perConnector(samples: ReturnType<typeof parsePrometheus>, family: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const sample of samples)
    if (familyOf(sample.name) === familyOf(family) && sample.labels.connector !== undefined)
      totals.set(sample.labels.connector, (totals.get(sample.labels.connector) ?? 0) + sample.value);
  return totals;
}

/** The Cloud's connector metrics, and the worker families (summed over a connector's tasks) they come from. */
const connectorCounters: Array<[string, string]> = [
  ['io.confluent.kafka.connect/sent_records', 'kafka_connect_source_task_metrics_source_record_write_total'],
  ['io.confluent.kafka.connect/received_records', 'kafka_connect_sink_task_metrics_sink_record_read_total'],
  [
    'io.confluent.kafka.connect/dead_letter_queue_records',
    'kafka_connect_task_error_metrics_deadletterqueue_produce_requests',
  ],
  ['hack.local/connect/record_errors', 'kafka_connect_task_error_metrics_total_record_errors'],
];
const taskStatuses = ['running', 'paused', 'failed', 'unassigned'];
const taskCountFamily = (status: string): string =>
  `kafka_connect_connect_worker_metrics_connector_${status}_task_count`;

/** Only the families read here, of a JMX exporter's page (`name[]=`: the agent then skips the JVM's metrics). */
const connectFamilies = [
  ...connectorCounters.map(([, family]) => family),
  ...taskStatuses.map(taskCountFamily),
  taskCountFamily('total'),
]
  .map((family) => `name[]=${familyOf(family)}`)
  .join('&');

/**
 * A Connect worker's metrics page: our worker's `GET /metrics`, or the JMX exporter's page on Apache Kafka Connect
 * (infra/jmx/connect-rules.yaml exports the MBeans under the same names).
 */
async function scrapeConnect(pageUrl: string): Promise<{ gauges: Sample[]; counters: Reading[] }> {
  const samples = parsePrometheus(await fetchText(pageUrl));
  const counters: Reading[] = [];
  // Our worker lists every connector in its status family; Apache's has no numeric one, its task counts do.
  const connectors = new Set(
    samples
      .filter(
        (sample) =>
          sample.name === 'kafka_connect_connector_metrics_status' ||
          sample.name === taskCountFamily('total'),
      )
      .map((s) => s.labels.connector!),
  );
  for (const [metric, family] of connectorCounters) {
    const totals = perConnector(samples, family);
    for (const connector of connectors)
      counters.push({
        metric,
        labels: { 'resource.connector.id': connector },
        total: totals.get(connector) ?? 0,
      });
  }
  const gauges: Sample[] = [];
  for (const connector of connectors)
    for (const status of taskStatuses)
      gauges.push({
        metric: 'hack.local/connect/task_count',
        labels: { 'resource.connector.id': connector, 'metric.status': status },
        value:
          samples.find(
            (sample) => sample.name === taskCountFamily(status) && sample.labels.connector === connector,
          )?.value ?? 0,
      });
  return { gauges, counters };
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

/** Broker families of infra/jmx/broker-rules.yaml, and the Cloud metric each becomes. */
const brokerFamilies = {
  received_bytes: 'kafka_server_brokertopicmetrics_bytesinpersec_count',
  sent_bytes: 'kafka_server_brokertopicmetrics_bytesoutpersec_count',
  request_count: 'kafka_network_requestmetrics_requestspersec_count',
};

/**
 * The JMX exporter on the stack's own broker: BytesIn/BytesOut per topic (→ received_bytes, sent_bytes) and
 * requests per type, summed over versions (→ request_count). The cluster id comes from the broker's data dir.
 */
async function scrapeBrokerExporter(
  url: string,
  topicIds: Map<string, string>,
): Promise<{ gauges: Sample[]; counters: Reading[] }> {
  const query = Object.values(brokerFamilies)
    .map((family) => `name[]=${family}`)
    .join('&');
  const samples = parsePrometheus(await fetchText(`${url}/metrics?${query}`));
  const cluster = { 'resource.kafka.id': localClusterId() };
  const counters: Reading[] = [];
  for (const [name, family] of Object.entries(brokerFamilies).slice(0, 2))
    for (const sample of samples)
      if (sample.name === family && sample.labels.topic && !sample.labels.topic.startsWith('__'))
        counters.push({
          metric: `io.confluent.kafka.server/${name}`,
          labels: { ...cluster, 'metric.topic': sample.labels.topic },
          total: sample.value,
          identity: topicIds.get(sample.labels.topic),
        });
  const requests = new Map<string, number>();
  for (const sample of samples)
    if (sample.name === brokerFamilies.request_count && sample.labels.request)
      requests.set(sample.labels.request, (requests.get(sample.labels.request) ?? 0) + sample.value);
  for (const [type, total] of requests)
    counters.push({
      metric: 'io.confluent.kafka.server/request_count',
      labels: { ...cluster, 'metric.type': type },
      total,
    });
  return { gauges: [], counters };
}

/** The cluster id the stack's own broker was formatted with (its `meta.properties`). */
function localClusterId(): string {
  const text = readFileSync(join(serviceDataDir('kafka'), 'log', 'meta.properties'), 'utf8');
  const id = /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
  if (!id) throw new Error("the broker's meta.properties names no cluster.id");
  return id;
}

async function scrapeSearch(services: StackServices): Promise<{ gauges: Sample[]; counters: Reading[] }> {
  const search = services.search!;
  const response = await fetch(`${search.endpoint}/servicestats?api-version=2024-07-01`, {
    headers: { 'api-key': search.adminKey },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET ${search.endpoint}/servicestats answered ${response.status}`);
  const stats = (await response.json()) as {
    counters?: { documentCount?: { usage: number }; storageSize?: { usage: number } };
  };
  const labels = { 'resource.search.id': search.endpoint };
  return {
    gauges: [
      {
        metric: 'hack.local/search/document_count',
        labels,
        value: stats.counters?.documentCount?.usage ?? 0,
      },
      { metric: 'hack.local/search/storage_bytes', labels, value: stats.counters?.storageSize?.usage ?? 0 },
    ],
    counters: [],
  };
}

async function scrapeCosmos(cosmos: CosmosEntry): Promise<{ gauges: Sample[]; counters: Reading[] }> {
  const metrics = JSON.parse(await readCosmosMetrics(cosmos)) as EmulatorMetrics;
  const resource = { 'resource.cosmos.id': cosmos.endpoint };
  const counters: Reading[] = [];
  for (const { operation, status, count } of metrics.requests) {
    const labels = { ...resource, 'metric.operation': operation, 'metric.status': status };
    counters.push({ metric: 'hack.local/cosmos/request_count', labels, total: count });
  }
  for (const { operation, totalMs } of metrics.latency) {
    const labels = { ...resource, 'metric.operation': operation };
    counters.push({ metric: 'hack.local/cosmos/request_latency_ms', labels, total: totalMs });
  }
  const gauges: Sample[] = [];
  for (const container of metrics.containers) {
    const labels = {
      ...resource,
      'metric.database': container.database,
      'metric.container': container.container,
    };
    gauges.push({ metric: 'hack.local/cosmos/document_count', labels, value: container.documents });
    if (container.changeFeedLag !== undefined)
      gauges.push({ metric: 'hack.local/cosmos/change_feed_lag', labels, value: container.changeFeedLag });
  }
  return { gauges, counters };
}

/**
 * The emulator's `GET /_hack/metrics`, signed like any Cosmos request. Over its plain-HTTP port when the stack
 * recorded one (no TLS to pay for on loopback), else over HTTPS trusting the emulator's certificate.
 */
function readCosmosMetrics(cosmos: CosmosEntry): Promise<string> {
  const url = new URL('/_hack/metrics', cosmos.httpEndpoint ?? cosmos.endpoint);
  const date = new Date().toUTCString();
  const signature = sign(cosmos.key, 'GET', '_hack', '_hack/metrics', date);
  const headers = {
    'x-ms-date': date,
    'x-ms-version': '2020-07-15',
    authorization: encodeURIComponent(`type=master&ver=1.0&sig=${signature}`),
  };
  const get = url.protocol === 'https:' ? httpsGet : httpGet;
  const agent = url.protocol === 'https:' ? emulatorAgent(cosmos) : undefined;
  return new Promise((resolve, reject) => {
    const request = get(url, { headers, agent, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode === 200) resolve(body);
        else reject(new Error(`GET ${url.origin}/_hack/metrics answered ${response.statusCode}`));
      });
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url.origin}/_hack/metrics timed out`)));
    request.on('error', reject);
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
