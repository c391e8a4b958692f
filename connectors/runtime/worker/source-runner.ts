import type { IHeaders, Message, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { RetriableException } from '../api/errors.ts';
import type { Props, SourceTask } from '../api/plugins.ts';
import type { SourceOffsetMap, SourceRecord } from '../api/records.ts';
import { recordBatch, recordCommit } from '../metrics.ts';
import { ErrorHandler, errorHandlingConfig } from './error-handler.ts';
import { TaskRunnerBase, type TaskHost, type TaskListener, type TaskRunner } from './task-host.ts';

/** One polled batch, transformed and converted: its messages by topic, and which records they carry. */
interface ConvertedBatch {
  records: SourceRecord[];
  byTopic: Map<string, Message[]>;
  sent: SourceRecord[];
}

/**
 * Apache's WorkerSourceTask: poll → transforms → converters → produce (acks=all; the next poll is converted
 * while the previous batch is in flight); offsets of acknowledged records are written to the offsets topic every `offset.flush.interval.ms` and on stop, then `commit()` is
 * called. A record is always produced before its offset is stored, so a crash re-reads, never skips.
 */
export class SourceTaskRunner extends TaskRunnerBase<SourceTask> implements TaskRunner {
  private producer!: Producer;
  private errors!: ErrorHandler;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private paused = false;
  private failed = false;
  /** The batch sent but not yet acknowledged: its offsets are tracked, and its records committed, once it is. */
  private sending: Promise<void> | undefined;
  /** Acknowledged but not yet stored offsets, by partition JSON. */
  private readonly pending = new Map<string, { partition: SourceOffsetMap; offset: SourceOffsetMap }>();
  private lastFlush = Date.now();

  constructor(
    connector: string,
    id: number,
    connectorProps: Props,
    taskProps: Props,
    host: TaskHost,
    listener: TaskListener,
  ) {
    super(connector, id, connectorProps, taskProps, host, listener, 'source');
  }

  async start(): Promise<void> {
    this.createPipeline();
    this.errors = new ErrorHandler(
      errorHandlingConfig(this.connectorProps),
      { connector: this.connector, id: this.id },
      {
        log: this.host.log,
        metrics: this.metrics,
        isStopping: () => this.stopping,
      },
    );
    this.producer = this.host
      .client(`connector-producer-${this.connector}-${this.id}`)
      .producer({ idempotent: false, allowAutoTopicCreation: true });
    await this.producer.connect();
    const offsets = this.host.storage.offsets;
    this.task.initialize({
      configs: () => ({ ...this.taskProps }),
      log: this.taskLog,
      offsetStorageReader: () => ({
        offset: (partition) => offsets.get(this.connector, partition),
        offsets: (partitions) =>
          new Map(partitions.map((partition) => [partition, offsets.get(this.connector, partition)])),
      }),
    });
    await this.task.start(this.taskProps);
    this.listener.onState('RUNNING');
    this.loop = this.run().catch((error) => this.fail(error));
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopping) {
        if (this.paused || this.failed) {
          await this.settleSend();
          await sleep(100);
          continue;
        }
        let records: SourceRecord[];
        try {
          records = (await this.task.poll()) ?? [];
        } catch (error) {
          // Apache: a RetriableException from poll is logged and polled again; anything else fails the task as is.
          if (!(error instanceof RetriableException)) throw error;
          this.host.log(`WARN ${this.connector}-${this.id}: poll failed, will poll again: ${error.message}`);
          this.metrics.errors.totalRetries++;
          await sleep(100);
          continue;
        }
        if (records.length > 0) {
          // Convert while the previous batch is still on its way to the broker, then wait for its ack before
          // sending this one: one request in flight (the producer is not idempotent), so per-partition order holds.
          const batch = await this.convert(records);
          await this.settleSend();
          this.startSend(batch);
        } else {
          await this.settleSend();
        }
        if (Date.now() - this.lastFlush >= this.host.offsetFlushIntervalMs) await this.flushOffsets();
        if (records.length === 0) await sleep(10);
      }
    } finally {
      await this.settleSend();
    }
  }

  private startSend(batch: ConvertedBatch): void {
    const sending = this.produce(batch);
    sending.catch(() => undefined); // awaited by settleSend; until then a failure must not be an unhandled rejection
    this.sending = sending;
  }

  /** Waits for the batch in flight, if any; a failed send throws here and so fails the task, as before. */
  private async settleSend(): Promise<void> {
    const sending = this.sending;
    if (!sending) return;
    try {
      await sending;
    } finally {
      if (this.sending === sending) this.sending = undefined;
    }
  }

  /** Transforms and converters (sync unless a stage fails, see ErrorHandler.run) for one polled batch. */
  private async convert(records: SourceRecord[]): Promise<ConvertedBatch> {
    this.metrics.sourceRecordPollTotal += records.length;
    const byTopic = new Map<string, Message[]>();
    const sent: SourceRecord[] = [];
    const errors = this.errors;
    const converters = this.converters;
    for (const original of records) {
      let transformed = errors.run(
        'TRANSFORMATION',
        () => this.transforms.failingClass ?? 'org.apache.kafka.connect.transforms.Transformation',
        () => this.transforms.apply(original),
      );
      if (transformed instanceof Promise) transformed = await transformed;
      if (!transformed.ok || transformed.value === null) {
        continue; // dropped or skipped records still advance the offset (tracked after the ack), as in Apache
      }
      const record = transformed.value as SourceRecord;
      let key = errors.run('KEY_CONVERTER', converters.keyClass, () =>
        converters.key.fromConnectData(record.topic, record.keySchema, record.key),
      );
      if (key instanceof Promise) key = await key;
      if (!key.ok) continue;
      let value = errors.run('VALUE_CONVERTER', converters.valueClass, () =>
        converters.value.fromConnectData(record.topic, record.valueSchema, record.value),
      );
      if (value instanceof Promise) value = await value;
      if (!value.ok) continue;
      let headers = errors.run('HEADER_CONVERTER', converters.headerClass, () => {
        const result: IHeaders = {};
        for (const header of record.headers) {
          const bytes = converters.header.fromConnectHeader(
            record.topic,
            header.key,
            header.schema,
            header.value,
          );
          if (bytes !== null) result[header.key] = Buffer.from(bytes);
        }
        return result;
      });
      if (headers instanceof Promise) headers = await headers;
      if (!headers.ok) continue;
      let messages = byTopic.get(record.topic);
      if (!messages) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push({
        key: key.value === null ? null : Buffer.from(key.value),
        value: value.value === null ? null : Buffer.from(value.value),
        headers: headers.value,
        ...(record.kafkaPartition === null ? {} : { partition: record.kafkaPartition }),
        ...(record.timestamp === null ? {} : { timestamp: String(record.timestamp) }),
      });
      sent.push(original);
    }
    return { records, byTopic, sent };
  }

  /** Produces one converted batch (acks=all); only then are its offsets tracked and its records committed. */
  private async produce({ records, byTopic, sent }: ConvertedBatch): Promise<void> {
    if (byTopic.size > 0) {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const topic of byTopic.keys()) {
        if (!this.host.storage.statuses.activeTopics.get(this.connector)?.has(topic)) {
          await this.host.storage.statuses.addActiveTopic(this.connector, this.id, topic);
        }
      }
    }
    recordBatch(this.metrics, records.length);
    this.metrics.sourceRecordWriteTotal += sent.length;
    for (const record of records) this.track(record);
    for (const record of sent) this.task.commitRecord?.(record, null);
  }

  private track(record: SourceRecord): void {
    this.pending.set(JSON.stringify(record.sourcePartition), {
      partition: record.sourcePartition,
      offset: record.sourceOffset,
    });
  }

  private async flushOffsets(): Promise<void> {
    this.lastFlush = Date.now();
    if (this.pending.size === 0) return;
    const entries = [...this.pending.values()];
    this.pending.clear();
    const started = Date.now();
    try {
      await this.host.storage.offsets.write(this.connector, entries);
      recordCommit(this.metrics, true, Date.now() - started);
      await this.task.commit?.();
    } catch (error) {
      recordCommit(this.metrics, false, Date.now() - started);
      for (const entry of entries) {
        const id = JSON.stringify(entry.partition);
        if (!this.pending.has(id)) this.pending.set(id, entry);
      }
      this.host.log(`WARN ${this.connector}-${this.id}: offset flush failed: ${(error as Error).message}`);
    }
  }

  private fail(error: unknown): void {
    if (this.failed || this.stopping) return;
    this.failed = true;
    this.listener.onState('FAILED', error);
  }

  async pause(): Promise<void> {
    this.paused = true;
    this.listener.onState('PAUSED');
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.listener.onState('RUNNING');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // A poll that blocks (waiting for data) must not hold the worker: give it a while, then stop the task anyway.
    await Promise.race([this.loop, sleep(10_000)]);
    // Offsets of a batch still in flight are tracked only once it is acknowledged: wait for it before the last flush.
    await this.settleSend().catch(() => undefined);
    await this.flushOffsets();
    try {
      await this.task?.stop();
    } catch (error) {
      this.host.log(`WARN ${this.connector}-${this.id}: stop failed: ${(error as Error).message}`);
    }
    await this.producer?.disconnect().catch(() => undefined);
  }
}
