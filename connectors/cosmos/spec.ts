import type { ConfigKey, ConfigRule, ConfigSpec, ConfigValue, ParsedConfig } from '../runtime/api/config.ts';

/**
 * The Cosmos DB connectors' config specs, as data. Key names, defaults and enum values are those of the official
 * v2 connector (`com.azure.cosmos.kafka:azure-cosmos-kafka-connect`); the v1 keys (`connect.cosmos.*`, from
 * `microsoft/kafka-connect-cosmosdb`) are aliases of the same keys, so a tutorial's config runs unchanged.
 */
export const cosmosClassNames = {
  source: 'com.azure.cosmos.kafka.connect.CosmosSourceConnector',
  sink: 'com.azure.cosmos.kafka.connect.CosmosSinkConnector',
  v1Source: 'com.azure.cosmos.kafka.connect.source.CosmosDBSourceConnector',
  v1Sink: 'com.azure.cosmos.kafka.connect.sink.CosmosDBSinkConnector',
} as const;

export const keys = {
  endpoint: 'azure.cosmos.account.endpoint',
  accountKey: 'azure.cosmos.account.key',
  authType: 'azure.cosmos.auth.type',
  gateway: 'azure.cosmos.mode.gateway',
  applicationName: 'azure.cosmos.application.name',
  sourceDatabase: 'azure.cosmos.source.database.name',
  includeAll: 'azure.cosmos.source.containers.includeAll',
  includedList: 'azure.cosmos.source.containers.includedList',
  sourceTopicMap: 'azure.cosmos.source.containers.topicMap',
  startFrom: 'azure.cosmos.source.changeFeed.startFrom',
  changeFeedMode: 'azure.cosmos.source.changeFeed.mode',
  maxItemCountHint: 'azure.cosmos.source.changeFeed.maxItemCountHint',
  metadataPollDelay: 'azure.cosmos.source.metadata.poll.delay.ms',
  metadataStorageType: 'azure.cosmos.source.metadata.storage.type',
  metadataStorageName: 'azure.cosmos.source.metadata.storage.name',
  messageKeyEnabled: 'azure.cosmos.source.messageKey.enabled',
  messageKeyField: 'azure.cosmos.source.messageKey.field',
  v1UseLatest: 'connect.cosmos.offset.useLatest',
  v1PollInterval: 'connect.cosmos.task.poll.interval',
  sinkDatabase: 'azure.cosmos.sink.database.name',
  sinkTopicMap: 'azure.cosmos.sink.containers.topicMap',
  writeStrategy: 'azure.cosmos.sink.write.strategy',
  idStrategy: 'azure.cosmos.sink.id.strategy',
  idTemplate: 'azure.cosmos.sink.id.strategy.template',
  idJsonPath: 'azure.cosmos.sink.id.strategy.jsonPath',
  idDelimiter: 'azure.cosmos.sink.id.strategy.delimiter',
  bulkEnabled: 'azure.cosmos.sink.bulk.enabled',
  maxRetryCount: 'azure.cosmos.sink.maxRetryCount',
  toleranceLevel: 'azure.cosmos.sink.errors.tolerance.level',
  patchDefaultOp: 'azure.cosmos.sink.write.patch.operationType.default',
  patchPropertyConfigs: 'azure.cosmos.sink.write.patch.property.configs',
  patchFilter: 'azure.cosmos.sink.write.patch.filter',
  tombstoneDelete: 'azure.cosmos.sink.tombstone.delete.enabled',
} as const;

const connection = 'Connection';

export const commonKeys: ConfigKey[] = [
  {
    name: keys.endpoint,
    aliases: ['connect.cosmos.connection.endpoint'],
    type: 'STRING',
    importance: 'HIGH',
    group: connection,
    documentation:
      'Cosmos DB account endpoint URI, e.g. `https://<account>.documents.azure.com:443/` or the local emulator ' +
      "`https://127.0.0.1:8081` (loopback endpoints accept the emulator's self-signed certificate).",
    validate: (value) =>
      typeof value === 'string' && !/^https?:\/\/[^/]+/i.test(value)
        ? `Invalid value ${value} for configuration ${keys.endpoint}: must be an http(s) URI`
        : undefined,
  },
  {
    name: keys.accountKey,
    aliases: ['connect.cosmos.master.key'],
    type: 'PASSWORD',
    default: null,
    importance: 'HIGH',
    group: connection,
    documentation: 'Cosmos DB account key (primary or secondary); required when the auth type is MasterKey.',
  },
  {
    name: keys.authType,
    type: 'STRING',
    default: 'MasterKey',
    importance: 'MEDIUM',
    group: connection,
    documentation: 'How the connector authenticates to Cosmos DB.',
    enum: [
      { value: 'MasterKey', meaning: 'the account key in `azure.cosmos.account.key`' },
      {
        value: 'ServicePrinciple',
        meaning:
          'Entra ID service principal (the official spelling); not available locally — the emulator takes keys',
      },
      { value: 'ServicePrincipal', meaning: 'accepted spelling of ServicePrinciple' },
    ],
  },
  {
    name: 'azure.cosmos.account.tenantId',
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: connection,
    documentation: 'Entra ID tenant, for the ServicePrinciple auth type.',
  },
  {
    name: 'azure.cosmos.auth.aad.clientId',
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: connection,
    documentation: 'Service principal client id, for the ServicePrinciple auth type.',
  },
  {
    name: 'azure.cosmos.auth.aad.clientSecret',
    type: 'PASSWORD',
    default: null,
    importance: 'LOW',
    group: connection,
    documentation: 'Service principal client secret, for the ServicePrinciple auth type.',
  },
  {
    name: keys.gateway,
    aliases: ['connect.cosmos.connection.gateway.enabled'],
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    group: connection,
    documentation:
      'Use gateway mode instead of direct mode. The JavaScript SDK always talks to the gateway, so this is ' +
      'accepted for compatibility and has no effect here.',
  },
  {
    name: 'azure.cosmos.preferredRegionList',
    type: 'LIST',
    default: '',
    importance: 'LOW',
    group: connection,
    documentation: 'Preferred regions, in order, for a multi-region account.',
  },
  {
    name: keys.applicationName,
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: connection,
    documentation: 'Appended to the user agent of every Cosmos DB request.',
  },
];

/** `topic#container,topic#container` → pairs; throws with the entry at fault. */
export function parseTopicMap(entries: string[]): Array<{ topic: string; container: string }> {
  return entries
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const [topic, container, extra] = entry.split('#').map((part) => part.trim());
      if (!topic || !container || extra !== undefined) {
        throw new Error(`"${entry}" is not of the form topic#container`);
      }
      return { topic, container };
    });
}

const topicMapValidator =
  (name: string) =>
  (value: ConfigValue): string | undefined => {
    try {
      parseTopicMap((value as string[] | null) ?? []);
      return undefined;
    } catch (error) {
      return `Invalid value for configuration ${name}: ${(error as Error).message}`;
    }
  };

const authRule: ConfigRule = {
  name: 'master-key-needs-account-key',
  description: 'With the MasterKey auth type, `azure.cosmos.account.key` is required.',
  check: (config) =>
    String(config.values[keys.authType] ?? 'MasterKey') === 'MasterKey' && !config.values[keys.accountKey]
      ? {
          [keys.accountKey]: `Missing required configuration "${keys.accountKey}" for the MasterKey auth type.`,
        }
      : undefined,
};

// ------------------------------------------------------------------------------------------------ source

const source = 'Source';

function isStartFrom(value: ConfigValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^(beginning|now)$/i.test(value)) return undefined;
  return Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)
    ? `Invalid value ${value} for configuration ${keys.startFrom}: must be Beginning, Now or an ISO-8601 instant`
    : undefined;
}

export const sourceSpec: ConfigSpec = {
  keys: [
    ...commonKeys,
    {
      name: keys.sourceDatabase,
      aliases: ['connect.cosmos.databasename'],
      type: 'STRING',
      importance: 'HIGH',
      group: source,
      documentation: 'The database whose containers are read.',
    },
    {
      name: keys.includeAll,
      type: 'BOOLEAN',
      default: false,
      importance: 'HIGH',
      group: source,
      documentation:
        'Read every container of the database; containers created later are picked up within ' +
        '`azure.cosmos.source.metadata.poll.delay.ms`.',
    },
    {
      name: keys.includedList,
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      group: source,
      documentation:
        'Containers to read when `includeAll` is false. With the v1 keys, the containers of ' +
        '`connect.cosmos.containers.topicmap` are read.',
    },
    {
      name: keys.sourceTopicMap,
      aliases: ['connect.cosmos.containers.topicmap'],
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      group: source,
      documentation:
        'Which topic each container is written to, as `topic#container,…`. A container without an entry goes to ' +
        'the topic named after it.',
      validate: topicMapValidator(keys.sourceTopicMap),
    },
    {
      name: keys.startFrom,
      type: 'STRING',
      default: 'Beginning',
      importance: 'MEDIUM',
      group: source,
      documentation:
        'Where a container without a stored offset starts: `Beginning`, `Now`, or an ISO-8601 instant such as ' +
        '`2026-11-21T18:00:00Z`. A stored offset always wins, so a restart resumes where it left off. The v1 key ' +
        '`connect.cosmos.offset.useLatest=true` means `Now`.',
      validate: isStartFrom,
    },
    {
      name: keys.changeFeedMode,
      type: 'STRING',
      default: 'LatestVersion',
      importance: 'MEDIUM',
      group: source,
      documentation: 'Change feed mode.',
      enum: [
        { value: 'LatestVersion', meaning: 'the latest version of each changed item; deletes are not seen' },
        {
          value: 'AllVersionsAndDeletes',
          meaning:
            'every version and deletes (needs continuous backup on the account); not supported here yet',
        },
      ],
    },
    {
      name: keys.maxItemCountHint,
      aliases: ['connect.cosmos.task.batch.size'],
      type: 'INT',
      default: 1000,
      min: 1,
      importance: 'MEDIUM',
      group: source,
      documentation: 'Most items asked for per change feed request.',
    },
    {
      name: keys.metadataPollDelay,
      type: 'INT',
      default: 300000,
      min: 1,
      importance: 'LOW',
      group: source,
      documentation: 'How often (ms) the connector re-lists containers and feed ranges to notice new ones.',
    },
    {
      name: keys.metadataStorageType,
      type: 'STRING',
      default: 'Kafka',
      importance: 'LOW',
      group: source,
      documentation: 'Where the official connector keeps its feed-range metadata.',
      enum: [
        { value: 'Kafka', meaning: "in the worker's offsets (what this implementation always does)" },
        { value: 'Cosmos', meaning: 'in a Cosmos container; accepted, treated as Kafka here' },
      ],
    },
    {
      name: keys.metadataStorageName,
      type: 'STRING',
      default: '_cosmos.metadata.topic',
      importance: 'LOW',
      group: source,
      documentation: 'Name of the metadata topic or container; accepted for compatibility.',
    },
    {
      name: keys.messageKeyEnabled,
      aliases: ['connect.cosmos.messagekey.enabled'],
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      group: source,
      documentation: 'Give each record a key (the string value of `messageKey.field`); false = null keys.',
    },
    {
      name: keys.messageKeyField,
      aliases: ['connect.cosmos.messagekey.field'],
      type: 'STRING',
      default: 'id',
      importance: 'MEDIUM',
      group: source,
      documentation: 'The document field whose value becomes the record key.',
    },
    {
      name: keys.v1UseLatest,
      type: 'BOOLEAN',
      default: null,
      importance: 'LOW',
      group: 'v1 compatibility',
      documentation:
        'v1 key: true starts new containers at `Now`, false at `Beginning` (overrides `startFrom`).',
    },
    {
      name: keys.v1PollInterval,
      type: 'INT',
      default: 1000,
      min: 1,
      importance: 'LOW',
      group: 'v1 compatibility',
      documentation: 'Longest pause (ms) between change feed polls when nothing changed.',
    },
    {
      name: 'connect.cosmos.task.buffer.size',
      type: 'INT',
      default: 10000,
      importance: 'LOW',
      group: 'v1 compatibility',
      documentation: 'v1 key; accepted and ignored (records go straight to the worker).',
    },
    {
      name: 'connect.cosmos.task.timeout',
      type: 'INT',
      default: 5000,
      importance: 'LOW',
      group: 'v1 compatibility',
      documentation: 'v1 key; accepted and ignored.',
    },
  ],
  rules: [
    authRule,
    {
      name: 'containers-named-or-all',
      description:
        'Containers come from `includeAll`, `includedList` or (v1) the topic map; at least one must name some.',
      check: (config) =>
        config.values[keys.includeAll] !== true &&
        ((config.values[keys.includedList] as string[] | null) ?? []).length === 0 &&
        ((config.values[keys.sourceTopicMap] as string[] | null) ?? []).length === 0
          ? {
              [keys.includedList]:
                'No container to read: set azure.cosmos.source.containers.includedList or includeAll=true.',
            }
          : undefined,
    },
  ],
};

// -------------------------------------------------------------------------------------------------- sink

const sink = 'Sink';

/** The id strategies, by their short names; v1 configs give full class names, which `idStrategyName` shortens. */
export const idStrategies = [
  { value: 'ProvidedInValueStrategy', meaning: 'the `id` field of the value (or `id.strategy.jsonPath`)' },
  {
    value: 'ProvidedInKeyStrategy',
    meaning: 'the `id` field of the key, or the key itself when it is a string',
  },
  { value: 'FullKeyStrategy', meaning: 'the whole key (JSON text for a structured key)' },
  {
    value: 'TemplateStrategy',
    meaning:
      '`id.strategy.template` with `${topic}`, `${partition}`, `${offset}`, `${key}`, `${key.f}`, `${value.f}`',
  },
  { value: 'KafkaMetadataStrategy', meaning: '`<topic><delimiter><partition><delimiter><offset>`' },
] as const;

export type IdStrategy = (typeof idStrategies)[number]['value'];

/** `com.azure.cosmos.kafka.connect.sink.id.strategy.FullKeyStrategy` / `FullKey` / `FullKeyStrategy` → `FullKeyStrategy`. */
export function idStrategyName(value: string): IdStrategy | undefined {
  const short = value.trim().split('.').pop() ?? '';
  const withSuffix = /strategy$/i.test(short) ? short : `${short}Strategy`;
  return idStrategies.find((entry) => entry.value.toLowerCase() === withSuffix.toLowerCase())?.value;
}

export const writeStrategies = [
  { value: 'ItemOverwrite', meaning: 'upsert: create or replace the item' },
  { value: 'ItemAppend', meaning: 'create; an item that already exists (409) is left as it is' },
  {
    value: 'ItemDelete',
    meaning: "delete the item named by the value's id and partition key; a missing item is fine",
  },
  {
    value: 'ItemDeleteIfNotModified',
    meaning: "delete only if the item's `_etag` still matches the value's `_etag` (412/404 are skipped)",
  },
  {
    value: 'ItemOverwriteIfNotModified',
    meaning: 'replace if the `_etag` matches, create when the value has no `_etag` (412/409 are skipped)',
  },
  { value: 'ItemPatch', meaning: "patch the item's fields (see `write.patch.*`); the item must exist" },
] as const;

export type WriteStrategy = (typeof writeStrategies)[number]['value'];

export const patchOperations = [
  { value: 'Set', meaning: 'set the field to the value' },
  { value: 'Add', meaning: 'add the field (or append to an array)' },
  { value: 'Replace', meaning: 'replace an existing field' },
  { value: 'Remove', meaning: 'remove the field' },
  { value: 'Increment', meaning: 'add the (numeric) value to the field' },
  { value: 'None', meaning: 'leave the field alone' },
];

export const sinkSpec: ConfigSpec = {
  keys: [
    ...commonKeys,
    {
      name: keys.sinkDatabase,
      aliases: ['connect.cosmos.databasename'],
      type: 'STRING',
      importance: 'HIGH',
      group: sink,
      documentation: 'The database the containers live in.',
    },
    {
      name: keys.sinkTopicMap,
      aliases: ['connect.cosmos.containers.topicmap'],
      type: 'LIST',
      importance: 'HIGH',
      group: sink,
      documentation:
        'Which container each topic is written to, as `topic#container,…`. Every topic the connector reads ' +
        "needs an entry. Partition keys come from each container's definition (hierarchical keys included).",
      validate: topicMapValidator(keys.sinkTopicMap),
    },
    {
      name: keys.writeStrategy,
      type: 'STRING',
      default: 'ItemOverwrite',
      importance: 'HIGH',
      group: sink,
      documentation: 'How each record is written.',
      enum: [...writeStrategies],
    },
    {
      name: keys.idStrategy,
      aliases: ['id.strategy'],
      type: 'STRING',
      default: 'ProvidedInValueStrategy',
      importance: 'HIGH',
      group: sink,
      documentation:
        'Where the item id comes from: ' +
        idStrategies.map((entry) => `\`${entry.value}\` — ${entry.meaning}`).join('; ') +
        '. Short names and v1 class names (`com.azure.cosmos.kafka.connect.sink.id.strategy.…`) are accepted. ' +
        'The characters `/ \\ ? #`, which Cosmos DB does not allow in ids, become `_`.',
      validate: (value) =>
        typeof value === 'string' && !idStrategyName(value)
          ? `Invalid value ${value} for configuration ${keys.idStrategy}: String must be one of: ${idStrategies
              .map((entry) => entry.value)
              .join(', ')}`
          : undefined,
    },
    {
      name: keys.idTemplate,
      aliases: ['id.strategy.template'],
      type: 'STRING',
      default: '${topic}-${key}',
      importance: 'LOW',
      group: sink,
      documentation: 'The template of TemplateStrategy.',
    },
    {
      name: keys.idJsonPath,
      aliases: ['id.strategy.jsonPath'],
      type: 'STRING',
      default: '$.id',
      importance: 'LOW',
      group: sink,
      documentation:
        'Path of the id field for ProvidedInValueStrategy / ProvidedInKeyStrategy (`$.a.b` form).',
      validate: (value) =>
        typeof value === 'string' && !/^\$(\.[^.\s]+)+$/.test(value)
          ? `Invalid value ${value} for configuration ${keys.idJsonPath}: expected a path like $.id`
          : undefined,
    },
    {
      name: keys.idDelimiter,
      aliases: ['id.strategy.delimiter'],
      type: 'STRING',
      default: '-',
      importance: 'LOW',
      group: sink,
      documentation: 'The delimiter of KafkaMetadataStrategy.',
    },
    {
      name: keys.bulkEnabled,
      aliases: ['connect.cosmos.sink.bulk.enabled'],
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      group: sink,
      documentation:
        'Write each batch with the bulk API (`executeBulkOperations`); false writes item by item, in order.',
    },
    {
      name: keys.maxRetryCount,
      aliases: ['connect.cosmos.sink.maxRetryCount'],
      type: 'INT',
      default: 10,
      min: 0,
      importance: 'MEDIUM',
      group: sink,
      documentation:
        'How often a write failing with a transient status (408, 410, 429, 449, 503, or no answer) is retried, ' +
        'with exponential backoff, before the task fails.',
    },
    {
      name: keys.toleranceLevel,
      type: 'STRING',
      default: 'None',
      importance: 'MEDIUM',
      group: sink,
      documentation:
        "What a record Cosmos DB rejects for good (400, 413, missing id, not an object) does. The framework's " +
        '`errors.tolerance=all` has the same effect as `All`.',
      enum: [
        { value: 'None', meaning: "the task fails with the record's error" },
        {
          value: 'All',
          meaning: 'the record goes to the dead letter queue (with context headers) and the task goes on',
        },
      ],
    },
    {
      name: keys.patchDefaultOp,
      type: 'STRING',
      default: 'Set',
      importance: 'LOW',
      group: sink,
      documentation: 'ItemPatch: the operation applied to each top-level field of the value.',
      enum: patchOperations,
    },
    {
      name: keys.patchPropertyConfigs,
      type: 'STRING',
      default: '',
      importance: 'LOW',
      group: sink,
      documentation:
        'ItemPatch: per-field overrides, e.g. `property(stock).op(Increment),property(note).op(Remove)`.',
      validate: (value) =>
        typeof value === 'string' &&
        value.trim() !== '' &&
        !patchConfigPattern.test(value.replace(/\s+/g, ''))
          ? `Invalid value ${value} for configuration ${keys.patchPropertyConfigs}: expected property(name).op(Op),…`
          : undefined,
    },
    {
      name: keys.patchFilter,
      type: 'STRING',
      default: '',
      importance: 'LOW',
      group: sink,
      documentation: 'ItemPatch: a condition (`FROM c WHERE …`); the patch applies only when it holds.',
    },
    {
      name: keys.tombstoneDelete,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      group: 'Extensions (not in the official connector)',
      documentation:
        '**Our extension.** A record with a null value (a tombstone) deletes the item whose id is the record key ' +
        '(looked up across partitions). The official sink has no tombstone handling; with false, tombstones are ' +
        'skipped, as there.',
    },
  ],
  rules: [authRule],
};

export const patchConfigPattern = /^(property\([^()]+\)\.op\([A-Za-z]+\)(\.path\([^()]+\))?,?)+$/;

/** Reads a typed value, undoing the v1 quirks the spec cannot express. */
export function stringValue(config: ParsedConfig, name: string): string {
  return String(config.values[name] ?? '');
}
