import type { HttpClient } from '@azure/core-rest-pipeline';
import {
  AzureKeyCredential,
  IndexDocumentsBatch,
  SearchClient,
  SearchIndexClient,
  type IndexDocumentsAction,
} from '@azure/search-documents';
import { ConfigReader, parseValidConfig } from '../runtime/api/config.ts';
import { ConnectException, RetriableException } from '../runtime/api/errors.ts';
import { retryAfterMs, retryFailed } from '../runtime/api/retry.ts';
import type { Props, SinkTask, SinkTaskContext } from '../runtime/api/plugins.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { DataException } from '../runtime/data/schema.ts';
import { connectToJson, isConnectObject, type JsonValue } from '../runtime/data/connect-json.ts';
import { fieldAt, versionOf } from '../opensearch/documents.ts';
import { Reporter } from './reporter.ts';
import { searchKeys, searchSinkSpec } from './spec.ts';
import { storedVersions, VersionLedger } from './versions.ts';

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
  /** Our extensions (all off by default): key encoding, the document's path, delete operations, versions. */
  keyEncoding: 'NONE' | 'BASE64URL';
  documentField: string;
  deleteOpField: string;
  versionField: string;
  versionIndexField: string;
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

/** A record key as a document key per `key.encoding` (our extension): as it is, or URL-safe base64. */
export function encodeKey(key: string, encoding: SearchSinkSettings['keyEncoding']): string {
  return encoding === 'BASE64URL' ? Buffer.from(key, 'utf8').toString('base64url') : key;
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
  /** With `document.version.field`: the record's version (stored with the document, compared before writing). */
  version?: number;
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
  private readonly ledger = new VersionLedger();

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
      keyEncoding: read.string(searchKeys.keyEncoding) as SearchSinkSettings['keyEncoding'],
      documentField: read.string(searchKeys.documentField),
      deleteOpField: read.string(searchKeys.deleteOpField),
      versionField: read.string(searchKeys.versionField),
      versionIndexField: read.string(searchKeys.versionIndexField),
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
    const writes = settings.versionField ? await this.newerOnly(actions, settings) : actions;
    for (const batch of batches(writes, settings.maxBatchSize)) await this.send(batch, settings);
  }

  /**
   * Version-aware writes (our extension): drops each action whose version is not newer than what the index holds
   * for its key, what this task wrote or deleted, or an earlier action of the same put — so a late older change
   * never overwrites (or resurrects) a newer state.
   */
  private async newerOnly(actions: Action[], settings: SearchSinkSettings): Promise<Action[]> {
    const newest = new Map<string, number>();
    for (const index of new Set(actions.map((action) => action.index))) {
      const keys = actions
        .filter((action) => action.index === index && this.ledger.get(index, action.key) === undefined)
        .map((action) => action.key);
      const stored = keys.length
        ? await this.storedVersions(index, keys, settings)
        : new Map<string, number>();
      for (const [key, version] of stored) newest.set(`${index}\u0000${key}`, version);
    }
    return actions.filter((action) => {
      if (action.version === undefined) return true;
      const entry = `${action.index}\u0000${action.key}`;
      const current = Math.max(newest.get(entry) ?? -1, this.ledger.get(action.index, action.key) ?? -1);
      if (action.version <= current) return false;
      newest.set(entry, action.version);
      return true;
    });
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
    this.ledger.clear();
  }

  /** The versions the index holds: a refused lookup fails the task naming the fix; anything else is retried. */
  private async storedVersions(
    index: string,
    keys: string[],
    settings: SearchSinkSettings,
  ): Promise<Map<string, number>> {
    const keyField = await this.keyField(index);
    try {
      return await storedVersions(this.client(index), keyField, settings.versionIndexField, keys);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      const message = `Reading the stored versions (${settings.versionIndexField}) of index ${index} failed${status ? ` with ${status}` : ''}: ${(error as Error).message}`;
      if (status !== undefined && status < 500 && !retriableRequestStatuses.has(status))
        throw new ConnectException(message, {
          cause: error,
          fix: `Make the key field ${keyField} filterable and ${settings.versionIndexField} retrievable in index ${index}.`,
        });
      throw new RetriableException(message, { cause: error });
    }
  }

  private async actionFor(record: SinkRecord, settings: SearchSinkSettings): Promise<Action | undefined> {
    const index = settings.indexTemplate.replace(/\$\{topic\}/g, record.topic);
    const keyField = await this.keyField(index);
    const recordKey = documentKey(record, keyField, settings.keyMode);
    const key =
      recordKey !== undefined && settings.keyMode === 'KEY'
        ? encodeKey(recordKey, settings.keyEncoding)
        : recordKey;
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
    const value = connectToJson(record.value);
    const version = versionOf(value, settings);
    if (settings.deleteOpField && fieldAt(value, settings.deleteOpField) === 'd') {
      if (key === undefined)
        throw new DataException('A delete without a key cannot name the document to delete');
      return { record, index, key, version, action: { __actionType: 'delete', [keyField]: key } };
    }
    const found = settings.documentField ? fieldAt(value, settings.documentField) : value;
    if (found === null || found === undefined || typeof found !== 'object' || Array.isArray(found))
      throw new DataException(
        `The value has no document object at ${settings.documentField || 'its root'} (found ${JSON.stringify(found) ?? 'nothing'})`,
      );
    const document: Document =
      version === undefined ? found : { ...found, [settings.versionIndexField]: version };
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
      version,
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
            const versions = this.requireSettings();
            if (
              versions.versionField &&
              !definition.fields.some((candidate) => candidate.name === versions.versionIndexField)
            )
              throw new ConnectException(
                `Index ${index} has no field ${versions.versionIndexField} for the versions of ${searchKeys.versionField}=${versions.versionField}`,
                {
                  fix: `Add a filterable Edm.Int64 field ${versions.versionIndexField} to the index (or name another with ${searchKeys.versionIndexField}).`,
                },
              );
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
          if (item?.succeeded) {
            if (entry.version !== undefined) this.ledger.remember(entry.index, entry.key, entry.version);
            await this.reporter?.result(entry.record, entry.index, entry.key, item.statusCode);
          } else if (item && retriableItemStatuses.has(item.statusCode) && canRetry()) retry.push(entry);
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
