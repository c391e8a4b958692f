import { isDeepStrictEqual } from 'node:util';
import type { ConnectorView } from '../../verify/connect-state.ts';
import type { Mismatch } from '../../verify/diff.ts';
import { failureLine } from '../../verify/task-failure.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import { latestByKey, type ChangeEvent } from './data.ts';

/**
 * Challenge 08's check graph: Kafka, OpenSearch and the worker reachable → the file source and the OpenSearch
 * sink running → every line of the replay file on `cdc-events` → the index `cdc`: one document per live entity
 * (id = its key), its content the latest `after.value` by `ts_ms`, deleted entities gone, and misspelt names
 * found by fuzzy search. Expectations are recomputed from the topic, never from the generator's memory.
 */
export const TOPIC = 'cdc-events';
export const INDEX = 'cdc';
export const TOP_HITS = 5;
const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const KEY_FROM_AFTER =
  'ValueToKey on after, then ExtractField$Key with field after.key and field.syntax.version=V2';

/**
 * The index a pipeline writes, and its sink: our OpenSearch sink into OpenSearch, or our Azure AI Search sink into
 * Azure AI Search. The checks are the same; what differs is named here — check ids, the sink's class, what a
 * record's Kafka coordinates look like as a document id, and the config keys a verdict names as the fix.
 */
export interface IndexTarget {
  id: 'opensearch' | 'search';
  service: string;
  sinkClass: string;
  dlq: string;
  /** Document ids that are a record's Kafka coordinates: every change appended as a new document. */
  coordinates: RegExp;
  fix: {
    coordinates: (cdc: boolean) => string;
    generatedIds: string;
    version: string;
    fuzzyFields: (cdc: boolean) => string;
  };
}

export const TARGETS: Record<IndexTarget['id'], IndexTarget> = {
  opensearch: {
    id: 'opensearch',
    service: 'OpenSearch',
    sinkClass: 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector',
    dlq: 'dlq-opensearch-sink',
    coordinates: /\+\d+\+\d+$/,
    fix: {
      coordinates: (cdc) =>
        `Set key.ignore=false and make the record key the entity key (${cdc ? "Debezium's key {key}: ExtractField$Key with field key" : 'after.key'}).`,
      generatedIds: `OpenSearch generated them, so every change is a new document. The id must be the record key, extracted from after.key (${KEY_FROM_AFTER}).`,
      version:
        'Version the writes by the event time (document.version.field=ts_ms: external versioning), so an older change never wins.',
      fuzzyFields: (cdc) =>
        cdc ? 'name, hostname and username' : 'object.name, object.hostname and object.username',
    },
  },
  search: {
    id: 'search',
    service: 'Azure AI Search',
    sinkClass: 'io.confluent.connect.azure.search.AzureSearchSinkConnector',
    dlq: 'dlq-search-sink',
    coordinates: /-\d+-\d+$/,
    fix: {
      coordinates: () =>
        `Set key.mode=KEY and make the record key the entity key (after.key: ${KEY_FROM_AFTER}), encoded as a valid document key (key.encoding=BASE64URL).`,
      generatedIds: `The document key must be the entity key, extracted from after.key (${KEY_FROM_AFTER}) and encoded with key.encoding=BASE64URL.`,
      version:
        "Azure AI Search has no external versions: turn on the sink's version-aware writes (document.version.field=ts_ms; the index keeps each document's version in document_version), so an older change never wins.",
      fuzzyFields: () => 'object/name, object/hostname and object/username',
    },
  },
};

const targetOf = (state: CdcState): IndexTarget => TARGETS[state.target ?? 'opensearch'];

export interface FuzzyProbe {
  key: string;
  name: string;
  query: string;
  /** Ids of the top hits, best first; undefined when the query failed (error set). */
  hits?: string[];
  error?: string;
}

export interface CdcState {
  kafkaError?: string;
  /** The index's service (OpenSearch, Azure AI Search) unreachable or not configured. */
  indexServiceError?: string;
  /** Which index the pipeline writes; default OpenSearch. */
  target?: IndexTarget['id'];
  connectError?: string;
  /** Way (a): Apache Kafka Connect, which runs Debezium, unreachable. */
  apacheConnectError?: string;
  connectors: ConnectorView[];
  /** Which way in: (b) `file` — the JSONL replay; (a) `cdc` — PostgreSQL captured by Debezium. Default file. */
  way?: 'file' | 'cdc';
  /** Way (a): the entity keys in PostgreSQL's konnect tables now, when the database can be read. */
  sourceKeys?: Set<string>;
  /** Way (a): why PostgreSQL could not be read (then the topic check counts the topic alone). */
  sourceError?: string;
  /** The change events on `cdc-events`, in offset order per partition. */
  events: ChangeEvent[];
  /** Records on the topic that are not change events (not JSON, no `after.key`). */
  unreadable: number;
  /** Lines of the replay file when this machine can read it. */
  fileLines?: number;
  index: { exists: boolean; documents: Map<string, Record<string, unknown>> };
  /** The sink's dead letter queue: each record's key and exception message. */
  dlq: Array<{ key: string | null; message: string }>;
  fuzzy: FuzzyProbe[];
}

const short = (items: string[], count = 3): string =>
  items.slice(0, count).join(', ') + (items.length > count ? ` … (${items.length} in all)` : '');

/** The expected index: live keys with their latest event, and the keys whose latest event is a delete. */
export function expectedIndex(events: ChangeEvent[]): {
  live: Map<string, ChangeEvent>;
  deleted: Set<string>;
} {
  const live = new Map<string, ChangeEvent>();
  const deleted = new Set<string>();
  for (const [key, event] of latestByKey(events)) {
    if (event.op === 'd' || event.after.value === null) deleted.add(key);
    else live.set(key, event);
  }
  return { live, deleted };
}

function serviceNode(
  id: string,
  title: string,
  error: (state: CdcState) => string | undefined,
): CheckNode<CdcState> {
  return {
    id,
    title,
    evaluate: (state) => {
      const problem = error(state);
      return problem ? failed(problem, { final: true }) : passed();
    },
  };
}

function connectorNode(
  id: string,
  title: string,
  className: string,
  dependsOn: string[],
): CheckNode<CdcState> {
  return {
    id,
    title,
    dependsOn,
    evaluate: (state) => {
      const connector = state.connectors.find((item) => item.config['connector.class'] === className);
      if (!connector)
        return failed(
          `No connector of class ${className} is deployed: apply yours from connectors/ (\`npx hack connectors apply\`).`,
          { final: true },
        );
      if (connector.state === 'FAILED')
        return failed(failureLine(`Connector ${connector.name}`, connector.trace, connector.config), {
          final: true,
        });
      const failedTask = connector.tasks.find((task) => task.state === 'FAILED');
      if (failedTask)
        return failed(
          failureLine(`${connector.name} task ${failedTask.id}`, failedTask.trace, connector.config),
          { final: true },
        );
      if (connector.state !== 'RUNNING' || connector.tasks.length === 0)
        return failed(`${connector.name} is ${connector.state} with ${connector.tasks.length} task(s).`, {
          final: connector.state === 'PAUSED' || connector.state === 'STOPPED',
        });
      return passed([`${connector.name} RUNNING, ${connector.tasks.length} task(s)`]);
    },
  };
}

export function checkTopic(state: CdcState): NodeVerdict {
  const expected = state.fileLines ?? Math.max(1, state.events.length);
  const verdict: NodeVerdict = {
    ...(state.events.length >= expected && state.unreadable === 0 ? passed() : failed('')),
    expected,
    found: state.events.length,
  };
  if (verdict.passed) return verdict;
  verdict.hint =
    state.unreadable > 0
      ? `${state.unreadable} record(s) on ${TOPIC} are not change events (JSON with after.key): the file source must write each line as it is (value.converter StringConverter).`
      : `${state.events.length} of ${expected} change events of the replay file are on ${TOPIC}: is the file source reading the file the harness wrote (file = \${env:HACK_HOME}/data/challenge-08/cdc-events.jsonl) into topic ${TOPIC}?`;
  return verdict;
}

const dlqMentions = (state: CdcState, pattern: RegExp): number =>
  state.dlq.filter((record) => pattern.test(record.message)).length;

export function checkOnePerEntity(state: CdcState): NodeVerdict {
  const { live, deleted } = expectedIndex(state.events);
  const ids = [...state.index.documents.keys()];
  const missing = [...live.keys()].filter((key) => !state.index.documents.has(key));
  // Deleted entities still indexed are the deletes check's finding, not extra documents here.
  const extra = ids.filter((id) => !live.has(id) && !deleted.has(id));
  const verdict: NodeVerdict = {
    passed: live.size > 0 && missing.length === 0 && extra.length === 0,
    expected: live.size,
    found: ids.filter((id) => live.has(id)).length,
    missing: missing.slice(0, 20),
    missingCount: missing.length,
    mismatched: [],
    extra: extra.slice(0, 20),
    details: [`${ids.length} documents in ${INDEX} for ${live.size} live entities`],
  };
  if (verdict.passed) return verdict;
  const target = targetOf(state);
  const offsetIds = extra.filter((id) => target.coordinates.test(id));
  const invalidKeys = dlqMentions(state, /Invalid document key/i);
  const cdc = state.way === 'cdc';
  if (live.size === 0) verdict.hint = `No change event on ${TOPIC} yet: nothing to index.`;
  else if (!state.index.exists)
    verdict.hint =
      target.id === 'search'
        ? `The index ${INDEX} does not exist in ${target.service}: create it with the challenge's fields (the run does) and write to it (index.name=${INDEX}).`
        : `The index ${INDEX} does not exist: route the sink's topic to it (a RegexRouter from ${TOPIC} to ${INDEX}).`;
  else if (offsetIds.length > 0)
    verdict.hint = `Documents are keyed by Kafka coordinates (${short(offsetIds, 2)}): every update appends a document instead of upserting its entity. ${target.fix.coordinates(cdc)}`;
  else if (invalidKeys > 0)
    verdict.hint = `${invalidKeys} records were refused for their document key: ${target.service} keys allow only letters, digits, _, - and =, and entity keys have slashes (c/…/o/…). Encode them with key.encoding=BASE64URL (the checks decode document keys).`;
  else if (cdc && ids.length > 0 && extra.length > 0 && missing.length > 0)
    verdict.hint = `Document ids are not entity keys (${short(extra, 2)}): every change is a new document. The id must be the record key — Debezium's key is {"key": …}, so ExtractField$Key with field key on the sink, and key.ignore=false.`;
  else if (ids.length > 0 && extra.length > 0 && missing.length > 0)
    verdict.hint = `Document ids are not entity keys (${short(extra, 2)}): ${target.fix.generatedIds}`;
  else if (dlqMentions(state, /Key is used as document id|no key/i) > 0)
    verdict.hint = `${dlqMentions(state, /Key is used as document id|no key/i)} records went to the dead letter queue without a key: the file source writes none, so the sink must take it from the nested after.key (${KEY_FROM_AFTER}).`;
  else if (extra.length > 0)
    verdict.hint = `${extra.length} documents that are no entity of ${TOPIC}: ${short(extra)}.`;
  else
    verdict.hint = `${missing.length} live entities are not indexed yet: ${short(missing)}${state.dlq.length ? `; the dead letter queue holds ${state.dlq.length} record(s), e.g. "${state.dlq[0]!.message}"` : ''}.`;
  return verdict;
}

export function checkLatestContent(state: CdcState): NodeVerdict {
  const { live } = expectedIndex(state.events);
  const mismatched: Mismatch[] = [];
  let stale = 0;
  let envelopes = 0;
  let first: string | undefined;
  // An entity with no document under its key is latest-once's finding; it is no evidence of the right content.
  const absent: string[] = [];
  for (const [key, event] of live) {
    const document = state.index.documents.get(key);
    if (!document) {
      absent.push(key);
      continue;
    }
    if (isDeepStrictEqual(document, event.after.value)) continue;
    if ('after' in document && 'ts_ms' in document) envelopes++;
    else if (
      state.events.some(
        (older) =>
          older.after.key === key &&
          older.ts_ms < event.ts_ms &&
          isDeepStrictEqual(document, older.after.value),
      )
    )
      stale++;
    const fields = Object.keys(event.after.value!.object).filter(
      (field) =>
        !isDeepStrictEqual(
          (document.object as Record<string, unknown> | undefined)?.[field],
          event.after.value!.object[field],
        ),
    );
    mismatched.push({
      id: key,
      fields: fields.length ? fields.map((field) => `object.${field}`) : ['(document)'],
    });
    first ??= key;
  }
  const verdict: NodeVerdict = {
    // Nothing to compare is no pass: with an unreadable topic or service, this says "blocked by" its cause.
    passed: live.size > 0 && mismatched.length === 0 && absent.length === 0,
    expected: live.size,
    found: live.size - mismatched.length - absent.length,
    missing: absent.slice(0, 20),
    missingCount: absent.length,
    mismatched: mismatched.slice(0, 20),
    extra: [],
    details: [],
  };
  if (verdict.passed) return verdict;
  if (live.size === 0) verdict.hint = `No live entity on ${TOPIC} to compare.`;
  else if (envelopes > 0)
    verdict.hint = `${envelopes} documents are whole change events, not entities: the document is after.value (document.field=after.value).`;
  else if (stale > 0)
    verdict.hint =
      state.way === 'cdc'
        ? `${stale} entities show an older version than their latest change (e.g. ${first}): an older change read after a newer one (another partition, a backfill) overwrote it. Version the writes by the change's position in the WAL (document.version.field=__source_lsn, from the unwrap's add.fields source.lsn: external versioning).`
        : `${stale} entities show an older version than their latest change (e.g. ${first}): a late replayed event overwrote a newer one. ${targetOf(state).fix.version}`;
  else if (mismatched.length > 0)
    verdict.hint = `${mismatched.length} documents differ from their entity's latest after.value, e.g. ${first}.`;
  else verdict.hint = `${absent.length} live entities have no document under their key (e.g. ${absent[0]}).`;
  return verdict;
}

export function checkDeletes(state: CdcState): NodeVerdict {
  const { live, deleted } = expectedIndex(state.events);
  const present = [...deleted].filter((key) => state.index.documents.has(key));
  // A deleted entity's absence proves something only in an index keyed by entity: keyed by Kafka coordinates,
  // every key is "absent" while each old version stays.
  const keyedByEntity = [...live.keys()].some((key) => state.index.documents.has(key));
  const verdict: NodeVerdict = {
    ...(state.events.length > 0 && keyedByEntity && present.length === 0 ? passed() : failed('')),
    expected: deleted.size,
    found: deleted.size - present.length,
    extra: present.slice(0, 20),
    details: [`${deleted.size} entities deleted on ${TOPIC}`],
  };
  if (!verdict.passed)
    verdict.hint =
      state.events.length === 0
        ? `No change event on ${TOPIC} yet.`
        : !keyedByEntity
          ? `No document in ${INDEX} is keyed by an entity's key, so whether deleted entities are gone cannot be told.`
          : state.way === 'cdc'
            ? `${present.length} of ${deleted.size} deleted entities are still in ${INDEX} (e.g. ${present[0]}): deletes are ignored. A row with __op "d" must delete its document (document.delete.op.field=__op).`
            : `${present.length} of ${deleted.size} deleted entities are still in ${INDEX} (e.g. ${present[0]}): deletes are ignored. A change with op "d" must delete its document (document.delete.op.field=op).`;
  return verdict;
}

export function checkFuzzy(state: CdcState): NodeVerdict {
  const misses = state.fuzzy.filter((probe) => !probe.hits?.includes(probe.key));
  const verdict: NodeVerdict = {
    ...(state.fuzzy.length > 0 && misses.length === 0 ? passed() : failed('')),
    expected: state.fuzzy.length,
    found: state.fuzzy.length - misses.length,
    missing: misses.map((probe) => probe.key).slice(0, 20),
    missingCount: misses.length,
    details: state.fuzzy.map(
      (probe) =>
        `"${probe.query}" → ${probe.hits?.includes(probe.key) ? `found ${probe.name}` : `missed ${probe.name}`}`,
    ),
  };
  if (verdict.passed) return verdict;
  const miss = misses[0];
  verdict.hint = !miss
    ? 'No entity with a name to search for.'
    : miss.error
      ? `The fuzzy query "${miss.query}" failed: ${miss.error}`
      : `The misspelt "${miss.query}" did not find ${miss.name} (${miss.key}) in the top ${TOP_HITS} (found ${miss.hits?.length ? short(miss.hits, 2) : 'nothing'}): are ${targetOf(state).fix.fuzzyFields(state.way === 'cdc')} indexed as analyzed text?`;
  return verdict;
}

const node = (
  id: string,
  title: string,
  dependsOn: string[],
  evaluate: (state: CdcState) => NodeVerdict,
): CheckNode<CdcState> => ({ id, title, dependsOn, evaluate });

/** Way (b)'s graph into one index service: the same checks whichever it is, its service and sink named. */
export function fileWayChecks(target: IndexTarget): Array<CheckNode<CdcState>> {
  return [
    serviceNode('service:kafka', 'Kafka reachable', (state) => state.kafkaError),
    serviceNode(`service:${target.id}`, `${target.service} reachable`, (state) => state.indexServiceError),
    serviceNode('service:connect', 'Kafka Connect reachable', (state) => state.connectError),
    connectorNode('connector:file-source', 'File source replaying the change events', FILE_SOURCE, [
      'service:connect',
      'service:kafka',
    ]),
    sinkNode(target),
    node('cdc-events', `Every change event of the file on ${TOPIC}`, ['connector:file-source'], checkTopic),
    ...indexChecks(target),
  ];
}

const sinkNode = (target: IndexTarget): CheckNode<CdcState> =>
  connectorNode(`connector:${target.id}-sink`, `${target.service} sink running`, target.sinkClass, [
    'service:connect',
    `service:${target.id}`,
  ]);

/** The index checks, after the topic check and the sink. */
const indexChecks = (target: IndexTarget): Array<CheckNode<CdcState>> => [
  node(
    'latest-once',
    `Every live entity in ${INDEX} exactly once, keyed by its key`,
    ['cdc-events', `connector:${target.id}-sink`],
    checkOnePerEntity,
  ),
  node('latest-content', 'Each document is its entity’s latest version', ['latest-once'], checkLatestContent),
  node('deletes', 'Deleted entities are gone from the index', ['latest-once'], checkDeletes),
  node(
    'fuzzy-search',
    `Misspelt names find their entity in the top ${TOP_HITS}`,
    ['latest-once', 'latest-content'],
    checkFuzzy,
  ),
];

/** Way (b) into OpenSearch (`hack challenge 08`). */
export const cdcChecks = fileWayChecks(TARGETS.opensearch);
/** Way (b) into Azure AI Search (`hack challenge 08-search`). */
export const searchChecks = fileWayChecks(TARGETS.search);

/**
 * Way (a)'s topic check: the rows Debezium unwrapped onto `cdc-events` (`key`, `__op`, `__table`, `__source_lsn`)
 * agree with PostgreSQL — every entity in the konnect tables is live on the topic and every entity live on the
 * topic is still in the tables (a delete that never reached the topic would otherwise pass every index check).
 */
export function checkCdcTopic(state: CdcState): NodeVerdict {
  const { live } = expectedIndex(state.events);
  const source = state.sourceKeys;
  const missing = source ? [...source].filter((key) => !live.has(key)) : [];
  const undeleted = source ? [...live.keys()].filter((key) => !source.has(key)) : [];
  const expected = source?.size ?? Math.max(1, live.size);
  const ok =
    state.unreadable === 0 && state.events.length > 0 && missing.length === 0 && undeleted.length === 0;
  const verdict: NodeVerdict = {
    ...(ok ? passed() : failed('')),
    expected,
    found: live.size - undeleted.length,
    missing: missing.slice(0, 20),
    missingCount: missing.length,
    extra: undeleted.slice(0, 20),
    details: [
      `${state.events.length} changes on ${TOPIC}${source ? ` for ${source.size} entities in PostgreSQL` : ''}`,
      ...(state.sourceError ? [state.sourceError] : []),
    ],
  };
  if (ok) return verdict;
  if (state.unreadable > 0)
    verdict.hint = `${state.unreadable} record(s) on ${TOPIC} are not unwrapped rows with key, __op, __table and __source_lsn: unwrap Debezium's envelope on the source (io.debezium.transforms.ExtractNewRecordState with add.fields=op,table,source.lsn) and write JSON without schemas.`;
  else if (state.events.length === 0)
    verdict.hint = `Nothing on ${TOPIC}: Debezium writes one topic per table (konnect.konnect.<table>); route them all to ${TOPIC} (RegexRouter on the source) and unwrap the envelope (ExtractNewRecordState with add.fields=op,table,source.lsn).`;
  else if (undeleted.length > 0)
    verdict.hint = `${undeleted.length} entities deleted in PostgreSQL are still live on ${TOPIC} (e.g. ${undeleted[0]}): the unwrap drops deletes by default. Keep them as rows with __op "d" (delete.tombstone.handling.mode=rewrite).`;
  else
    verdict.hint = `${missing.length} entities of PostgreSQL are not on ${TOPIC} yet (e.g. ${missing[0]}): is the Debezium source capturing the konnect schema (schema.include.list=konnect)?`;
  return verdict;
}

const DEBEZIUM_POSTGRES = 'io.debezium.connector.postgresql.PostgresConnector';

/** Way (a)'s graph: the same index checks, Debezium's PostgreSQL source on Apache Kafka Connect instead of the file. */
export const cdcWayChecks: Array<CheckNode<CdcState>> = [
  serviceNode('service:kafka', 'Kafka reachable', (state) => state.kafkaError),
  serviceNode('service:opensearch', 'OpenSearch reachable', (state) => state.indexServiceError),
  serviceNode('service:connect', 'Kafka Connect reachable', (state) => state.connectError),
  serviceNode(
    'service:apache-connect',
    'Apache Kafka Connect (Debezium) reachable',
    (state) => state.apacheConnectError,
  ),
  connectorNode(
    'connector:postgres-source',
    'Debezium capturing PostgreSQL’s konnect tables',
    DEBEZIUM_POSTGRES,
    ['service:apache-connect', 'service:kafka'],
  ),
  sinkNode(TARGETS.opensearch),
  node(
    'cdc-events',
    `Every entity of PostgreSQL as it is now on ${TOPIC}`,
    ['connector:postgres-source'],
    checkCdcTopic,
  ),
  ...indexChecks(TARGETS.opensearch),
];
