/**
 * What the Metrics API serves: metric and resource descriptors in the shape of Confluent Cloud's
 * `GET /v2/metrics/cloud/descriptors/{metrics,resources}` (fields from the Metrics API's OpenAPI spec:
 * `name, description, type, unit, lifecycle_stage, exportable, resources, labels[{key, description, exportable}]`).
 * Cloud names are used where the local stack has an equivalent; everything else lives under `hack.local/…`,
 * a namespace no Cloud metric uses, so a query written here against a `io.confluent…` name means the same there.
 */

export type MetricType = 'GAUGE_INT64' | 'GAUGE_DOUBLE' | 'COUNTER_INT64' | 'COUNTER_DOUBLE';

export interface LabelDescriptor {
  key: string;
  description: string;
  exportable: boolean;
}

export interface MetricDescriptor {
  name: string;
  description: string;
  type: MetricType;
  unit: string;
  lifecycle_stage: 'PREVIEW' | 'GENERAL_AVAILABILITY' | 'DEPRECATED';
  exportable: boolean;
  resources: string[];
  labels: LabelDescriptor[];
}

export interface ResourceDescriptor {
  type: string;
  description: string;
  labels: LabelDescriptor[];
}

const label = (key: string, description: string): LabelDescriptor => ({ key, description, exportable: true });
const topic = label('topic', 'The name of the Kafka topic.');
const partition = label('partition', 'The partition number.');
const cosmosOperation = label(
  'operation',
  'The kind of request: account, database, container, offer, user, create, upsert, read, replace, patch, delete, query, query_plan, read_feed, change_feed, batch; mongo.<command> for the MongoDB API.',
);
const cosmosDatabase = label('database', 'The database id.');
const cosmosContainer = label('container', 'The container id.');

/** `local` marks what the Cloud does not have (PREVIEW: may change); the rest carries the Cloud's stage. */
function metric(
  name: string,
  type: MetricType,
  unit: string,
  resources: string[],
  labels: LabelDescriptor[],
  description: string,
): MetricDescriptor {
  const local = name.startsWith('hack.local/');
  return {
    name,
    description,
    type,
    unit,
    lifecycle_stage: local ? 'PREVIEW' : 'GENERAL_AVAILABILITY',
    exportable: true,
    resources,
    labels,
  };
}

const everyScrape =
  'Each sample is the count since the previous sample (the collector scrapes every interval).';

export const metricDescriptors: MetricDescriptor[] = [
  metric(
    'io.confluent.kafka.server/received_records',
    'COUNTER_INT64',
    '1',
    ['kafka'],
    [topic, partition],
    `The delta count of records received (appended to the partition's log, read from its high watermark). ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.server/sent_records',
    'COUNTER_INT64',
    '1',
    ['kafka'],
    [topic, partition],
    `The delta count of records consumed, summed over consumer groups (their committed offsets; the local broker exposes no per-topic records-out counter). ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.server/received_bytes',
    'COUNTER_INT64',
    'By',
    ['kafka'],
    [topic],
    `The delta count of bytes of the customer's data received from the network (the broker's BytesInPerSec count per topic, through the Prometheus JMX exporter on the broker; no data when the broker runs without it). ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.server/sent_bytes',
    'COUNTER_INT64',
    'By',
    ['kafka'],
    [topic],
    `The delta count of bytes of the customer's data sent over the network (the broker's BytesOutPerSec count per topic, through the Prometheus JMX exporter on the broker; no data when the broker runs without it). ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.server/request_count',
    'COUNTER_INT64',
    '1',
    ['kafka'],
    [label('type', 'The type of request: Produce, Fetch, FetchConsumer, Metadata, …')],
    `The delta count of requests received over the network (the broker's RequestsPerSec count per request type, summed over versions, through the Prometheus JMX exporter on the broker). ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.server/retained_bytes',
    'GAUGE_INT64',
    'By',
    ['kafka'],
    [topic, partition],
    "The current count of bytes retained by the partition (the size of its log directory on the local broker's disk).",
  ),
  metric(
    'io.confluent.kafka.server/partition_count',
    'GAUGE_INT64',
    '1',
    ['kafka'],
    [],
    'The number of partitions.',
  ),
  metric(
    'io.confluent.kafka.server/consumer_lag_offsets',
    'GAUGE_INT64',
    '1',
    ['kafka'],
    [label('consumer_group_id', 'The ID of the consumer group.'), topic, partition],
    "The lag between a group member's committed offset and the partition's high watermark.",
  ),
  metric(
    'io.confluent.kafka.connect/sent_records',
    'COUNTER_INT64',
    '1',
    ['connector'],
    [],
    `The delta count of records sent from the transformations and written to Kafka by the source connector. ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.connect/received_records',
    'COUNTER_INT64',
    '1',
    ['connector'],
    [],
    `The delta count of records read from Kafka by the sink connector. ${everyScrape}`,
  ),
  metric(
    'io.confluent.kafka.connect/dead_letter_queue_records',
    'COUNTER_INT64',
    '1',
    ['connector'],
    [],
    `The delta count of records written to the connector's dead letter queue. ${everyScrape}`,
  ),
  metric(
    'hack.local/connect/record_errors',
    'COUNTER_INT64',
    '1',
    ['connector'],
    [],
    `The delta count of record processing errors of the connector's tasks (kafka.connect task-error-metrics total-record-errors). ${everyScrape}`,
  ),
  metric(
    'hack.local/connect/task_count',
    'GAUGE_INT64',
    '1',
    ['connector'],
    [label('status', 'The task status: running, paused, failed, unassigned.')],
    "The number of the connector's tasks in each status.",
  ),
  metric(
    'hack.local/search/document_count',
    'GAUGE_INT64',
    '1',
    ['search'],
    [],
    "The number of documents in the Azure AI Search emulator's indexes (its service statistics).",
  ),
  metric(
    'hack.local/search/storage_bytes',
    'GAUGE_INT64',
    'By',
    ['search'],
    [],
    "The storage the Azure AI Search emulator's indexes use (its service statistics).",
  ),
  metric(
    'hack.local/cosmos/request_count',
    'COUNTER_INT64',
    '1',
    ['cosmos'],
    [cosmosOperation, label('status', 'The status class of the answer: 2xx, 3xx, 4xx, 5xx.')],
    `The delta count of requests the Cosmos DB emulator answered, NoSQL API and MongoDB API alike. ${everyScrape}`,
  ),
  metric(
    'hack.local/cosmos/request_latency_ms',
    'COUNTER_DOUBLE',
    'ms',
    ['cosmos'],
    [cosmosOperation],
    `The time the Cosmos DB emulator spent answering the operation's requests, summed: divided by request_count it is the mean latency. ${everyScrape}`,
  ),
  metric(
    'hack.local/cosmos/document_count',
    'GAUGE_INT64',
    '1',
    ['cosmos'],
    [cosmosDatabase, cosmosContainer],
    'The number of documents in the container (a MongoDB collection is a container).',
  ),
  metric(
    'hack.local/cosmos/change_feed_lag',
    'GAUGE_INT64',
    '1',
    ['cosmos'],
    [cosmosDatabase, cosmosContainer],
    "How many changes (LSNs) the container got after the position its latest change-feed request read from; absent until a change-feed reader came. With several readers it is the latest one's.",
  ),
  metric(
    'hack.local/metrics/scrape_duration_ms',
    'GAUGE_DOUBLE',
    'ms',
    ['hack'],
    [label('target', 'What was scraped: kafka, kafka-jmx, connect, apache-connect, search, cosmos.')],
    'How long one scrape of the target took.',
  ),
  metric(
    'hack.local/metrics/scrape_errors',
    'COUNTER_INT64',
    '1',
    ['hack'],
    [label('target', 'What was scraped: kafka, kafka-jmx, connect, apache-connect, search, cosmos.')],
    `The delta count of failed scrapes of the target (the collector's log says why). ${everyScrape}`,
  ),
];

export const resourceDescriptors: ResourceDescriptor[] = [
  { type: 'kafka', description: 'A Kafka cluster.', labels: [label('kafka.id', 'ID of the Kafka cluster.')] },
  {
    type: 'connector',
    description: 'A Kafka Connector (on the stack, its name on our Connect worker).',
    labels: [label('connector.id', 'ID of the connector (locally: its name).')],
  },
  {
    type: 'search',
    description: 'The Azure AI Search emulator (local only).',
    labels: [label('search.id', 'The service: its endpoint.')],
  },
  {
    type: 'cosmos',
    description: 'The Cosmos DB emulator (local only).',
    labels: [label('cosmos.id', 'The emulator: its endpoint.')],
  },
  {
    type: 'hack',
    description: 'The metrics collector itself (local only).',
    labels: [label('hack.id', 'The collector: `local`.')],
  },
];

export function findMetric(name: string): MetricDescriptor | undefined {
  return metricDescriptors.find((descriptor) => descriptor.name === name);
}

export const isCounter = (descriptor: MetricDescriptor): boolean => descriptor.type.startsWith('COUNTER');

/** Every field a query may filter or group this metric by: `metric.<label>` and `resource.<type>.<label>`. */
export function fieldsOf(descriptor: MetricDescriptor): string[] {
  const resourceFields = descriptor.resources.flatMap(
    (type) =>
      resourceDescriptors
        .find((resource) => resource.type === type)
        ?.labels.map((resourceLabel) => `resource.${resourceLabel.key}`) ?? [],
  );
  return [...descriptor.labels.map((metricLabel) => `metric.${metricLabel.key}`), ...resourceFields];
}
