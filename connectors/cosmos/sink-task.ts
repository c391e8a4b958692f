import type { Container, CosmosClient } from '@azure/cosmos';
import { ConfigReader, type ParsedConfig, parseValidConfig } from '../runtime/api/config.ts';
import { ConnectException, RetriableException } from '../runtime/api/errors.ts';
import { retryAfterMs, retryFailed } from '../runtime/api/retry.ts';
import type { Props, SinkTask, SinkTaskContext } from '../runtime/api/plugins.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { DataException } from '../runtime/data/schema.ts';
import { cosmosClientFor, isTransientError, statusOf } from './client.ts';
import { connectToJson, isConnectObject, type JsonValue } from '../runtime/data/connect-json.ts';
import { CosmosWriteException } from './errors.ts';
import { itemId, type IdStrategyConfig } from './id-strategy.ts';
import {
  parsePatchConfigs,
  planDelete,
  planWrite,
  waves,
  type PatchPlan,
  type PlannedWrite,
} from './operations.ts';
import {
  partitionKeyOf,
  partitionKeyText,
  pathSegments,
  type PartitionKeyDefinitionLike,
} from './partition-key.ts';
import { idStrategyName, keys, parseTopicMap, sinkSpec, type WriteStrategy } from './spec.ts';

/** Cosmos DB rejects items over 2 MB with 413; checked before sending so the record fails alone. */
export const maxItemBytes = 2 * 1024 * 1024;

interface TargetContainer {
  container: Container;
  partitionKey: PartitionKeyDefinitionLike;
  /** The patch settings with this container's partition key fields (never patched): made once, not per record. */
  patch: PatchPlan;
}

interface Write {
  record: SinkRecord;
  container: string;
  plan: PlannedWrite;
  /** container + partition key + id: writes with the same key must keep their order. */
  key: string;
}

export interface SinkSettings {
  database: string;
  topicMap: Map<string, string>;
  writeStrategy: WriteStrategy;
  id: IdStrategyConfig;
  bulk: boolean;
  maxRetryCount: number;
  tolerateAll: boolean;
  tombstoneDelete: boolean;
  patch: PatchPlan;
}

export function sinkSettings(config: ParsedConfig, props: Props): SinkSettings {
  const read = new ConfigReader(config);
  return {
    database: read.string(keys.sinkDatabase),
    topicMap: new Map(
      parseTopicMap(read.list(keys.sinkTopicMap)).map((entry) => [entry.topic, entry.container]),
    ),
    writeStrategy: read.string(keys.writeStrategy) as WriteStrategy,
    id: {
      strategy: idStrategyName(read.string(keys.idStrategy)) ?? 'ProvidedInValueStrategy',
      template: read.string(keys.idTemplate),
      jsonPath: read.string(keys.idJsonPath),
      delimiter: read.string(keys.idDelimiter),
    },
    bulk: read.boolean(keys.bulkEnabled),
    maxRetryCount: read.int(keys.maxRetryCount),
    tolerateAll:
      read.string(keys.toleranceLevel) === 'All' || props['errors.tolerance']?.toLowerCase() === 'all',
    tombstoneDelete: read.boolean(keys.tombstoneDelete),
    patch: {
      defaultOp: read.string(keys.patchDefaultOp),
      overrides: parsePatchConfigs(read.string(keys.patchPropertyConfigs)),
      filter: read.string(keys.patchFilter),
    },
  };
}

/**
 * `CosmosSinkTask`: each `put` writes its batch before returning (so `flush` has nothing left to do), in bulk by
 * default. Transient statuses are retried with backoff; a record Cosmos DB rejects for good goes to the errant
 * record reporter (DLQ) when tolerance is All, else fails the task naming the record.
 */
export class CosmosSinkTask implements SinkTask {
  private context: SinkTaskContext | undefined;
  private client: CosmosClient | undefined;
  private config: ParsedConfig | undefined;
  private settings: SinkSettings | undefined;
  private readonly containers = new Map<string, Promise<TargetContainer>>();
  private stopping = false;

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  start(props: Props): void {
    const config = parseValidConfig(sinkSpec, props);
    this.settings = sinkSettings(config, props);
    this.config = config;
    this.client = cosmosClientFor(config, 'connect-hack-cosmos-sink');
    this.stopping = false;
  }

  async put(records: SinkRecord[]): Promise<void> {
    const settings = this.requireSettings();
    let writes: Write[] = [];
    for (const record of records) {
      if (settings.tombstoneDelete && (record.value === null || record.value === undefined)) {
        // The tombstone looks its item up: earlier writes of this batch must be in Cosmos DB first.
        await this.writeAll(writes, settings);
        writes = [];
      }
      try {
        writes.push(...(await this.plan(record, settings)));
      } catch (error) {
        if (error instanceof DataException || error instanceof CosmosWriteException)
          await this.reject(record, error);
        else throw error;
      }
    }
    await this.writeAll(writes, settings);
  }

  private async writeAll(writes: Write[], settings: SinkSettings): Promise<void> {
    const byContainer = new Map<string, Write[]>();
    for (const write of writes) {
      const list = byContainer.get(write.container) ?? [];
      list.push(write);
      byContainer.set(write.container, list);
    }
    await Promise.all(
      [...byContainer].map(async ([name, containerWrites]) => {
        for (const wave of waves(containerWrites)) await this.writeWave(name, wave, settings);
      }),
    );
  }

  flush(): void {
    // put() writes synchronously: everything it accepted is already in Cosmos DB.
  }

  stop(): void {
    this.stopping = true;
    this.client?.dispose();
    this.client = undefined;
    this.containers.clear();
  }

  // ------------------------------------------------------------------------------------------ planning

  private async plan(record: SinkRecord, settings: SinkSettings): Promise<Write[]> {
    const containerName = settings.topicMap.get(record.topic);
    if (!containerName) {
      // A topic without a container is a config error, not a bad record: fail loudly.
      throw new ConnectException(
        `No container is mapped for topic ${record.topic}: add "${record.topic}#<container>" to ${keys.sinkTopicMap}`,
      );
    }
    const target = await this.target(containerName);
    const key = connectToJson(record.key);
    if (record.value === null || record.value === undefined) {
      if (!settings.tombstoneDelete) return [];
      const id = itemId(record, key, null, { ...settings.id, strategy: 'ProvidedInKeyStrategy' });
      if (!id) throw new DataException('A tombstone needs a key to name the item to delete');
      return (await this.partitionKeysOf(target, id)).map((partitionKey) => ({
        record,
        container: containerName,
        plan: planDelete(id, partitionKey),
        key: `${partitionKeyText(partitionKey)}|${id}`,
      }));
    }
    if (!isConnectObject(record.value)) {
      throw new DataException(
        `The value of a record for Cosmos DB must be a JSON object, got ${Array.isArray(record.value) ? 'an array' : typeof record.value}`,
      );
    }
    const document = connectToJson(record.value) as Record<string, JsonValue>;
    const id = itemId(record, key, document, settings.id);
    if (!id) {
      throw new DataException(
        `The record has no id for ${settings.id.strategy} (looked at ${settings.id.strategy === 'ProvidedInValueStrategy' ? `the value's ${settings.id.jsonPath}` : 'the key'})`,
      );
    }
    if (id.length > 255)
      throw new DataException(`The id is ${id.length} characters long; Cosmos DB allows 255`);
    // The item as written: the document with its id (a copy only when the id came from elsewhere).
    const item = document.id === id ? document : { ...document, id };
    const size = Buffer.byteLength(JSON.stringify(item));
    if (size > maxItemBytes) {
      throw new CosmosWriteException(
        `Request size is too large: the item is ${size} bytes, the limit is ${maxItemBytes}`,
        413,
      );
    }
    const partitionKey = partitionKeyOf(item, target.partitionKey);
    if (partitionKey === undefined) {
      throw new DataException(
        `The partition key path ${target.partitionKey.paths.join(', ')} of container ${containerName} holds an object or array`,
      );
    }
    return [
      {
        record,
        container: containerName,
        plan: planWrite(settings.writeStrategy, document, id, partitionKey, target.patch),
        key: `${partitionKeyText(partitionKey)}|${id}`,
      },
    ];
  }

  /** Where a tombstone's item lives: the id alone does not say which partition, unless the key is `/id`. */
  private async partitionKeysOf(target: TargetContainer, id: string) {
    if (target.partitionKey.paths.length === 1 && target.partitionKey.paths[0] === '/id') return [id];
    const { resources } = await target.container.items
      .query<Record<string, JsonValue>>({
        query: 'SELECT * FROM c WHERE c.id = @id',
        parameters: [{ name: '@id', value: id }],
      })
      .fetchAll();
    return resources
      .map((item) => partitionKeyOf(item, target.partitionKey))
      .filter((value) => value !== undefined);
  }

  private target(name: string): Promise<TargetContainer> {
    let target = this.containers.get(name);
    if (!target) {
      const container = this.requireClient().database(this.requireSettings().database).container(name);
      target = container.read().then(
        ({ resource }) => {
          if (!resource) throw new Error('empty answer');
          const partitionKey = resource.partitionKey ?? { paths: ['/id'] };
          return {
            container,
            partitionKey,
            patch: {
              ...this.requireSettings().patch,
              partitionKeyFields: new Set(partitionKey.paths.map((path) => pathSegments(path)[0] ?? '')),
            },
          };
        },
        (error: unknown) => {
          this.containers.delete(name);
          const message = `Cannot read container ${this.requireSettings().database}/${name}: ${(error as Error).message}`;
          // A transient failure is redelivered by the framework; a missing container needs the user.
          if (isTransientError(error)) throw new RetriableException(message, { cause: error });
          throw new ConnectException(message, {
            cause: error,
            fix:
              statusOf(error) === 404
                ? 'Create the container (with its partition key) before starting the sink.'
                : undefined,
          });
        },
      );
      this.containers.set(name, target);
    }
    return target;
  }

  // ------------------------------------------------------------------------------------------- writing

  private async writeWave(containerName: string, wave: Write[], settings: SinkSettings): Promise<void> {
    const policy = {
      initialDelayMs: 100,
      maxDelayMs: 5000,
      maxRetries: settings.maxRetryCount,
      isStopping: () => this.stopping,
    };
    await retryFailed(wave, policy, async (pending, { number: attempt, canRetry }) => {
      const { container } = await this.target(containerName);
      const outcomes = await this.execute(container, pending, settings.bulk);
      // The SDK can keep a failed metadata lookup (a throttled partition-key-range read) and fail every later
      // call with it without sending a request: after a whole request failed, the next attempt gets a fresh client.
      if (outcomes.some((outcome) => outcome.requestFailed)) this.renewClient();
      const retry: Write[] = [];
      let retryAfter: number | undefined;
      for (const [index, write] of pending.entries()) {
        const { status, error } = outcomes[index]!;
        if (
          status !== undefined &&
          ((status >= 200 && status < 300) || write.plan.acceptedStatuses.includes(status))
        )
          continue;
        if (isTransientError(error ?? { code: status }) && canRetry()) {
          retry.push(write);
          const wanted = retryAfterMs(error);
          if (wanted !== undefined) retryAfter = Math.max(retryAfter ?? 0, wanted);
          continue;
        }
        await this.reject(
          write.record,
          new CosmosWriteException(
            `Cosmos DB answered ${status ?? 'nothing'} for item ${write.plan.id}${attempt > 0 ? ` after ${attempt} retries` : ''}: ${error?.message ?? 'failed'}`,
            status,
            error,
          ),
        );
      }
      return { retry, retryAfterMs: retryAfter };
    });
  }

  /** Runs writes and returns each one's status (or error), in order. */
  private async execute(
    container: Container,
    writes: Write[],
    bulk: boolean,
  ): Promise<Array<{ status?: number; error?: Error; requestFailed?: boolean }>> {
    const bulkable = bulk && writes.length > 1;
    const results: Array<{ status?: number; error?: Error; requestFailed?: boolean }> = new Array(
      writes.length,
    );
    const bulkIndexes: number[] = [];
    for (const [index, write] of writes.entries()) {
      if (bulkable && !write.plan.etag) bulkIndexes.push(index);
    }
    // `items.bulk`, not `executeBulkOperations`: SDK 4.9's executeBulkOperations holds every partial batch back
    // for a second (BulkHelper's intervalForPartialBatchInMs), so each put of a small batch took a second.
    // `items.bulk` takes at most 100 operations per call; the calls of one wave touch distinct items, so they
    // run side by side.
    const chunks: number[][] = [];
    for (let start = 0; start < bulkIndexes.length; start += bulkCallLimit) {
      chunks.push(bulkIndexes.slice(start, start + bulkCallLimit));
    }
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          // Copies, so that a retry sends each operation exactly as planned.
          // No item bodies in the answer (`Prefer: return=minimal`): only statuses are read, and bodies would be
          // serialised by the service and parsed here for every item.
          const answers = await container.items.bulk(
            chunk.map((index) => ({ ...writes[index]!.plan.operation })),
            { continueOnError: true },
            { contentResponseOnWriteEnabled: false },
          );
          for (const [position, answer] of answers.entries()) {
            const status = answer.statusCode;
            const failed = status >= 400 || status === 0;
            results[chunk[position]!] = {
              status,
              ...(failed ? { error: new Error(bulkErrorMessage(answer.resourceBody, status)) } : {}),
            };
          }
        } catch (error) {
          for (const index of chunk) {
            results[index] = { error: error as Error, requestFailed: true, ...withStatus(error) };
          }
        }
      }),
    );
    for (const [index, write] of writes.entries()) {
      if (results[index]) continue;
      try {
        results[index] = { status: await pointWrite(container, write.plan) };
      } catch (error) {
        results[index] = { error: error as Error, ...withStatus(error) };
      }
    }
    return results;
  }

  private async reject(record: SinkRecord, error: Error): Promise<void> {
    const settings = this.requireSettings();
    const reporter = this.context?.errantRecordReporter() ?? null;
    if (settings.tolerateAll) {
      try {
        await reporter?.(record, error);
      } catch {
        // errors.tolerance=none on the worker refuses the report; our own level All still skips the record,
        // as the official connector does.
        this.context?.log?.(`WARN [cosmos-sink] skipped a record: ${error.message}`);
      }
      return;
    }
    throw new ConnectException(
      `Record ${record.topic}-${record.kafkaPartition ?? 0}@${record.kafkaOffset} could not be written: ${error.message}`,
      {
        cause: error,
        fix: `Fix the record, or set ${keys.toleranceLevel}=All (and errors.deadletterqueue.topic.name) to send such records to a dead letter queue.`,
      },
    );
  }

  /** A new client (and container handles) for the next attempt; the old one may hold a failed lookup. */
  private renewClient(): void {
    if (!this.config || this.stopping) return;
    this.client?.dispose();
    this.client = cosmosClientFor(this.config, 'connect-hack-cosmos-sink');
    this.containers.clear();
  }

  private requireSettings(): SinkSettings {
    if (!this.settings) throw new ConnectException('The Cosmos sink task was not started');
    return this.settings;
  }

  private requireClient(): CosmosClient {
    if (!this.client) throw new ConnectException('The Cosmos sink task was not started');
    return this.client;
  }
}

function withStatus(error: unknown): { status?: number } {
  const status = statusOf(error);
  return status === undefined ? {} : { status };
}

/** One write through the point APIs (bulk disabled, or a conditional delete, which bulk cannot express). */
async function pointWrite(container: Container, plan: PlannedWrite): Promise<number> {
  const operation = plan.operation;
  const partitionKey = operation.partitionKey;
  switch (operation.operationType) {
    case 'Upsert':
      return (await container.items.upsert(operation.resourceBody)).statusCode;
    case 'Create':
      return (await container.items.create(operation.resourceBody)).statusCode;
    case 'Replace':
      return (
        await container
          .item(operation.id, partitionKey)
          .replace(
            operation.resourceBody,
            operation.ifMatch ? { accessCondition: { type: 'IfMatch', condition: operation.ifMatch } } : {},
          )
      ).statusCode;
    case 'Delete':
      return (
        await container
          .item(operation.id, partitionKey)
          .delete(plan.etag ? { accessCondition: { type: 'IfMatch', condition: plan.etag } } : {})
      ).statusCode;
    case 'Patch':
      return (await container.item(operation.id, partitionKey).patch(operation.resourceBody)).statusCode;
    case 'Read':
      return (await container.item(operation.id, partitionKey).read()).statusCode;
  }
}

/** Operations per `items.bulk` call (the SDK refuses more). */
const bulkCallLimit = 100;

/** A failed bulk operation's message: the service's error body when it sent one, else the status. */
function bulkErrorMessage(body: unknown, status: number): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : `status ${status}`;
}
