import type { Producer, Admin, IHeaders } from 'kafkajs';
import { createTopicsReady } from '../../../infra/kafka/topics.ts';
import { ConnectException, RetriableException, javaClassOf } from '../api/errors.ts';
import { retryFailed } from '../api/retry.ts';
import { javaStackTrace, messageOf } from './java-trace.ts';
import type { TaskMetrics } from '../metrics.ts';
import { readErrorKeys } from '../framework-keys.ts';

export type Stage =
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'TRANSFORMATION'
  | 'TASK_PUT'
  | 'TASK_POLL'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

/** The stages `errors.tolerance=all` may skip; any other failure only gets retries (Apache's TOLERABLE_EXCEPTIONS). */
const tolerableStages = new Set<Stage>([
  'KEY_CONVERTER',
  'VALUE_CONVERTER',
  'HEADER_CONVERTER',
  'TRANSFORMATION',
]);

export interface ErrorHandlingConfig {
  tolerance: 'none' | 'all';
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  dlqTopic: string;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

/** The error-handling config of a connector, read through the framework keys' typed parse. */
export function errorHandlingConfig(props: Record<string, string>): ErrorHandlingConfig {
  const read = readErrorKeys(props);
  return {
    tolerance: read.string('errors.tolerance') === 'all' ? 'all' : 'none',
    retryTimeoutMs: read.int('errors.retry.timeout'),
    retryDelayMaxMs: read.int('errors.retry.delay.max.ms'),
    logEnable: read.boolean('errors.log.enable'),
    logIncludeMessages: read.boolean('errors.log.include.messages'),
    dlqTopic: read.string('errors.deadletterqueue.topic.name'),
    dlqReplicationFactor: read.int('errors.deadletterqueue.topic.replication.factor'),
    dlqContextHeaders: read.boolean('errors.deadletterqueue.context.headers.enable'),
  };
}

/** The consumed record a sink failure is about: reported to the DLQ as it was read, bytes unchanged. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false };

/**
 * Apache's RetryWithToleranceOperator plus its reporters (log and DLQ): runs one stage of the pipeline,
 * retrying RetriableExceptions with the shared backoff (api/retry.ts) until `errors.retry.timeout`, then either skips the
 * record (tolerance `all`, tolerable stage) or throws the ConnectException that fails the task.
 */
export class ErrorHandler {
  private dlqReady = false;

  constructor(
    private readonly config: ErrorHandlingConfig,
    private readonly task: { connector: string; id: number },
    private readonly deps: {
      log: (line: string) => void;
      metrics: TaskMetrics;
      dlqProducer?: Producer;
      admin?: Admin;
      isStopping?: () => boolean;
    },
  ) {}

  async execute<T>(
    stage: Stage,
    executingClass: string | (() => string),
    operation: () => T | Promise<T>,
    consumed?: ConsumedRecord,
  ): Promise<Outcome<T>> {
    let outcome: Outcome<T> | undefined;
    let failure: unknown;
    await retryFailed(
      [operation],
      {
        initialDelayMs: 300,
        maxDelayMs: this.config.retryDelayMaxMs,
        timeoutMs: this.config.retryTimeoutMs,
        isStopping: this.deps.isStopping,
      },
      async (_, { canRetry }) => {
        try {
          outcome = { ok: true, value: await operation() };
          return { retry: [] };
        } catch (error) {
          if (error instanceof RetriableException && canRetry()) {
            this.deps.metrics.errors.totalRetries++;
            return { retry: [operation] };
          }
          failure = error;
          return { retry: [] };
        }
      },
    );
    if (outcome) return outcome;
    this.deps.metrics.errors.totalRecordFailures++;
    this.deps.metrics.errors.lastErrorTimestamp = Date.now();
    const className = typeof executingClass === 'function' ? executingClass() : executingClass;
    const tolerated = this.config.tolerance === 'all' && tolerableStages.has(stage);
    if (!tolerated) {
      this.deps.metrics.errors.totalRecordErrors++;
      await this.report(stage, className, failure, consumed, false);
      throw new ConnectException(
        tolerableStages.has(stage) || this.config.tolerance === 'none'
          ? 'Tolerance exceeded in error handler'
          : 'Unhandled exception in error handler',
        { cause: failure },
      );
    }
    this.deps.metrics.errors.totalRecordErrors++;
    this.deps.metrics.errors.totalRecordsSkipped++;
    await this.report(stage, className, failure, consumed, true);
    return { ok: false };
  }

  /**
   * A synchronous stage (converters, transforms) on the hot path: no promise unless it fails, and then the
   * failure goes through `execute` (retries, tolerance, log, DLQ) as any other.
   */
  run<T>(
    stage: Stage,
    executingClass: string | (() => string),
    operation: () => T,
    consumed?: ConsumedRecord,
  ): Outcome<T> | Promise<Outcome<T>> {
    try {
      return { ok: true, value: operation() };
    } catch {
      return this.execute(stage, executingClass, operation, consumed);
    }
  }

  /** KIP-610's errant record reporter: report without failing (or fail under tolerance none). */
  async reportErrant(consumed: ConsumedRecord, error: Error): Promise<void> {
    this.deps.metrics.errors.totalRecordFailures++;
    this.deps.metrics.errors.lastErrorTimestamp = Date.now();
    if (this.config.tolerance === 'none') {
      this.deps.metrics.errors.totalRecordErrors++;
      throw new ConnectException('Tolerance exceeded in error handler', { cause: error });
    }
    this.deps.metrics.errors.totalRecordErrors++;
    this.deps.metrics.errors.totalRecordsSkipped++;
    await this.report('TASK_PUT', 'org.apache.kafka.connect.sink.SinkTask', error, consumed, true);
  }

  private async report(
    stage: Stage,
    className: string,
    error: unknown,
    consumed: ConsumedRecord | undefined,
    toDlq: boolean,
  ): Promise<void> {
    if (this.config.logEnable) {
      let line = `Error encountered in task ${this.task.connector}-${this.task.id}. Executing stage '${stage}' with class '${className}'`;
      if (this.config.logIncludeMessages && consumed) {
        line += `, where consumed record is {topic='${consumed.topic}', partition=${consumed.partition}, offset=${consumed.offset}, timestamp=${consumed.timestamp}, timestampType=CreateTime}`;
      }
      this.deps.log(`ERROR ${line}.\n${javaStackTrace(error)}`);
      this.deps.metrics.errors.totalErrorsLogged++;
    }
    if (toDlq && consumed && this.config.dlqTopic && this.deps.dlqProducer) {
      await this.sendToDlq(stage, className, error, consumed);
    }
  }

  private async sendToDlq(
    stage: Stage,
    className: string,
    error: unknown,
    consumed: ConsumedRecord,
  ): Promise<void> {
    const producer = this.deps.dlqProducer!;
    if (!this.dlqReady && this.deps.admin) {
      const topics = await this.deps.admin.listTopics();
      if (!topics.includes(this.config.dlqTopic)) {
        // Clamped to the cluster size so the default of 3 works on a one-broker dev stack.
        const brokers = (await this.deps.admin.describeCluster()).brokers.length;
        await createTopicsReady(this.deps.admin, [
          {
            topic: this.config.dlqTopic,
            numPartitions: 1,
            replicationFactor: Math.min(this.config.dlqReplicationFactor, brokers),
          },
        ]).catch(() => undefined);
      }
      this.dlqReady = true;
    }
    const headers: IHeaders = { ...(consumed.headers ?? {}) };
    if (this.config.dlqContextHeaders) {
      const context: Record<string, string | null> = {
        '__connect.errors.topic': consumed.topic,
        '__connect.errors.partition': String(consumed.partition),
        '__connect.errors.offset': consumed.offset,
        '__connect.errors.connector.name': this.task.connector,
        '__connect.errors.task.id': String(this.task.id),
        '__connect.errors.stage': stage,
        '__connect.errors.class.name': className,
        '__connect.errors.exception.class.name': javaClassOf(error),
        '__connect.errors.exception.message': messageOf(error),
        '__connect.errors.exception.stacktrace': javaStackTrace(error),
      };
      for (const [name, value] of Object.entries(context)) {
        if (value !== null) headers[name] = Buffer.from(value, 'utf8');
      }
    }
    this.deps.metrics.errors.dlqProduceRequests++;
    try {
      await producer.send({
        topic: this.config.dlqTopic,
        acks: -1,
        messages: [{ key: consumed.key, value: consumed.value, headers, timestamp: consumed.timestamp }],
      });
    } catch (sendError) {
      this.deps.metrics.errors.dlqProduceFailures++;
      throw new ConnectException(
        `Could not produce message to dead letter queue. topic=${this.config.dlqTopic}`,
        {
          cause: sendError,
        },
      );
    }
  }
}
