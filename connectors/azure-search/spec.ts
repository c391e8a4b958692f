import type { ConfigSpec } from '../runtime/api/config.ts';

/**
 * The Azure AI Search sink's config spec, as data: the keys of Confluent's Azure Cognitive Search sink
 * (`io.confluent.connect.azure.search.AzureSearchSinkConnector`) plus `azure.search.endpoint`, our extension for
 * endpoints that are not `https://<service>.search.windows.net` (the local emulator).
 */
export const searchClassName = 'io.confluent.connect.azure.search.AzureSearchSinkConnector';

export const searchKeys = {
  serviceName: 'azure.search.service.name',
  apiKey: 'azure.search.api.key',
  endpoint: 'azure.search.endpoint',
  indexName: 'index.name',
  writeMethod: 'write.method',
  keyMode: 'key.mode',
  deleteEnabled: 'delete.enabled',
  maxBatchSize: 'max.batch.size',
  behaviorOnError: 'behavior.on.error',
  maxRetryMs: 'max.retry.ms',
  reporterBootstrap: 'reporter.bootstrap.servers',
  reporterResultTopic: 'reporter.result.topic.name',
  reporterErrorTopic: 'reporter.error.topic.name',
  keyEncoding: 'key.encoding',
  documentField: 'document.field',
  deleteOpField: 'document.delete.op.field',
  versionField: 'document.version.field',
  versionIndexField: 'document.version.index.field',
} as const;

/** Azure index names: lowercase letters, digits, dashes; no leading/trailing dash; at most 128 characters. */
export function isValidIndexName(name: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?$/.test(name) && !name.includes('--');
}

export const searchSinkSpec: ConfigSpec = {
  keys: [
    {
      name: searchKeys.serviceName,
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      group: 'Connection',
      documentation:
        'The name of the Azure AI Search service: the endpoint is `https://<name>.search.windows.net`. ' +
        'Required unless `azure.search.endpoint` is set.',
    },
    {
      name: searchKeys.apiKey,
      type: 'PASSWORD',
      importance: 'HIGH',
      group: 'Connection',
      documentation: 'An admin api key of the service (query keys cannot write).',
    },
    {
      name: searchKeys.endpoint,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Connection',
      documentation:
        '**Our extension.** The full endpoint, e.g. `http://127.0.0.1:8084` for the local emulator; wins over ' +
        '`azure.search.service.name`. The official connector has no such key: leave it out of configs meant for a ' +
        'real cluster.',
      validate: (value) =>
        typeof value === 'string' && value !== '' && !/^https?:\/\/[^/]+/i.test(value)
          ? `Invalid value ${value} for configuration ${searchKeys.endpoint}: must be an http(s) URL`
          : undefined,
    },
    {
      name: searchKeys.indexName,
      type: 'STRING',
      default: '${topic}',
      importance: 'HIGH',
      group: 'Writes',
      documentation:
        "The index each record is written to; `${topic}` is replaced by the record's topic. The index must exist " +
        '(the connector reads its key field from it).',
      validate: (value) => {
        if (typeof value !== 'string') return undefined;
        const sample = value.replace(/\$\{topic\}/g, 'topic');
        return isValidIndexName(sample)
          ? undefined
          : `Invalid value ${value} for configuration ${searchKeys.indexName}: after replacing \${topic} it must be a valid index name (lowercase letters, digits, dashes)`;
      },
    },
    {
      name: searchKeys.writeMethod,
      type: 'STRING',
      default: 'UPLOAD',
      importance: 'HIGH',
      group: 'Writes',
      documentation: 'How records are written to the index.',
      enum: [
        { value: 'UPLOAD', meaning: 'upsert: insert the document, or replace it whole when it exists' },
        {
          value: 'MERGEORUPLOAD',
          meaning:
            'update the fields the record carries on an existing document; insert it when it does not exist',
        },
      ],
    },
    {
      name: searchKeys.keyMode,
      type: 'STRING',
      default: 'KEY',
      importance: 'MEDIUM',
      group: 'Writes',
      documentation:
        'Where the document key comes from. Keys may contain only letters, digits, `_`, `-` and `=`: Azure ' +
        'rejects any other key with 400, and the record goes to the error topic / dead letter queue (or fails the ' +
        'task, per `behavior.on.error`). Use a transform to encode such keys.',
      enum: [
        {
          value: 'KEY',
          meaning:
            "the record key (a string, or the key field of a structured key) is injected into the index's key field",
        },
        {
          value: 'COORDINATES',
          meaning:
            'the Kafka coordinates `<topic>-<partition>-<offset>`, unique per record (every record a new document)',
        },
      ],
    },
    {
      name: searchKeys.deleteEnabled,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      group: 'Writes',
      documentation:
        'A record with a null value (a tombstone) deletes the document of its key; false skips tombstones.',
    },
    {
      name: searchKeys.keyEncoding,
      type: 'STRING',
      default: 'NONE',
      importance: 'MEDIUM',
      group: 'Writes',
      documentation:
        '**Our extension.** How a record key (`key.mode=KEY`) becomes a document key. Azure AI Search keys allow ' +
        'only letters, digits, `_`, `-` and `=`, and Azure recommends base64-encoding keys with other characters ' +
        "(as its indexers' `base64Encode` mapping does); readers decode the document key to get the record key back.",
      enum: [
        { value: 'NONE', meaning: 'the key as it is (a key with other characters is rejected by Azure)' },
        {
          value: 'BASE64URL',
          meaning: "the key's UTF-8 bytes in URL-safe base64 without padding (`c/1/o/x` → `Yy8xL28veA`)",
        },
      ],
    },
    {
      name: searchKeys.documentField,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Writes',
      documentation:
        "**Our extension** (as our OpenSearch sink's key). The dotted path of the document inside the value, e.g. " +
        '`after.value` of a change event; empty = the whole value. A value without an object there is a bad record.',
    },
    {
      name: searchKeys.deleteOpField,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Writes',
      documentation:
        "**Our extension** (as our OpenSearch sink's key). The dotted path of a change event's operation, e.g. " +
        '`op`: a record whose value there is `d` deletes the document of its key. Empty = no delete operations ' +
        '(tombstones still delete with `delete.enabled=true`).',
    },
    {
      name: searchKeys.versionField,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Writes',
      documentation:
        '**Our extension: version-aware writes.** The dotted path of a non-negative integer version in the value ' +
        '(e.g. `ts_ms`). Azure AI Search has no external versions (nor conditional writes on documents), so the ' +
        "sink keeps each document's version in the index field `document.version.index.field`, reads the stored " +
        "versions of a batch's keys before writing, and drops a write or delete that is not newer — a late older " +
        'change never wins. The task also remembers the versions it wrote and deleted (so a delete is not undone ' +
        'by an older change it reads later). Sound while one task writes a key: keep a key on one partition (keyed ' +
        'records), or `tasks.max=1`. Empty = last write wins.',
    },
    {
      name: searchKeys.versionIndexField,
      type: 'STRING',
      default: 'document_version',
      importance: 'LOW',
      group: 'Writes',
      documentation:
        "**Our extension.** The index field (`Edm.Int64`, filterable) that holds each document's version when " +
        '`document.version.field` is set; the sink checks the index has it before writing.',
    },
    {
      name: searchKeys.maxBatchSize,
      type: 'INT',
      default: 1,
      min: 1,
      max: 1000,
      importance: 'MEDIUM',
      group: 'Writes',
      documentation: 'Most documents per indexing request (Azure allows 1000).',
    },
    {
      name: searchKeys.behaviorOnError,
      type: 'STRING',
      default: 'FAIL',
      importance: 'MEDIUM',
      group: 'Writes',
      documentation: 'What a document Azure rejects (after retries) does.',
      enum: [
        { value: 'FAIL', meaning: "the task fails, naming the record and Azure's message" },
        {
          value: 'LOG',
          meaning: 'logged, reported to the error topic and the dead letter queue; the task goes on',
        },
        {
          value: 'IGNORE',
          meaning: 'reported to the error topic and the dead letter queue, not logged; the task goes on',
        },
      ],
    },
    {
      name: searchKeys.maxRetryMs,
      type: 'LONG',
      default: 300000,
      min: 0,
      importance: 'LOW',
      group: 'Writes',
      documentation:
        'How long (ms) documents failing with 422 or 503 (or requests failing with 429, 503 or no answer) are ' +
        'retried, with exponential backoff, before they count as failed.',
    },
    {
      name: searchKeys.reporterBootstrap,
      type: 'STRING',
      default: '',
      importance: 'LOW',
      group: 'Reporter',
      documentation:
        'Kafka the result and error topics are written to; empty disables the reporter. One record per indexed ' +
        'record: key = the document key, value = `{"status","message","index","key"}` JSON, headers ' +
        '`input_record_topic`, `input_record_partition`, `input_record_offset`.',
    },
    {
      name: searchKeys.reporterResultTopic,
      type: 'STRING',
      default: '${connector}-success',
      importance: 'LOW',
      group: 'Reporter',
      documentation:
        'Topic of successful writes (`${connector}` = the connector name); empty = not reported.',
    },
    {
      name: searchKeys.reporterErrorTopic,
      type: 'STRING',
      default: '${connector}-error',
      importance: 'LOW',
      group: 'Reporter',
      documentation: 'Topic of failed writes (`${connector}` = the connector name); empty = not reported.',
    },
  ],
  rules: [
    {
      name: 'service-or-endpoint',
      description: 'Either `azure.search.service.name` or `azure.search.endpoint` must be set.',
      check: (config) =>
        !config.values[searchKeys.serviceName] && !config.values[searchKeys.endpoint]
          ? {
              [searchKeys.serviceName]: `Missing required configuration "${searchKeys.serviceName}" (or ${searchKeys.endpoint} for a local endpoint).`,
            }
          : undefined,
    },
  ],
};
