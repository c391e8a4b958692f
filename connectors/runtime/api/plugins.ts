import type { ConfigSpec } from './config.ts';
import type { ConnectRecord, Header, SinkRecord, SourceOffsetMap, SourceRecord } from './records.ts';
import type { Schema } from '../data/schema.ts';

/**
 * The plugin contracts, mirroring Apache Kafka Connect's `connect/api` (names and lifecycle included) so that
 * what a participant reads in Kafka's javadoc holds here. Props are `Record<string, string>` as in Java.
 */
export type Props = Record<string, string>;

/** What every plugin class declares: the class name it answers to (the Java FQCN) and its version. */
export interface PluginDescriptor {
  /** e.g. `org.apache.kafka.connect.file.FileStreamSinkConnector` */
  className: string;
  version: string;
  /** Other class names that select this plugin (e.g. the v1 Cosmos connector classes). */
  aliases?: string[];
}

// ---------------------------------------------------------------------------------------------- connectors

export interface ConnectorContext {
  /** Ask the framework to call `taskConfigs` again (e.g. a container was added). */
  requestTaskReconfiguration(): void;
  /** Fail the connector with this error. */
  raiseError(error: Error): void;
}

/**
 * `org.apache.kafka.connect.connector.Connector`. Lifecycle: `start(props)` → `taskConfigs(maxTasks)` (again after
 * `requestTaskReconfiguration`) → `stop()`. `validate` defaults to checking props against `config()`.
 */
export interface Connector {
  readonly type: 'source' | 'sink';
  /** The config spec of this connector's own keys (the framework adds the common keys). */
  config(): ConfigSpec;
  /** Called once before anything else with the framework's context. */
  initialize?(context: ConnectorContext): void;
  start(props: Props): Promise<void> | void;
  /** At most `maxTasks` configs, one per task to run. */
  taskConfigs(maxTasks: number): Promise<Props[]> | Props[];
  stop(): Promise<void> | void;
  /** Extra validation beyond the spec: errors per key. */
  validate?(props: Props): Record<string, string[]>;
  /** KIP-875: called when offsets are altered or reset; return true if the connector handled it. */
  alterOffsets?(
    props: Props,
    offsets: Array<{ partition: SourceOffsetMap; offset: SourceOffsetMap | null }>,
  ): boolean;
}

export interface ConnectorPlugin extends PluginDescriptor {
  kind: 'source' | 'sink';
  create(): Connector;
  createTask(): SourceTask | SinkTask;
}

// -------------------------------------------------------------------------------------------------- tasks

export interface OffsetStorageReader {
  offset(partition: SourceOffsetMap): SourceOffsetMap | null;
  offsets(partitions: SourceOffsetMap[]): Map<SourceOffsetMap, SourceOffsetMap | null>;
}

export interface SourceTaskContext {
  configs(): Props;
  offsetStorageReader(): OffsetStorageReader;
  /** The worker's log, under the task's class as logger name (`/admin/loggers` levels apply). */
  log?(line: string): void;
}

/**
 * `org.apache.kafka.connect.source.SourceTask`. Lifecycle: `initialize(context)` → `start(props)` → `poll()`
 * repeatedly (return [] or null when there is nothing; the framework sleeps briefly) → `commit()` after offsets
 * were flushed → `stop()`. Offsets in returned records are stored only after Kafka acknowledged the records.
 */
export interface SourceTask {
  initialize(context: SourceTaskContext): void;
  start(props: Props): Promise<void> | void;
  poll(): Promise<SourceRecord[] | null>;
  /** Called after the framework flushed the offsets of every record returned so far. */
  commit?(): Promise<void> | void;
  /** Called once per record after Kafka acknowledged it (null metadata when a transform dropped it). */
  commitRecord?(
    record: SourceRecord,
    metadata: { topic: string; partition: number; offset: number } | null,
  ): void;
  stop(): Promise<void> | void;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * The one key of per-partition offset maps: `topic:partition`. A string, so two equal partitions are one key
 * (a `Map` keyed by `TopicPartition` objects matches by identity); a Kafka topic name cannot contain `:`.
 */
export type TopicPartitionKey = `${string}:${number}`;

export function topicPartitionKey({ topic, partition }: TopicPartition): TopicPartitionKey {
  return `${topic}:${partition}`;
}

export function topicPartitionOf(key: TopicPartitionKey): TopicPartition {
  const colon = key.lastIndexOf(':');
  return { topic: key.slice(0, colon), partition: Number(key.slice(colon + 1)) };
}

/** Next offsets to read, per partition. */
export type PartitionOffsets = Map<TopicPartitionKey, number>;

/** KIP-610: reports a bad record to the DLQ / error log without failing the task. */
export type ErrantRecordReporter = (record: SinkRecord, error: Error) => Promise<void>;

export interface SinkTaskContext {
  configs(): Props;
  /** Rewind or skip: consume these partitions from these offsets next. */
  offset(offsets: PartitionOffsets): void;
  /** Ask for a commit of the offsets `preCommit` returns, soon. */
  requestCommit(): void;
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  assignment(): TopicPartition[];
  errantRecordReporter(): ErrantRecordReporter | null;
  /** Java's `SinkTaskContext.timeout(ms)`: how long to wait before redelivering after a RetriableException. */
  timeout?(timeoutMs: number): void;
  /** The worker's log, under the task's class as logger name (`/admin/loggers` levels apply). */
  log?(line: string): void;
}

/**
 * `org.apache.kafka.connect.sink.SinkTask`. Lifecycle: `initialize(context)` → `start(props)` → `open(partitions)`
 * → `put(records)` repeatedly → `preCommit(offsets)` (default: `flush`, then commit those offsets) → `close(partitions)`
 * on rebalance → `stop()`. `put` throwing `RetriableException` makes the framework back off and redeliver the same
 * batch; any other error fails the task. At-least-once: only offsets of records `put` and flushed are committed.
 */
export interface SinkTask {
  initialize(context: SinkTaskContext): void;
  start(props: Props): Promise<void> | void;
  open?(partitions: TopicPartition[]): Promise<void> | void;
  put(records: SinkRecord[]): Promise<void>;
  /** Make everything `put` so far durable. */
  flush?(offsets: PartitionOffsets): Promise<void> | void;
  /** Returns the offsets that are safe to commit (value = next offset to read). */
  preCommit?(offsets: PartitionOffsets): Promise<PartitionOffsets> | PartitionOffsets;
  close?(partitions: TopicPartition[]): Promise<void> | void;
  stop(): Promise<void> | void;
}

// --------------------------------------------------------------------------- converters, transforms, predicates

export interface SchemaAndValue {
  schema: Schema | null;
  value: unknown;
}

/** `org.apache.kafka.connect.storage.Converter`. */
export interface Converter {
  configure(props: Props, isKey: boolean): void;
  fromConnectData(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headers?: Header[],
  ): Uint8Array | null;
  toConnectData(topic: string, bytes: Uint8Array | null, headers?: Header[]): SchemaAndValue;
}

/** `org.apache.kafka.connect.storage.HeaderConverter`. */
export interface HeaderConverter {
  configure(props: Props): void;
  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Uint8Array | null): SchemaAndValue;
}

/** `org.apache.kafka.connect.transforms.Transformation`: returns the new record, or null to drop it. */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(props: Props): void;
  apply(record: R): R | null;
  config(): ConfigSpec;
  close?(): void;
}

/** `org.apache.kafka.connect.transforms.predicates.Predicate`. */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(props: Props): void;
  test(record: R): boolean;
  config(): ConfigSpec;
  close?(): void;
}

export type PluginType =
  'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';

/** A class the worker can instantiate by name: what `/connector-plugins?connectorsOnly=false` lists. */
export type RegisteredPlugin =
  | (ConnectorPlugin & { type: 'source' | 'sink' })
  | (PluginDescriptor & { type: 'converter'; create(): Converter })
  | (PluginDescriptor & { type: 'header_converter'; create(): HeaderConverter })
  | (PluginDescriptor & { type: 'transformation'; create(): Transformation; config(): ConfigSpec })
  | (PluginDescriptor & { type: 'predicate'; create(): Predicate; config(): ConfigSpec });

export type { ConnectRecord, Header, SinkRecord, SourceRecord, SourceOffsetMap };
