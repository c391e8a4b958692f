import type { Consumer, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectException, RetriableException } from '../api/errors.ts';
import type { Header, SinkRecord } from '../api/records.ts';
import {
  topicPartitionKey,
  topicPartitionOf,
  type PartitionOffsets,
  type Props,
  type SinkTask,
  type TopicPartition,
} from '../api/plugins.ts';
import { recordBatch, recordCommit } from '../metrics.ts';
import { createTopicsReady } from '../../../infra/kafka/topics.ts';
import { ErrorHandler, errorHandlingConfig, type ConsumedRecord } from './error-handler.ts';
import { serially, TaskRunnerBase, type TaskHost, type TaskListener, type TaskRunner } from './task-host.ts';

function headerBytes(value: IHeaders[string]): Buffer | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return typeof first === 'string' ? Buffer.from(first) : first;
}

/**
 * Apache's WorkerSinkTask: consumes as group `connect-<name>`, converts and transforms each record (errors go
 * through the ErrorHandler: DLQ / log / fail), `put`s the batch, and commits — every `offset.flush.interval.ms`
 * and on stop — only offsets of records `put` accepted and `flush`/`preCommit` made durable: at-least-once.
 * A RetriableException from `put` backs off and redelivers the same batch.
 */
export class SinkTaskRunner extends TaskRunnerBase<SinkTask> implements TaskRunner {
  private consumer!: Consumer;
  private errors!: ErrorHandler;
  private readonly lock = { chain: Promise.resolve() as Promise<unknown> };
  /** Next offset to read per partition, for records delivered to `put`. */
  private readonly delivered: PartitionOffsets = new Map();
  private readonly committed: PartitionOffsets = new Map();
  private assignment: TopicPartition[] = [];
  private commitTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private failed = false;
  private redeliveryDelayMs = 0;
  private commitRequested = false;
  private paused = false;

  constructor(
    connector: string,
    id: number,
    connectorProps: Props,
    taskProps: Props,
    host: TaskHost,
    listener: TaskListener,
  ) {
    super(connector, id, connectorProps, taskProps, host, listener, 'sink');
  }

  async start(): Promise<void> {
    this.createPipeline();
    const errorConfig = errorHandlingConfig(this.connectorProps);
    const dlqProducer = errorConfig.dlqTopic
      ? this.host
          .client(`connector-dlq-producer-${this.connector}-${this.id}`)
          .producer({ idempotent: false })
      : undefined;
    if (dlqProducer) await dlqProducer.connect();
    this.errors = new ErrorHandler(
      errorConfig,
      { connector: this.connector, id: this.id },
      {
        log: this.host.log,
        metrics: this.metrics,
        dlqProducer,
        admin: this.host.admin,
        isStopping: () => this.stopping,
      },
    );
    this.dlqProducer = dlqProducer;
    const groupId = this.connectorProps['consumer.override.group.id'] ?? `connect-${this.connector}`;
    this.consumer = this.host.client(`connector-consumer-${this.connector}-${this.id}`).consumer({
      groupId,
      // `consumer.override.*` as Apache's default override policy (All) allows; 30 s otherwise.
      sessionTimeout: Number(this.connectorProps['consumer.override.session.timeout.ms'] ?? 30_000),
      rebalanceTimeout: Number(this.connectorProps['consumer.override.max.poll.interval.ms'] ?? 30_000),
      heartbeatInterval: Number(this.connectorProps['consumer.override.heartbeat.interval.ms'] ?? 3_000),
      allowAutoTopicCreation: true,
    });
    this.task.initialize({
      configs: () => ({ ...this.taskProps }),
      log: this.taskLog,
      offset: (offsets) => {
        for (const [key, offset] of offsets) {
          this.consumer.seek({ ...topicPartitionOf(key), offset: String(offset) });
        }
      },
      requestCommit: () => (this.commitRequested = true),
      pause: (...partitions) =>
        this.consumer.pause(partitions.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] }))),
      resume: (...partitions) =>
        this.consumer.resume(partitions.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] }))),
      assignment: () => [...this.assignment],
      errantRecordReporter: () => async (record, error) => {
        await this.errors.reportErrant(this.consumedOf(record), error);
      },
      timeout: (ms) => (this.redeliveryDelayMs = ms),
    });
    await this.task.start(this.taskProps);
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        (partitions as number[]).map((partition) => ({ topic, partition })),
      );
      this.metrics.partitionCount = this.assignment.length;
      void serially(this.lock, async () => this.task.open?.(this.assignment)).catch((error) =>
        this.fail(error),
      );
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping) this.fail(payload.error);
    });
    await this.consumer.connect();
    const regex = (this.connectorProps['topics.regex'] ?? '').trim();
    const topics = (this.connectorProps.topics ?? '')
      .split(',')
      .map((topic) => topic.trim())
      .filter(Boolean);
    if (!regex) await this.createMissingTopics(topics);
    await this.consumer.subscribe({
      topics: regex ? [new RegExp(`^(?:${regex})$`)] : topics,
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (this.stopping || this.failed) return;
        await serially(this.lock, async () => {
          const records: SinkRecord[] = [];
          let last: string | undefined;
          for (const message of batch.messages) {
            if (!isRunning() || isStale() || this.stopping || this.failed) break;
            this.metrics.sinkRecordReadTotal++;
            const record = await this.convert(batch.topic, batch.partition, message);
            if (record) records.push(record);
            last = message.offset;
          }
          if (last === undefined) return;
          await this.deliver(records, heartbeat);
          this.delivered.set(topicPartitionKey(batch), Number(last) + 1);
          resolveOffset(last);
        }).catch((error) => this.fail(error));
        await heartbeat().catch(() => undefined);
        if (this.commitRequested) void this.commit();
      },
    });
    this.commitTimer = setInterval(() => void this.commit(), this.host.offsetFlushIntervalMs);
    this.commitTimer.unref();
    this.listener.onState('RUNNING');
  }

  private dlqProducer: Producer | undefined;

  /**
   * Apache's consumer lets the broker auto-create a missing topic and waits for it; kafkajs fails the subscribe
   * instead, so missing topics are created up front with the broker's defaults (what auto-creation would do).
   */
  private async createMissingTopics(topics: string[]): Promise<void> {
    await createTopicsReady(
      this.host.admin,
      topics.map((topic) => ({ topic })),
    ).catch(() => undefined);
  }

  private consumedOf(record: SinkRecord): ConsumedRecord {
    const raw = this.raw.get(
      `${record.originalTopic}:${record.originalKafkaPartition}:${record.originalKafkaOffset}`,
    );
    return (
      raw ?? {
        topic: record.originalTopic,
        partition: record.originalKafkaPartition,
        offset: String(record.originalKafkaOffset),
        timestamp: String(record.timestamp ?? Date.now()),
        key: null,
        value: null,
      }
    );
  }

  /** The raw records of the batch in flight, so the errant-record reporter can send the original bytes. */
  private readonly raw = new Map<string, ConsumedRecord>();

  private async convert(topic: string, partition: number, message: KafkaMessage): Promise<SinkRecord | null> {
    const consumed: ConsumedRecord = {
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: message.headers,
    };
    const { key: keyConverter, value: valueConverter, header: headerConverter } = this.converters;
    // `run` answers synchronously unless the stage fails: no promise per stage per record on the hot path.
    let key = this.errors.run(
      'KEY_CONVERTER',
      this.converters.keyClass,
      () => keyConverter.toConnectData(topic, consumed.key),
      consumed,
    );
    if (key instanceof Promise) key = await key;
    if (!key.ok) return null;
    let value = this.errors.run(
      'VALUE_CONVERTER',
      this.converters.valueClass,
      () => valueConverter.toConnectData(topic, consumed.value),
      consumed,
    );
    if (value instanceof Promise) value = await value;
    if (!value.ok) return null;
    let headers = this.errors.run(
      'HEADER_CONVERTER',
      this.converters.headerClass,
      () =>
        Object.entries(message.headers ?? {}).map(([name, raw]): Header => {
          const converted = headerConverter.toConnectHeader(topic, name, headerBytes(raw));
          return { key: name, schema: converted.schema, value: converted.value };
        }),
      consumed,
    );
    if (headers instanceof Promise) headers = await headers;
    if (!headers.ok) return null;
    const record: SinkRecord = {
      kind: 'sink',
      topic,
      kafkaPartition: partition,
      keySchema: key.value.schema,
      key: key.value.value,
      valueSchema: value.value.schema,
      value: value.value.value,
      timestamp: message.timestamp ? Number(message.timestamp) : null,
      timestampType: 'CreateTime',
      headers: headers.value,
      kafkaOffset: Number(message.offset),
      originalTopic: topic,
      originalKafkaPartition: partition,
      originalKafkaOffset: Number(message.offset),
    };
    let transformed = this.errors.run(
      'TRANSFORMATION',
      () => this.transforms.failingClass ?? 'org.apache.kafka.connect.transforms.Transformation',
      () => this.transforms.apply(record),
      consumed,
    );
    if (transformed instanceof Promise) transformed = await transformed;
    if (!transformed.ok || transformed.value === null) return null;
    this.raw.set(`${topic}:${partition}:${message.offset}`, consumed);
    return transformed.value as SinkRecord;
  }

  private async deliver(records: SinkRecord[], heartbeat: () => Promise<void>): Promise<void> {
    try {
      for (;;) {
        const started = Date.now();
        try {
          await this.task.put(records);
          const elapsed = Date.now() - started;
          this.metrics.putBatchMaxTimeMs = Math.max(this.metrics.putBatchMaxTimeMs, elapsed);
          this.metrics.putBatchTotalTimeMs += elapsed;
          recordBatch(this.metrics, records.length);
          this.metrics.sinkRecordSendTotal += records.length;
          for (const record of records) {
            if (!this.host.storage.statuses.activeTopics.get(this.connector)?.has(record.topic)) {
              await this.host.storage.statuses.addActiveTopic(this.connector, this.id, record.topic);
            }
          }
          return;
        } catch (error) {
          if (this.stopping) throw error;
          if (!(error instanceof RetriableException)) {
            throw new ConnectException('Exiting WorkerSinkTask due to unrecoverable exception.', {
              cause: error,
            });
          }
          this.host.log(
            `WARN ${this.connector}-${this.id}: put failed, will redeliver the batch: ${error.message}`,
          );
          this.metrics.errors.totalRetries++;
          await sleep(Math.max(this.redeliveryDelayMs, 100));
          await heartbeat().catch(() => undefined);
        }
      }
    } finally {
      this.raw.clear();
    }
  }

  private async commit(): Promise<void> {
    this.commitRequested = false;
    if (this.failed) return;
    await serially(this.lock, async () => {
      const offsets = new Map(this.delivered);
      const changed = [...offsets].some(([key, offset]) => this.committed.get(key) !== offset);
      if (!changed) return;
      const started = Date.now();
      try {
        const safe = this.task.preCommit
          ? await this.task.preCommit(offsets)
          : (await this.task.flush?.(offsets), offsets);
        await this.consumer.commitOffsets(
          [...safe].map(([key, offset]) => ({ ...topicPartitionOf(key), offset: String(offset) })),
        );
        for (const [key, offset] of safe) this.committed.set(key, offset);
        recordCommit(this.metrics, true, Date.now() - started);
      } catch (error) {
        recordCommit(this.metrics, false, Date.now() - started);
        this.host.log(`WARN ${this.connector}-${this.id}: offset commit failed: ${(error as Error).message}`);
      }
    });
  }

  private fail(error: unknown): void {
    if (this.failed || this.stopping) return;
    this.failed = true;
    try {
      this.consumer.pause(this.subscribedTopics()); // a failed task reads nothing more until restarted
    } catch {
      /* not running yet */
    }
    this.listener.onState('FAILED', error);
  }

  async pause(): Promise<void> {
    this.paused = true;
    this.consumer.pause(this.subscribedTopics());
    this.listener.onState('PAUSED');
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.consumer.resume(this.subscribedTopics());
    this.listener.onState('RUNNING');
  }

  private subscribedTopics(): Array<{ topic: string }> {
    const topics = new Set([
      ...(this.connectorProps.topics ?? '')
        .split(',')
        .map((topic) => topic.trim())
        .filter(Boolean),
      ...this.assignment.map((tp) => tp.topic),
    ]);
    return [...topics].map((topic) => ({ topic }));
  }

  async stop(): Promise<void> {
    if (this.commitTimer) clearInterval(this.commitTimer);
    // Stopping first ends a redelivery loop in flight; then what was delivered is flushed and committed.
    this.stopping = true;
    if (!this.failed) await this.commit().catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    await serially(this.lock, async () => {
      await this.task?.close?.(this.assignment);
      await this.task?.stop();
    }).catch((error) =>
      this.host.log(`WARN ${this.connector}-${this.id}: stop failed: ${(error as Error).message}`),
    );
    await this.dlqProducer?.disconnect().catch(() => undefined);
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
