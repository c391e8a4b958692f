import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRequired, type ConfigKey, type ConfigSpec } from '../../connectors/runtime/api/config.ts';
import { azureSearchSinkPlugin } from '../../connectors/azure-search/index.ts';
import { searchSinkSpec } from '../../connectors/azure-search/spec.ts';
import { cosmosSinkPlugin, cosmosSourcePlugin } from '../../connectors/cosmos/index.ts';
import { openSearchSinkPlugin, openSearchSinkSpec } from '../../connectors/opensearch/index.ts';
import { sinkSpec, sourceSpec } from '../../connectors/cosmos/spec.ts';

/**
 * Connector reference docs, generated from the config specs (the specs are the truth; the docs follow).
 * `npm run docs:connectors` rewrites them; `generate.test.ts` fails when the committed files drift.
 */
export interface ConnectorDoc {
  file: string;
  title: string;
  className: string;
  aliases: string[];
  intro: string;
  spec: ConfigSpec;
  notes: string[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export const connectorDocs: ConnectorDoc[] = [
  {
    file: 'docs/connectors/cosmos-source.md',
    title: 'Azure Cosmos DB source connector',
    className: cosmosSourcePlugin.className,
    aliases: cosmosSourcePlugin.aliases ?? [],
    intro:
      'Streams the change feed of Cosmos DB containers into Kafka: one record per change, key = the string value ' +
      'of `messageKey.field` (default `id`), value = the whole document with its system properties (`_rid`, ' +
      '`_etag`, `_ts`, `_lsn`, …), as schemaless data, so `JsonConverter` with `schemas.enable=false` writes the ' +
      'document JSON unchanged. The official v2 keys are accepted, and the v1 `connect.cosmos.*` keys as aliases.',
    spec: sourceSpec,
    notes: [
      'Offsets: source partition `{database, containerRid, feedRange}`, offset `{continuationState, itemLsn}`, ' +
        'stored by the worker. A restarted task resumes from the stored continuation; only the last record of a ' +
        'change-feed page carries the continuation after the page, so a restart replays at most one page ' +
        '(`changeFeed.maxItemCountHint` items) and never skips a change.',
      '`tasks.max` spreads (container, feed range) pairs round-robin over the tasks.',
      'Containers named in `includedList` that do not exist yet are skipped until they appear; with ' +
        '`includeAll`, new containers are picked up at the next metadata check (`metadata.poll.delay.ms`) by a ' +
        'task reconfiguration.',
      'Latest-version mode only: deletes do not appear in the change feed (as on Azure).',
    ],
  },
  {
    file: 'docs/connectors/cosmos-sink.md',
    title: 'Azure Cosmos DB sink connector',
    className: cosmosSinkPlugin.className,
    aliases: cosmosSinkPlugin.aliases ?? [],
    intro:
      'Writes Kafka records into Cosmos DB containers, one container per topic. Values must be JSON objects ' +
      '(schemaless maps or structs); integers, decimals, dates and bytes are written as JSON numbers, numbers or ' +
      'strings, ISO-8601 strings and base64. The official v2 keys are accepted, and the v1 `connect.cosmos.*` keys ' +
      'and `id.strategy` class names as aliases.',
    spec: sinkSpec,
    notes: [
      "Partition keys come from each container's definition (`container.read()`), hierarchical keys included; " +
        'a document without the key path is stored under the "none" partition key, as Cosmos DB does.',
      'Bulk writes keep record order per item: a second write of the same item in one batch waits for the first.',
      'Retries: 408, 410, 429, 449, 503 and connection failures are retried with exponential backoff up to ' +
        '`maxRetryCount`.',
      'Bad records (no id, not an object, an object or array as partition key value, over 2 MB, anything Cosmos ' +
        "DB rejects with 4xx) go to the worker's dead letter queue with the `__connect.errors.*` headers when " +
        "`errors.tolerance.level=All` or the framework's `errors.tolerance=all`; otherwise the task fails naming " +
        'the record. The DLQ itself needs `errors.deadletterqueue.topic.name` (and `errors.tolerance=all`) on the ' +
        'connector.',
      'Tombstones: skipped, unless our extension `azure.cosmos.sink.tombstone.delete.enabled=true`, which deletes ' +
        'the item named by the record key (looked up across partitions when the partition key is not `/id`).',
    ],
  },
  {
    file: 'docs/connectors/azure-search-sink.md',
    title: 'Azure AI Search sink connector',
    className: azureSearchSinkPlugin.className,
    aliases: azureSearchSinkPlugin.aliases ?? [],
    intro:
      "Writes Kafka records as documents into Azure AI Search indexes, with the keys of Confluent's Azure " +
      "Cognitive Search sink. The connector reads the index's key field and injects the record key into it, so a " +
      'value without that field still lands under the key.',
    spec: searchSinkSpec,
    notes: [
      'Batches keep record order: at most `max.batch.size` documents, one index per batch, and a key seen twice ' +
        'starts a new batch so that the later write wins.',
      'A 207 answer is read per document: 422 and 503 are retried (so are 429/503 answers and connection failures ' +
        'for the whole request) until `max.retry.ms`; other failures go to the error topic and the dead letter ' +
        "queue (`behavior.on.error` LOG or IGNORE, or the framework's `errors.tolerance=all`), or fail the task " +
        '(FAIL). A whole request refused with 4xx is retried document by document to find the culprits.',
      'Document keys may contain only letters, digits, `_`, `-` and `=`. Other keys are sent as they are; Azure ' +
        'answers 400 for them and the record is treated as failed (above). Encode such keys with ' +
        '`key.encoding=BASE64URL` (our extension) or a transform.',
      'Tombstones delete the document of their key when `delete.enabled=true`, and are skipped otherwise.',
      '**Our extensions for change events** (the official connector has none of them; all off by default): ' +
        '`document.field` (the document inside the value), `document.delete.op.field` (`d` there deletes) and ' +
        '`document.version.field` — version-aware writes. Azure AI Search has no external versions and no ' +
        'conditional writes on documents, so the sink stores each version in the index (`document_version`), ' +
        'reads the stored versions of a batch before writing, and remembers what it wrote or deleted (Azure ' +
        'search is near-real-time); a write or delete that is not newer is dropped silently, as OpenSearch ' +
        'ignores a version conflict. Sound while one task writes a key (a key on one partition, or `tasks.max=1`); ' +
        'a delete is remembered by the task only, so an older change of a deleted entity read after a restart ' +
        'brings it back until its delete comes again. Used by [challenge 08-search](../../challenges/08-cdc-search/README.md#azure-ai-search-instead-of-opensearch).',
    ],
  },
  {
    file: 'docs/connectors/opensearch-sink.md',
    title: 'OpenSearch sink connector',
    className: openSearchSinkPlugin.className,
    aliases: openSearchSinkPlugin.aliases ?? [],
    intro:
      "Writes Kafka records as documents into OpenSearch indexes (index = the record's topic; rename with " +
      "RegexRouter), with the keys of Aiven's OpenSearch sink, plus three extensions for change-event streams: " +
      'the document taken from a field of the value, an external version from another, and deletes on an ' +
      'operation field. Runs on our worker; no open-source OpenSearch sink is served here for Apache Kafka Connect.',
    spec: openSearchSinkSpec,
    notes: [
      'Document id = the record key (`key.ignore=false`): one document per entity, upserted by every change. ' +
        '`key.ignore=true` with `topic.partition.offset` makes every record a new document: an event log, not an ' +
        'entity index.',
      'Each `put` is sent as `_bulk` requests of `batch.size` operations in record order; OpenSearch applies one ' +
        "shard's operations in request order, so the later change of a key wins within a batch.",
      'With `document.version.field` every index and delete carries `version_type=external`: OpenSearch refuses ' +
        'a change whose version is not greater than the one it holds (409), so a late or replayed older event never ' +
        'overwrites a newer one, and redelivered records after a restart are harmless. Deletes keep their version ' +
        "for OpenSearch's `index.gc_deletes` (60 s by default), so an older write arriving within that time stays " +
        'refused too.',
      'Items answered 429 or 503, and requests without an answer or with 429/5xx, are retried `max.retries` times ' +
        'with exponential backoff from `retry.backoff.ms`; a request that still fails fails the task.',
      'Bad records — no key while the key is the id, a value that is not an object, no document or version at the ' +
        'configured paths, or a document OpenSearch rejects (mapping conflict, 400) — go to the dead letter queue ' +
        'with the `__connect.errors.*` headers when `behavior.on.malformed.documents` is `warn` or `ignore`, or the ' +
        "framework's `errors.tolerance=all` is set; otherwise the task fails naming the record.",
    ],
  },
];

function defaultText(key: ConfigKey): string {
  if (isRequired(key)) return 'required';
  if (key.type === 'PASSWORD') return 'none';
  if (key.default === null) return 'none';
  if (Array.isArray(key.default)) return key.default.length ? `\`${key.default.join(',')}\`` : '""';
  return key.default === '' ? '""' : `\`${String(key.default)}\``;
}

function renderKey(key: ConfigKey): string {
  const lines = [`### \`${key.name}\``, '', key.documentation, ''];
  lines.push(`- Type: ${key.type.toLowerCase()}${key.type === 'PASSWORD' ? ' (secret: never printed)' : ''}`);
  lines.push(`- Default: ${defaultText(key)}`);
  if (key.min !== undefined || key.max !== undefined) {
    lines.push(`- Valid values: ${key.min ?? '…'} to ${key.max ?? '…'}`);
  }
  lines.push(`- Importance: ${key.importance.toLowerCase()}`);
  if (key.aliases?.length)
    lines.push(`- Also accepted as: ${key.aliases.map((alias) => `\`${alias}\``).join(', ')}`);
  if (key.enum?.length) {
    lines.push('', '| Value | Meaning |', '|---|---|');
    for (const entry of key.enum) lines.push(`| \`${entry.value}\` | ${entry.meaning} |`);
  }
  return lines.join('\n');
}

export function renderConnectorDoc(doc: ConnectorDoc): string {
  const groups = new Map<string, ConfigKey[]>();
  for (const key of doc.spec.keys) {
    const group = key.group ?? 'Other';
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const parts = [
    `<!-- Generated from the config spec by \`npm run docs:connectors\`; edit the spec, not this file. -->`,
    `# ${doc.title}`,
    '',
    `\`connector.class\`: \`${doc.className}\`${doc.aliases.length ? ` (also ${doc.aliases.map((alias) => `\`${alias}\``).join(', ')})` : ''}`,
    '',
    doc.intro,
    '',
    '## Behaviour',
    '',
    ...doc.notes.map((note) => `- ${note}`),
  ];
  for (const [group, keys] of groups) {
    parts.push('', `## ${group}`, '', keys.map(renderKey).join('\n\n'));
  }
  if (doc.spec.rules?.length) {
    parts.push('', '## Rules across keys', '');
    for (const rule of doc.spec.rules) parts.push(`- \`${rule.name}\`: ${rule.description}`);
  }
  return `${parts.join('\n')}\n`;
}

/** Every generated file: the per-connector docs and each family's README (its connectors' docs together). */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const doc of connectorDocs) files.set(doc.file, renderConnectorDoc(doc));
  const family = (names: string[]) =>
    names.map((name) => files.get(`docs/connectors/${name}.md`)!.replace(/^<!--.*-->\n/, '')).join('\n');
  const banner =
    '<!-- Generated from the config specs by `npm run docs:connectors`; edit the specs, not this file. -->\n';
  files.set('connectors/cosmos/README.md', banner + family(['cosmos-source', 'cosmos-sink']));
  files.set('connectors/azure-search/README.md', banner + family(['azure-search-sink']));
  files.set('connectors/opensearch/README.md', banner + family(['opensearch-sink']));
  return files;
}

export function driftedFiles(): string[] {
  const drifted: string[] = [];
  for (const [file, content] of generatedFiles()) {
    let current = '';
    try {
      current = readFileSync(join(root, file), 'utf8');
    } catch {
      // missing counts as drifted
    }
    if (current !== content) drifted.push(file);
  }
  return drifted;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, content] of generatedFiles()) {
    writeFileSync(join(root, file), content);
    process.stdout.write(`wrote ${file}\n`);
  }
}
