import { Client } from '@opensearch-project/opensearch';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigReader, parseValidConfig } from '../runtime/api/config.ts';
import { ConnectException, DataException } from '../runtime/api/errors.ts';
import type { Props, SinkTask, SinkTaskContext } from '../runtime/api/plugins.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import {
  bulkBody,
  operationFor,
  type DocumentSettings,
  type IdStrategy,
  type Operation,
} from './documents.ts';
import { openSearchKeys, openSearchSinkSpec } from './spec.ts';

type Behavior = 'ignore' | 'warn' | 'fail';

export interface OpenSearchSinkSettings extends DocumentSettings {
  urls: string[];
  batchSize: number;
  maxRetries: number;
  retryBackoffMs: number;
  onMalformed: Behavior;
  onVersionConflict: Behavior;
  /** The framework's `errors.tolerance=all` keeps the task going even with `behavior.on.malformed.documents=fail`. */
  frameworkToleratesAll: boolean;
}

/** A document OpenSearch refused, kept with its record until it is reported. */
export class OpenSearchIndexingException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.ConnectException';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly type: string | undefined,
  ) {
    super(message);
  }
}

interface BulkItem {
  status: number;
  result?: string;
  error?: { type?: string; reason?: string };
}

const retriableStatuses = new Set([429, 502, 503, 504]);

/**
 * `OpensearchSinkTask`: turns records into `_bulk` operations in record order (OpenSearch applies one shard's
 * operations in request order, so a later write of a key wins within a batch), sends them `batch.size` at a
 * time, reads each item's answer, retries 429/503 items and failed requests `max.retries` times with
 * exponential backoff, and hands failures to the dead letter queue or the task's failure as the `behavior.on.*`
 * keys say. With `document.version.field`, writes and deletes carry an external version, so OpenSearch itself
 * refuses an older change (409), whatever order the records arrive in.
 */
export class OpenSearchSinkTask implements SinkTask {
  private context: SinkTaskContext | undefined;
  private settings: OpenSearchSinkSettings | undefined;
  private client: Client | undefined;
  private stopping = false;

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  start(props: Props): void {
    const read = new ConfigReader(parseValidConfig(openSearchSinkSpec, props));
    this.settings = {
      urls: read.list(openSearchKeys.connectionUrl),
      batchSize: read.int(openSearchKeys.batchSize),
      maxRetries: read.int(openSearchKeys.maxRetries),
      retryBackoffMs: read.int(openSearchKeys.retryBackoffMs),
      keyIgnore: read.boolean(openSearchKeys.keyIgnore),
      idStrategy: read.string(openSearchKeys.keyIgnoreIdStrategy).toLowerCase() as IdStrategy,
      onNullValues: read
        .string(openSearchKeys.onNullValues)
        .toLowerCase() as DocumentSettings['onNullValues'],
      onMalformed: read.string(openSearchKeys.onMalformed).toLowerCase() as Behavior,
      onVersionConflict: read.string(openSearchKeys.onVersionConflict).toLowerCase() as Behavior,
      documentField: read.string(openSearchKeys.documentField),
      versionField: read.string(openSearchKeys.versionField),
      deleteOpField: read.string(openSearchKeys.deleteOpField),
      frameworkToleratesAll: props['errors.tolerance']?.toLowerCase() === 'all',
    };
    const username = read.optionalString(openSearchKeys.username);
    this.client = new Client({
      nodes: this.settings.urls,
      requestTimeout: read.int(openSearchKeys.readTimeoutMs),
      maxRetries: 0, // ours below, per item as well as per request
      ...(username ? { auth: { username, password: read.password(openSearchKeys.password) } } : {}),
    });
    this.stopping = false;
  }

  async put(records: SinkRecord[]): Promise<void> {
    const settings = this.requireSettings();
    const operations: Operation[] = [];
    for (const record of records) {
      try {
        const operation = operationFor(record, settings);
        if (operation) operations.push(operation);
      } catch (error) {
        if (error instanceof DataException) await this.malformed(record, error);
        else throw error;
      }
    }
    for (let start = 0; start < operations.length; start += settings.batchSize)
      await this.send(operations.slice(start, start + settings.batchSize), settings);
  }

  flush(): void {
    // put() writes synchronously: what it accepted is in OpenSearch's translog.
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.close();
    this.client = undefined;
  }

  private async send(batch: Operation[], settings: OpenSearchSinkSettings): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const canRetry = attempt < settings.maxRetries && !this.stopping;
      let items: BulkItem[];
      try {
        const response = await this.requireClient().bulk({ body: bulkBody(pending) });
        items = (response.body.items as Array<Record<string, BulkItem>>).map(
          (item) => Object.values(item)[0]!,
        );
      } catch (error) {
        const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
        if ((status == null || retriableStatuses.has(status) || status >= 500) && canRetry) {
          await sleep(settings.retryBackoffMs * 2 ** attempt);
          continue;
        }
        throw new ConnectException(
          `Bulk request to OpenSearch (${settings.urls.join(', ')}) failed${status ? ` with ${status}` : ''} after ${attempt} retries: ${(error as Error).message}`,
          { cause: error, fix: 'Check that OpenSearch answers at connection.url (`npx hack status`).' },
        );
      }
      const retry: Operation[] = [];
      for (const [position, operation] of pending.entries()) {
        const item = items[position];
        if (!item) continue;
        if (item.status < 300 || (operation.action === 'delete' && item.status === 404)) continue;
        if (retriableStatuses.has(item.status) && canRetry) retry.push(operation);
        else if (item.status === 409) await this.versionConflict(operation, item, settings);
        else
          await this.malformed(
            operation.record,
            new OpenSearchIndexingException(
              `OpenSearch answered ${item.status} to ${operation.action} of document ${operation.id ?? '(new)'} in ${operation.index}: ${item.error?.type ?? ''} ${item.error?.reason ?? ''}`.trim(),
              item.status,
              item.error?.type,
            ),
          );
      }
      if (retry.length > 0) await sleep(settings.retryBackoffMs * 2 ** attempt);
      pending = retry;
    }
  }

  /** An older (or the same) version than the index holds: the versioning at work, unless asked to fail. */
  private async versionConflict(
    operation: Operation,
    item: BulkItem,
    settings: OpenSearchSinkSettings,
  ): Promise<void> {
    const message = `Version conflict on document ${operation.id} in ${operation.index}: ${item.error?.reason ?? 'the index holds the same or a newer version'}`;
    if (settings.onVersionConflict === 'fail')
      throw new ConnectException(message, {
        fix: `Set ${openSearchKeys.onVersionConflict}=ignore: with external versions an older change is meant to lose.`,
      });
    if (settings.onVersionConflict === 'warn') this.context?.log?.(`WARN [opensearch-sink] ${message}`);
  }

  private async malformed(record: SinkRecord, error: Error): Promise<void> {
    const settings = this.requireSettings();
    if (settings.onMalformed === 'fail' && !settings.frameworkToleratesAll) {
      throw new ConnectException(
        `Record ${record.topic}-${record.kafkaPartition ?? 0}@${record.kafkaOffset} could not be indexed: ${error.message}`,
        {
          cause: error,
          fix: `Fix the record, or set ${openSearchKeys.onMalformed}=warn (with errors.tolerance=all and a dead letter queue) to report such records and go on.`,
        },
      );
    }
    if (settings.onMalformed !== 'ignore') this.context?.log?.(`WARN [opensearch-sink] ${error.message}`);
    const reporter = this.context?.errantRecordReporter() ?? null;
    if (reporter) await reporter(record, error);
  }

  private requireSettings(): OpenSearchSinkSettings {
    if (!this.settings) throw new ConnectException('The OpenSearch sink task was not started');
    return this.settings;
  }

  private requireClient(): Client {
    if (!this.client) throw new ConnectException('The OpenSearch sink task was not started');
    return this.client;
  }
}
