import type { ConfigSpec, ConfigValue } from '../runtime/api/config.ts';

/**
 * The OpenSearch sink's config spec, as data: the keys of Aiven's OpenSearch sink
 * (`io.aiven.kafka.connect.opensearch.OpensearchSinkConnector`, the field's open plugin) with their meaning, plus
 * three extensions of ours for change-event streams — the document taken from a field of the value, its external
 * version from another, and deletes on an operation field — marked as such so a config meant for Aiven's plugin
 * leaves them out.
 */
export const openSearchClassName = 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector';

export const openSearchKeys = {
  connectionUrl: 'connection.url',
  username: 'connection.username',
  password: 'connection.password',
  batchSize: 'batch.size',
  maxRetries: 'max.retries',
  retryBackoffMs: 'retry.backoff.ms',
  readTimeoutMs: 'read.timeout.ms',
  keyIgnore: 'key.ignore',
  keyIgnoreIdStrategy: 'key.ignore.id.strategy',
  schemaIgnore: 'schema.ignore',
  onNullValues: 'behavior.on.null.values',
  onMalformed: 'behavior.on.malformed.documents',
  onVersionConflict: 'behavior.on.version.conflict',
  documentField: 'document.field',
  versionField: 'document.version.field',
  deleteOpField: 'document.delete.op.field',
} as const;

const ours =
  '**Our extension** (Aiven’s plugin has no such key: leave it out of configs meant for a real Aiven worker).';

/** A dotted path into the value (`after.value`), or empty. */
const validPath =
  (name: string) =>
  (value: ConfigValue): string | undefined =>
    typeof value === 'string' && value !== '' && value.split('.').some((part) => part === '')
      ? `Invalid value ${value} for configuration ${name}: a dotted field path like after.value`
      : undefined;

export const openSearchSinkSpec: ConfigSpec = {
  keys: [
    {
      name: openSearchKeys.connectionUrl,
      type: 'LIST',
      importance: 'HIGH',
      group: 'Connector',
      documentation:
        'List of OpenSearch HTTP connection URLs, e.g. `http://127.0.0.1:9200` (`${env:OPENSEARCH_URL}` on this ' +
        'harness). Several URLs spread the requests over the nodes.',
      validate: (value) =>
        Array.isArray(value) && value.some((url) => !/^https?:\/\/[^/]+/i.test(url))
          ? `Invalid value ${value.join(',')} for configuration ${openSearchKeys.connectionUrl}: every entry must be an http(s) URL`
          : undefined,
    },
    {
      name: openSearchKeys.username,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      group: 'Authentication',
      documentation:
        'The username used to authenticate with OpenSearch; authentication is performed only when both the ' +
        'username and password are set.',
    },
    {
      name: openSearchKeys.password,
      type: 'PASSWORD',
      default: null,
      importance: 'MEDIUM',
      group: 'Authentication',
      documentation: 'The password used to authenticate with OpenSearch.',
    },
    {
      name: openSearchKeys.batchSize,
      type: 'INT',
      default: 2000,
      min: 1,
      importance: 'MEDIUM',
      group: 'Connector',
      documentation:
        'The number of records to process as a batch (one `_bulk` request) when writing to OpenSearch.',
    },
    {
      name: openSearchKeys.maxRetries,
      type: 'INT',
      default: 5,
      min: 0,
      importance: 'LOW',
      group: 'Connector',
      documentation:
        'The maximum number of retries of a request that failed (no answer, 429, 5xx) or of the documents that ' +
        'failed with 429 or 503, before the failure counts.',
    },
    {
      name: openSearchKeys.retryBackoffMs,
      type: 'LONG',
      default: 100,
      min: 0,
      importance: 'LOW',
      group: 'Connector',
      documentation: 'How long to wait before the first retry; each further retry waits twice as long.',
    },
    {
      name: openSearchKeys.readTimeoutMs,
      type: 'INT',
      default: 3000,
      min: 0,
      importance: 'LOW',
      group: 'Connector',
      documentation: 'How long to wait in milliseconds for OpenSearch to answer a request.',
    },
    {
      name: openSearchKeys.keyIgnore,
      type: 'BOOLEAN',
      default: false,
      importance: 'HIGH',
      group: 'Data Conversion',
      documentation:
        'Whether to ignore the record key for the document id. When false, the document id is the record key ' +
        '(a string, or the JSON of a structured key) and a record without a key is a bad record; when true, ids ' +
        'follow `key.ignore.id.strategy`.',
    },
    {
      name: openSearchKeys.keyIgnoreIdStrategy,
      type: 'STRING',
      default: 'topic.partition.offset',
      importance: 'LOW',
      group: 'Data Conversion',
      documentation: 'How document ids are formed when `key.ignore=true`.',
      enum: [
        { value: 'none', meaning: 'no id: OpenSearch generates one, so every record is a new document' },
        { value: 'record.key', meaning: 'the record key, as with `key.ignore=false`' },
        {
          value: 'topic.partition.offset',
          meaning:
            '`<topic>+<partition>+<offset>`: every record a new document (an event log, not an entity index)',
        },
      ],
    },
    {
      name: openSearchKeys.schemaIgnore,
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      group: 'Data Conversion',
      documentation:
        'Whether to ignore record schemas for the index mapping. This sink never derives a mapping from a ' +
        'schema: OpenSearch maps documents dynamically, or by the index (or index template) you create.',
    },
    {
      name: openSearchKeys.onNullValues,
      type: 'STRING',
      default: 'ignore',
      importance: 'LOW',
      group: 'Data Conversion',
      documentation: 'What a record with a key and a null value (a tombstone) does.',
      enum: [
        { value: 'ignore', meaning: 'skipped' },
        { value: 'delete', meaning: 'deletes the document of its id' },
        { value: 'fail', meaning: 'a bad record (the dead letter queue, or the task fails)' },
      ],
    },
    {
      name: openSearchKeys.onMalformed,
      type: 'STRING',
      default: 'fail',
      importance: 'LOW',
      group: 'Data Conversion',
      documentation:
        'What a record does that OpenSearch rejects as malformed (a mapping conflict, an illegal field) or that ' +
        'cannot become a document (no key, not an object, no version).',
      enum: [
        { value: 'ignore', meaning: 'sent to the dead letter queue, not logged; the task goes on' },
        { value: 'warn', meaning: 'logged and sent to the dead letter queue; the task goes on' },
        {
          value: 'fail',
          meaning: "the task fails naming the record (unless the framework's `errors.tolerance=all`)",
        },
      ],
    },
    {
      name: openSearchKeys.onVersionConflict,
      type: 'STRING',
      default: 'ignore',
      importance: 'LOW',
      group: 'Data Conversion',
      documentation:
        'What a record does that OpenSearch rejects because the index already holds the same or a newer ' +
        'external version of its document — a late or replayed older change. Ours defaults to `ignore` (Aiven’s ' +
        'to `fail`): with `document.version.field` such a rejection is the versioning doing its job.',
      enum: [
        { value: 'ignore', meaning: 'skipped: the newer document stays' },
        { value: 'warn', meaning: 'logged and skipped' },
        { value: 'fail', meaning: 'the task fails naming the record' },
      ],
    },
    {
      name: openSearchKeys.documentField,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Change events',
      documentation: `The dotted path of the value field that is the document, e.g. \`after.value\` for a change event whose entity is nested; empty = the whole value. A record whose field is missing or not an object is malformed. ${ours}`,
      validate: validPath(openSearchKeys.documentField),
    },
    {
      name: openSearchKeys.versionField,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Change events',
      documentation: `The dotted path of a value field holding a non-negative integer (e.g. \`ts_ms\`, \`updated_at\`, a sequence): writes and deletes carry it as OpenSearch's external version, so a late or replayed older change never overwrites a newer document. Empty = no versioning (the last write wins, whatever its age). A record without the field is malformed. ${ours}`,
      validate: validPath(openSearchKeys.versionField),
    },
    {
      name: openSearchKeys.deleteOpField,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      group: 'Change events',
      documentation: `The dotted path of a value field naming the change's operation, e.g. \`op\` in Debezium's envelope: a record whose field is \`d\` deletes the document of its id (with its version when \`document.version.field\` is set). Empty = no such field; only tombstones can delete (\`behavior.on.null.values=delete\`). ${ours}`,
      validate: validPath(openSearchKeys.deleteOpField),
    },
  ],
  rules: [
    {
      name: 'credentials-together',
      description: '`connection.username` and `connection.password` are set together or not at all.',
      check: (config) => {
        const user = config.values[openSearchKeys.username];
        const password = config.values[openSearchKeys.password];
        return Boolean(user) !== Boolean(password)
          ? {
              [openSearchKeys.username]: `Set both ${openSearchKeys.username} and ${openSearchKeys.password}, or neither.`,
            }
          : undefined;
      },
    },
  ],
};
