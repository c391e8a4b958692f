import type { HttpClient } from '@azure/core-rest-pipeline';
import {
  AzureKeyCredential,
  IndexDocumentsBatch,
  SearchClient,
  SearchIndexClient,
  type IndexDocumentsAction,
} from '@azure/search-documents';
import { ConfigReader, parseValidConfig } from '../runtime/api/config.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import { retryAfterMs, retryFailed } from '../runtime/api/retry.ts';
import type { Props, SinkTask, SinkTaskContext } from '../runtime/api/plugins.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { DataException } from '../runtime/data/schema.ts';
import { connectToJson, isConnectObject, type JsonValue } from '../runtime/data/connect-json.ts';
import { Reporter } from './reporter.ts';
import { searchKeys, searchSinkSpec } from './spec.ts';

type Document = Record<string, JsonValue>;

export interface SearchSinkSettings {
  endpoint: string;
  apiKey: string;
  indexTemplate: string;
  writeMethod: 'UPLOAD' | 'MERGEORUPLOAD';
  keyMode: 'KEY' | 'COORDINATES';
  deleteEnabled: boolean;
  maxBatchSize: number;
  behaviorOnError: 'FAIL' | 'LOG' | 'IGNORE';
  maxRetryMs: number;
  /** The framework's `errors.tolerance=all` keeps the task going even with `behavior.on.error=FAIL`. */
  frameworkToleratesAll: boolean;
}

export function searchEndpoint(serviceName: string, endpoint: string): string {
  return endpoint !== '' ? endpoint.replace(/\/+$/, '') : `https://${serviceName}.search.windows.net`;
}

/** The document key of a record: the key itself, the key field of a structured key, or its Kafka coordinates. */
export function documentKey(
  record: SinkRecord,
  keyField: string,
  keyMode: SearchSinkSettings['keyMode'],
): string | undefined {
  if (keyMode === 'COORDINATES') return `${record.topic}-${record.kafkaPartition ?? 0}-${record.kafkaOffset}`;
  const key = connectToJson(record.key);
  if (key === null) return undefined;
  if (typeof key === 'object' && !Array.isArray(key)) {
    const field = key[keyField];
    return field === undefined || field === null || typeof field === 'object' ? undefined : String(field);
  }
  return typeof key === 'object' ? JSON.stringify(key) : String(key);
}

/** Why a document failed, kept with its record until it is reported. */
export class SearchIndexingException extends ConnectException {
  override readonly javaClass: string = 'io.confluent.connect.azure.search.AzureSearchException';
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

interface Action {
  record: SinkRecord;
  index: string;
  key: string;
  action: IndexDocumentsAction<Document>;
}

const retriableItemStatuses = new Set([422, 503]);
const retriableRequestStatuses = new Set([408, 429, 502, 503, 504]);

/**
 * `AzureSearchSinkTask`: turns records into index actions (the record key injected into the index's key field),
 * sends them in batches of `max.batch.size` in record order (a key seen twice starts a new batch, so a later
 * write always wins), reads the per-document results of a 207, retries 422/503 until `max.retry.ms`, and hands
 * failures to the error topic, the dead letter queue, or the task's failure, per `behavior.on.error`.
 */
export class AzureSearchSinkTask implements SinkTask {
  /** `httpClient` replaces the SDK's transport (tests answer 207s without a service). */
  constructor(private readonly transport: { httpClient?: HttpClient } = {}) {}

  private context: SinkTaskContext | undefined;
  private settings: SearchSinkSettings | undefined;
  private indexClient: SearchIndexClient | undefined;
  private readonly clients = new Map<string, SearchClient<Document>>();
  private readonly keyFields = new Map<string, Promise<string>>();
  private reporter: Reporter | undefined;
  private stopping = false;

  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  async start(props: Props): Promise<void> {
    const config = parseValidConfig(searchSinkSpec, props);
    const read = new ConfigReader(config);
    this.settings = {
      endpoint: searchEndpoint(read.string(searchKeys.serviceName), read.string(searchKeys.endpoint)),
      apiKey: read.password(searchKeys.apiKey),
      indexTemplate: read.string(searchKeys.indexName),
      writeMethod: read.string(searchKeys.writeMethod) as SearchSinkSettings['writeMethod'],
      keyMode: read.string(searchKeys.keyMode) as SearchSinkSettings['keyMode'],
      deleteEnabled: read.boolean(searchKeys.deleteEnabled),
      maxBatchSize: read.int(searchKeys.maxBatchSize),
      behaviorOnError: read.string(searchKeys.behaviorOnError) as SearchSinkSettings['behaviorOnError'],
      maxRetryMs: read.int(searchKeys.maxRetryMs),
      frameworkToleratesAll: props['errors.tolerance']?.toLowerCase() === 'all',
    };
    this.indexClient = new SearchIndexClient(
      this.settings.endpoint,
      new AzureKeyCredential(this.settings.apiKey),
      {
        allowInsecureConnection: this.settings.endpoint.startsWith('http://'),
        ...this.transport,
      },
    );
    const connector = props.name ?? 'azure-search-sink';
    const bootstrap = read.string(searchKeys.reporterBootstrap);
    this.reporter = bootstrap
      ? await Reporter.connect(bootstrap, {
          resultTopic: read.string(searchKeys.reporterResultTopic).replace(/\$\{connector\}/g, connector),
          errorTopic: read.string(searchKeys.reporterErrorTopic).replace(/\$\{connector\}/g, connector),
          clientId: `${connector}-reporter`,
        })
      : undefined;
    this.stopping = false;
  }

  async put(records: SinkRecord[]): Promise<void> {
    const settings = this.requireSettings();
    const actions: Action[] = [];
    for (const record of records) {
      try {
        const action = await this.actionFor(record, settings);
        if (action) actions.push(action);
      } catch (error) {
        if (error instanceof DataException) await this.failed(record, error, undefined);
        else throw error;
      }
    }
    for (const batch of batches(actions, settings.maxBatchSize)) await this.send(batch, settings);
  }

  flush(): void {
    // put() writes synchronously: what it accepted is indexed.
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.reporter?.close();
    this.reporter = undefined;
    this.clients.clear();
    this.keyFields.clear();
  }

  private async actionFor(record: SinkRecord, settings: SearchSinkSettings): Promise<Action | undefined> {
    const index = settings.indexTemplate.replace(/\$\{topic\}/g, record.topic);
    const keyField = await this.keyField(index);
    const key = documentKey(record, keyField, settings.keyMode);
    if (record.value === null || record.value === undefined) {
      if (!settings.deleteEnabled) return undefined;
      if (key === undefined)
        throw new DataException('A tombstone without a key cannot name the document to delete');
      return { record, index, key, action: { __actionType: 'delete', [keyField]: key } };
    }
    if (!isConnectObject(record.value)) {
      throw new DataException(
        `The value of a record for Azure AI Search must be an object, got ${typeof record.value}`,
      );
    }
    const document = connectToJson(record.value) as Document;
    // A record without a key still lands when its value carries the key field.
    const documentKeyValue =
      key ?? (typeof document[keyField] === 'string' ? (document[keyField] as string) : undefined);
    if (documentKeyValue === undefined) {
      throw new DataException(`The record has no key for the index's key field "${keyField}"`);
    }
    return {
      record,
      index,
      key: documentKeyValue,
      action: {
        __actionType: settings.writeMethod === 'MERGEORUPLOAD' ? 'mergeOrUpload' : 'upload',
        ...document,
        [keyField]: documentKeyValue,
      },
    };
  }

  private keyField(index: string): Promise<string> {
    let field = this.keyFields.get(index);
    if (!field) {
      field = this.requireIndexClient()
        .getIndex(index)
        .then(
          (definition) => {
            const key = definition.fields.find((candidate) => 'key' in candidate && candidate.key === true);
            if (!key) throw new ConnectException(`Index ${index} has no key field`);
            return key.name;
          },
          (error: unknown) => {
            this.keyFields.delete(index);
            const status = (error as { statusCode?: number }).statusCode;
            throw new ConnectException(`Cannot read index ${index}: ${(error as Error).message}`, {
              cause: error,
              fix: status === 404 ? `Create the index ${index} before starting the sink.` : undefined,
            });
          },
        );
      this.keyFields.set(index, field);
    }
    return field;
  }

  private client(index: string): SearchClient<Document> {
    let client = this.clients.get(index);
    if (!client) {
      const settings = this.requireSettings();
      client = new SearchClient<Document>(settings.endpoint, index, new AzureKeyCredential(settings.apiKey), {
        allowInsecureConnection: settings.endpoint.startsWith('http://'),
        ...this.transport,
      });
      this.clients.set(index, client);
    }
    return client;
  }

  /** One batch (one index, distinct keys) until every action succeeded, failed for good, or time ran out. */
  private async send(batch: Action[], settings: SearchSinkSettings): Promise<void> {
    const policy = {
      initialDelayMs: 100,
      maxDelayMs: 10_000,
      timeoutMs: settings.maxRetryMs,
      isStopping: () => this.stopping,
    };
    await retryFailed(batch, policy, async (pending, { canRetry }) => {
      const retry: Action[] = [];
      let result: Awaited<ReturnType<SearchClient<Document>['indexDocuments']>> | undefined;
      let requestError: unknown;
      try {
        result = await this.client(pending[0]!.index).indexDocuments(
          new IndexDocumentsBatch(pending.map((entry) => entry.action)),
          { throwOnAnyFailure: false },
        );
      } catch (error) {
        requestError = error;
      }
      // Outcomes are handled outside the try: a FAIL from `failed` must reach the framework, not be retried.
      if (result) {
        const byKey = new Map(result.results.map((item) => [item.key, item]));
        for (const entry of pending) {
          const item = byKey.get(entry.key);
          if (item?.succeeded)
            await this.reporter?.result(entry.record, entry.index, entry.key, item.statusCode);
          else if (item && retriableItemStatuses.has(item.statusCode) && canRetry()) retry.push(entry);
          else
            await this.failed(
              entry.record,
              new SearchIndexingException(
                `Azure AI Search answered ${item?.statusCode ?? 'nothing'} for document "${entry.key}" of index ${entry.index}: ${item?.errorMessage ?? 'no result for this key'}`,
                item?.statusCode,
              ),
              entry,
            );
        }
        return { retry };
      }
      const status = (requestError as { statusCode?: number }).statusCode;
      if ((status === undefined || retriableRequestStatuses.has(status)) && canRetry())
        return { retry: [...pending], retryAfterMs: retryAfterMs(requestError) };
      if (pending.length > 1 && status !== undefined && status < 500) {
        // A whole request refused (e.g. one document with an unknown field): find the culprits one by one.
        for (const entry of pending) await this.send([entry], settings);
        return { retry };
      }
      for (const entry of pending) {
        await this.failed(
          entry.record,
          new SearchIndexingException(
            `Indexing into ${entry.index} failed${status ? ` with ${status}` : ''}: ${(requestError as Error).message}`,
            status,
          ),
          entry,
        );
      }
      return { retry };
    });
  }

  private async failed(record: SinkRecord, error: Error, action: Action | undefined): Promise<void> {
    const settings = this.requireSettings();
    if (settings.behaviorOnError === 'FAIL' && !settings.frameworkToleratesAll) {
      throw new ConnectException(
        `Record ${record.topic}-${record.kafkaPartition ?? 0}@${record.kafkaOffset} could not be indexed: ${error.message}`,
        {
          cause: error,
          fix: `Fix the record, or set ${searchKeys.behaviorOnError}=LOG to report such records and go on.`,
        },
      );
    }
    if (settings.behaviorOnError !== 'IGNORE') {
      this.context?.log?.(`WARN [azure-search-sink] ${error.message}`);
    }
    await this.reporter?.error(record, action?.index, action?.key, error);
    const reporter = this.context?.errantRecordReporter() ?? null;
    if (reporter) await reporter(record, error);
  }

  private requireSettings(): SearchSinkSettings {
    if (!this.settings) throw new ConnectException('The Azure AI Search sink task was not started');
    return this.settings;
  }

  private requireIndexClient(): SearchIndexClient {
    if (!this.indexClient) throw new ConnectException('The Azure AI Search sink task was not started');
    return this.indexClient;
  }
}

/**
 * Batches in record order: one index per batch, at most `maxSize` actions, and a key seen again starts a new
 * batch (Azure does not promise the order of actions on one key within a batch).
 */
export function batches<T extends { index: string; key: string }>(actions: T[], maxSize: number): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const action of actions) {
    if (
      current.length > 0 &&
      (current.length >= maxSize || current[0]!.index !== action.index || keys.has(action.key))
    ) {
      result.push(current);
      current = [];
      keys = new Set();
    }
    current.push(action);
    keys.add(action.key);
  }
  if (current.length > 0) result.push(current);
  return result;
}
