import type { Consumer, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectException, RetriableException } from '../api/errors.ts';
import type { Header, SinkRecord } from '../api/records.ts';
import {
  topicPartitionKey,
  topicPartitionOf,
  type PartitionOffsets,
  type Props,
  type SchemaAndValue,
  type SinkTask,
  type TopicPartition,
} from '../api/plugins.ts';
import { recordBatch, recordCommit } from '../metrics.ts';
import { createTopicsReady } from '../../../infra/kafka/topics.ts';
import { ErrorHandler, errorHandlingConfig, type ConsumedRecord, type Stage } from './error-handler.ts';
import { serially, TaskRunnerBase, type TaskHost, type TaskListener, type TaskRunner } from './task-host.ts';

/** A stage's result in `convertAfterFailure` when the ErrorHandler tolerated its failure: the record is skipped. */
const SKIPPED = Symbol('skipped');

/** The consumed record a failure is about, as the ErrorHandler reports it (built only when something failed). */
function consumedRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headers,
  };
}

function sinkRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
  key: SchemaAndValue,
  value: SchemaAndValue,
  headers: Header[],
): SinkRecord {
  const offset = Number(message.offset);
  return {
    kind: 'sink',
    topic,
    kafkaPartition: partition,
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp: message.timestamp ? Number(message.timestamp) : null,
    timestampType: 'CreateTime',
    headers,
    kafkaOffset: offset,
    originalTopic: topic,
    originalKafkaPartition: partition,
    originalKafkaOffset: offset,
  };
}

function positiveInt(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

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
  /**
   * At most this many records per `put`, as Apache's consumer returns at most `max.poll.records` (500) per poll.
   * A fetch of 1 MB holds thousands of records; converting and putting them in these slices also keeps fewer
   * converted records alive at once, which is most of what the garbage collector has to copy.
   */
  private maxPollRecords = 500;

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
    this.maxPollRecords = positiveInt(
      this.connectorProps['consumer.override.max.poll.records'] ??
        this.host.workerProps['consumer.max.poll.records'],
      500,
    );
    const groupId = this.connectorProps['consumer.override.group.id'] ?? `connect-${this.connector}`;
    this.consumer = this.host.client(`connector-consumer-${this.connector}-${this.id}`).consumer({
      groupId,
      // `consumer.override.*` as Apache's default override policy (All) allows; 30 s otherwise.
      sessionTimeout: Number(this.connectorProps['consumer.override.session.timeout.ms'] ?? 30_000),
      rebalanceTimeout: Number(this.connectorProps['consumer.override.max.poll.interval.ms'] ?? 30_000),
      heartbeatInterval: Number(this.connectorProps['consumer.override.heartbeat.interval.ms'] ?? 3_000),
      // Apache's consumer waits 500 ms for a fetch to fill (fetch.max.wait.ms); kafkajs's 5 s default made every
      // stop wait out an idle fetch: about 4.5 s of each challenge's tear-down.
      maxWaitTimeInMs: positiveInt(
        this.connectorProps['consumer.override.fetch.max.wait.ms'] ??
          this.host.workerProps['consumer.fetch.max.wait.ms'],
        500,
      ),
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
        // Nothing can seek, rebalance, stop or fail the task while records convert synchronously: the state is
        // looked at again only after something awaited (a put, a heartbeat, a stage that failed).
        const goOn = () => isRunning() && !isStale() && !this.stopping && !this.failed;
        await serially(this.lock, async () => {
          const { topic, partition, messages } = batch;
          let next = 0;
          while (next < messages.length && goOn()) {
            const records: SinkRecord[] = [];
            const end = Math.min(next + this.maxPollRecords, messages.length);
            this.inFlight = { topic, partition, messages, from: next, to: end, byOffset: undefined };
            let last: string | undefined;
            for (; next < end; next++) {
              const message = messages[next]!;
              this.metrics.sinkRecordReadTotal++;
              let record = this.convert(topic, partition, message);
              if (record instanceof Promise) {
                record = await record;
                if (!goOn()) {
                  if (record) records.push(record);
                  last = message.offset;
                  next = messages.length;
                  break;
                }
              }
              if (record) records.push(record);
              last = message.offset;
            }
            if (last === undefined) break;
            await this.deliver(records, heartbeat);
            this.delivered.set(topicPartitionKey(batch), Number(last) + 1);
            resolveOffset(last);
          }
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

  /**
   * The consumed record a put record came from, with its original bytes, for the errant-record reporter (only
   * records of the `put` in progress have them; the index by offset is built on the first report).
   */
  private consumedOf(record: SinkRecord): ConsumedRecord {
    const inFlight = this.inFlight;
    let message: KafkaMessage | undefined;
    if (
      inFlight &&
      inFlight.topic === record.originalTopic &&
      inFlight.partition === record.originalKafkaPartition
    ) {
      inFlight.byOffset ??= new Map(
        inFlight.messages.slice(inFlight.from, inFlight.to).map((m) => [Number(m.offset), m]),
      );
      message = inFlight.byOffset.get(record.originalKafkaOffset);
    }
    return message
      ? consumedRecord(record.originalTopic, record.originalKafkaPartition, message)
      : {
          topic: record.originalTopic,
          partition: record.originalKafkaPartition,
          offset: String(record.originalKafkaOffset),
          timestamp: String(record.timestamp ?? Date.now()),
          key: null,
          value: null,
        };
  }

  /** The messages being converted and `put`, so the errant-record reporter can send the original bytes. */
  private inFlight:
    | {
        topic: string;
        partition: number;
        messages: KafkaMessage[];
        from: number;
        to: number;
        byOffset: Map<number, KafkaMessage> | undefined;
      }
    | undefined;

  /**
   * Key, value and header converters, then the transform chain: the sink record `put` gets (null when a
   * transform filtered it or a tolerated failure skipped it). Synchronous while every stage succeeds, so the hot
   * path makes no promise per record; the first stage that throws hands over to `convertAfterFailure`.
   */
  private convert(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): SinkRecord | null | Promise<SinkRecord | null> {
    const converters = this.converters;
    let key: SchemaAndValue | undefined;
    let value: SchemaAndValue | undefined;
    let headers: Header[] | undefined;
    try {
      key = converters.key.toConnectData(topic, message.key ?? null);
      value = converters.value.toConnectData(topic, message.value ?? null);
      headers = this.convertHeaders(topic, message.headers);
    } catch {
      return this.convertAfterFailure(topic, partition, message, key, value);
    }
    const record = sinkRecord(topic, partition, message, key, value, headers);
    try {
      return this.transforms.apply(record) as SinkRecord | null;
    } catch {
      return this.convertAfterFailure(topic, partition, message, key, value, headers, record);
    }
  }

  private convertHeaders(topic: string, raw: IHeaders | undefined): Header[] {
    const headers: Header[] = [];
    for (const name in raw) {
      const converted = this.converters.header.toConnectHeader(topic, name, headerBytes(raw[name]));
      headers.push({ key: name, schema: converted.schema, value: converted.value });
    }
    return headers;
  }

  /**
   * The rest of `convert` from the stage that threw (the stages before it are not run again): each stage through
   * the ErrorHandler, which retries, tolerates (null: skipped), reports to the log and DLQ, or fails the task.
   */
  private async convertAfterFailure(
    topic: string,
    partition: number,
    message: KafkaMessage,
    convertedKey?: SchemaAndValue,
    convertedValue?: SchemaAndValue,
    convertedHeaders?: Header[],
    record?: SinkRecord,
  ): Promise<SinkRecord | null> {
    const consumed = consumedRecord(topic, partition, message);
    const converters = this.converters;
    // The first stage run here is the one that threw: `execute` runs it again. The ones after it go through `run`,
    // as in `convert`: synchronous unless they fail too.
    let threw = true;
    const stage = async <T>(
      name: Stage,
      executingClass: string | (() => string),
      operation: () => T,
    ): Promise<T | typeof SKIPPED> => {
      const outcome = threw
        ? await this.errors.execute(name, executingClass, operation, consumed)
        : await this.errors.run(name, executingClass, operation, consumed);
      threw = false;
      return outcome.ok ? outcome.value : SKIPPED;
    };
    const key =
      convertedKey ??
      (await stage('KEY_CONVERTER', converters.keyClass, () =>
        converters.key.toConnectData(topic, consumed.key),
      ));
    if (key === SKIPPED) return null;
    const value =
      convertedValue ??
      (await stage('VALUE_CONVERTER', converters.valueClass, () =>
        converters.value.toConnectData(topic, consumed.value),
      ));
    if (value === SKIPPED) return null;
    const headers =
      convertedHeaders ??
      (await stage('HEADER_CONVERTER', converters.headerClass, () =>
        this.convertHeaders(topic, message.headers),
      ));
    if (headers === SKIPPED) return null;
    const input = record ?? sinkRecord(topic, partition, message, key, value, headers);
    const transformed = await stage(
      'TRANSFORMATION',
      () => this.transforms.failingClass ?? 'org.apache.kafka.connect.transforms.Transformation',
      () => this.transforms.apply(input),
    );
    if (transformed === SKIPPED || transformed === null) return null;
    return transformed as SinkRecord;
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
          let checked: string | undefined;
          for (const record of records) {
            if (record.topic === checked) continue;
            checked = record.topic;
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
      this.inFlight = undefined;
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
