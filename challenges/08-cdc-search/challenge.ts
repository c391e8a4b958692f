import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectClient, connectorPath } from '../../connectors/runtime/connect-client.ts';
import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import { style } from '../../infra/console/style.ts';
import { errorMessage, HackError } from '../../infra/errors.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { openSearchClient } from '../../infra/opensearch/client.ts';
import { hackHome } from '../../infra/paths.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import { readConnectors } from '../../verify/connect-state.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { applyConnectorsStep } from '../steps.ts';
import {
  expectedIndex,
  fileWayChecks,
  INDEX,
  TARGETS,
  TOP_HITS,
  TOPIC,
  type CdcState,
  type FuzzyProbe,
  type IndexTarget,
} from './checks.ts';
import { generateCdcEvents, misspell, NAME_FIELDS, type ChangeEvent } from './data.ts';
import { TopicLog } from './topic-log.ts';

/**
 * Challenge 08 — fuzzy search over a CDC stream (the seed's way in): a JSONL file of Konnect-shaped change events,
 * replayed into `cdc-events` by a file source, indexed into OpenSearch's `cdc` by the OpenSearch sink — one
 * document per entity, the latest version by `ts_ms`, deletes applied — and searched with misspelt names.
 */
export const DLQ_TOPIC = TARGETS.opensearch.dlq;
const FUZZY_PROBES = 10;

/** Where the replay file lives: the stack's data dir, which the worker names as `${env:HACK_HOME}`. */
export function eventsFile(): string {
  return join(hackHome(), 'data', 'challenge-08', 'cdc-events.jsonl');
}

const lines = (events: ChangeEvent[]): string => events.map((event) => `${JSON.stringify(event)}\n`).join('');

export function openSearchUrl(environment: Environment): string {
  const url = environment.opensearch?.url;
  if (!url)
    throw new HackError(`${environment.source} has no OpenSearch (OPENSEARCH_URL).`, {
      fix: 'Start it with `npx hack up opensearch`, or set OPENSEARCH_URL in the env file.',
    });
  return url;
}

/** Stops, forgets the offsets of, and deletes a connector, so the file source reads the new file from its start. */
export async function removeConnector(connect: ConnectClient, name: string): Promise<void> {
  const exists = await connect.call('GET', connectorPath(name)).then(
    (response) => response.status === 200,
    () => false,
  );
  if (!exists) return;
  await connect.call('PUT', connectorPath(name, '/stop')).catch(() => undefined);
  for (let attempt = 0; attempt < 20; attempt++) {
    const reset = await connect.call('DELETE', connectorPath(name, '/offsets')).catch(() => undefined);
    if (reset && reset.status < 300) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await connect.call('DELETE', connectorPath(name)).catch(() => undefined);
}

/** Removes the connectors (offsets too) an earlier local run of way (b) left, into either index. */
async function removeFileWayConnectors(context: StepContext): Promise<void> {
  const connect = new ConnectClient(context.environment.connect!.url);
  const names = new Set([
    'file-source',
    'opensearch-sink',
    'search-sink',
    ...readConnectorFiles(context.participantDir).map((file) => file.name),
  ]);
  for (const name of names) await removeConnector(connect, name);
  // Way (a)'s Debezium source, when a kept stack still runs it, would keep writing rows into the same topic.
  if (context.environment.apacheConnect)
    await removeConnector(new ConnectClient(context.environment.apacheConnect.url), 'postgres-source').catch(
      () => undefined,
    );
}

/** Deletes the topic and a dead letter queue an earlier local run left. */
async function clearTopics(context: StepContext, dlq: string): Promise<void> {
  const admin = kafkaClient(context.environment.kafka, 'connect-hack-challenge').admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((topic) => topic === String(TOPIC) || topic === dlq);
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => ours.includes(topic)); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topic, the dead letter queue and the OpenSearch index an earlier local run left. */
export async function clearTopicsAndIndex(context: StepContext): Promise<void> {
  await clearTopics(context, DLQ_TOPIC);
  await deleteOpenSearchIndex(context);
}

async function deleteOpenSearchIndex(context: StepContext): Promise<void> {
  await openSearchClient(openSearchUrl(context.environment))
    .indices.delete({ index: INDEX, ignore_unavailable: true })
    .catch(() => undefined);
}

/** Creates `cdc-events` (4 partitions: a key's changes may arrive out of order) and a dead letter queue. */
async function createTopics(context: StepContext, dlq: string): Promise<void> {
  const admin = kafkaClient(context.environment.kafka, 'connect-hack-challenge').admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.createTopics({
          topics: [
            { topic: TOPIC, numPartitions: 4 },
            { topic: dlq, numPartitions: 1 },
          ],
          waitForLeaders: true,
        });
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export async function provision(context: StepContext): Promise<void> {
  await createTopics(context, DLQ_TOPIC);
  await createOpenSearchIndex(context);
}

async function createOpenSearchIndex(context: StepContext): Promise<void> {
  const client = openSearchClient(openSearchUrl(context.environment));
  const exists = (await client.indices.exists({ index: INDEX })).body;
  if (!exists)
    await client.indices.create({
      index: INDEX,
      body: { settings: { number_of_shards: 1, number_of_replicas: 0 } },
    });
}

/** Up to FUZZY_PROBES live entities with a name, spread over the key order; each searched by a misspelt name. */
export function fuzzyTargets(events: ChangeEvent[]): Array<{ key: string; name: string; query: string }> {
  const named = [...expectedIndex(events).live]
    .map(([key, event]) => {
      const field = NAME_FIELDS[event.after.value!.type];
      const name = field ? event.after.value!.object[field] : undefined;
      return typeof name === 'string' ? { key, name, query: misspell(name) } : undefined;
    })
    .filter(
      (target): target is { key: string; name: string; query: string } =>
        !!target && target.query !== target.name,
    )
    .sort((a, b) => a.key.localeCompare(b.key));
  const step = Math.max(1, Math.floor(named.length / FUZZY_PROBES));
  return named.filter((_, index) => index % step === 0).slice(0, FUZZY_PROBES);
}

/** How one way in reads its topic and index: the record as a change event, the document as `{type, object}`. */
export interface WayView {
  parse(value: string | null): ChangeEvent | undefined;
  /** The document as the entity's `after.value` (`{type, object}`) for the comparison; way (b)'s is as is. */
  document(source: Record<string, unknown>): Record<string, unknown>;
  /** The fields the fuzzy query searches. */
  fuzzyFields: string[];
  way: 'file' | 'cdc';
  /** The workers whose connectors the checks read (our worker, and Apache Kafka Connect for way (a)). */
  connectUrls(environment: Environment): string[];
  /** Extra reads into the state (way (a): the entity keys in PostgreSQL). */
  extra?(state: CdcState, environment: Environment): Promise<void>;
}

function parseEvent(value: string | null): ChangeEvent | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value) as ChangeEvent;
    return typeof parsed?.after?.key === 'string' && typeof parsed.ts_ms === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const fileWay: WayView = {
  parse: parseEvent,
  document: (source) => source,
  fuzzyFields: ['object.name', 'object.hostname', 'object.username'],
  way: 'file',
  connectUrls: (environment) => (environment.connect ? [environment.connect.url] : []),
};

/** How the checks read the index, whichever service holds it: its documents by entity key, and fuzzy probes. */
export interface IndexReader {
  /** Why the service cannot be asked at all (not in the environment), or undefined. */
  missing?: string;
  /** Where the service is, for a verdict that it does not answer. */
  location?: string;
  /** The index's documents by entity key, as `view.document` shapes them; `exists` false when there is no index. */
  documents(): Promise<CdcState['index']>;
  /** Each target searched by its misspelt name: the top hits' entity keys, or the query's error. */
  fuzzy(targets: Array<{ key: string; name: string; query: string }>): Promise<FuzzyProbe[]>;
  close(): Promise<void>;
}

/** OpenSearch's reader: `match_all` for the documents, `multi_match` with `fuzziness: AUTO` for the probes. */
export function openSearchReader(environment: Environment, view: WayView): IndexReader {
  const url = environment.opensearch?.url;
  if (!url)
    return {
      missing: `${environment.source} has no OpenSearch (OPENSEARCH_URL): \`npx hack up opensearch\`.`,
      documents: () => Promise.resolve({ exists: false, documents: new Map() }),
      fuzzy: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
  const client = openSearchClient(url);
  return {
    location: url,
    documents: async () => {
      const exists = (await client.indices.exists({ index: INDEX })).body;
      const documents = new Map<string, Record<string, unknown>>();
      if (!exists) return { exists, documents };
      await client.indices.refresh({ index: INDEX });
      const found = await client.search({ index: INDEX, body: { size: 10_000, query: { match_all: {} } } });
      for (const hit of found.body.hits.hits)
        documents.set(hit._id!, view.document(hit._source as Record<string, unknown>));
      return { exists, documents };
    },
    fuzzy: (targets) =>
      Promise.all(
        targets.map(async (target): Promise<FuzzyProbe> => {
          try {
            const result = await client.search({
              index: INDEX,
              body: {
                size: TOP_HITS,
                query: {
                  multi_match: {
                    query: target.query,
                    fields: view.fuzzyFields,
                    fuzziness: 'AUTO',
                    operator: 'and',
                  },
                },
              },
            });
            return { ...target, hits: result.body.hits.hits.map((hit) => hit._id!) };
          } catch (error) {
            return { ...target, error: errorMessage(error) };
          }
        }),
      ),
    close: () => client.close(),
  };
}

export async function observeWay(
  environment: Environment,
  view: WayView,
  target: IndexTarget = TARGETS.opensearch,
  readerOf: (environment: Environment, view: WayView) => IndexReader = openSearchReader,
) {
  const log = new TopicLog(kafkaClient(environment.kafka, 'connect-hack-verify'), [TOPIC, target.dlq]);
  const reader = readerOf(environment, view);
  return {
    read: async (): Promise<CdcState> => {
      const state: CdcState = {
        connectors: [],
        events: [],
        unreadable: 0,
        index: { exists: false, documents: new Map() },
        dlq: [],
        fuzzy: [],
        way: view.way,
        target: target.id,
      };
      if (view.way === 'file' && existsSync(eventsFile()))
        state.fileLines = readFileSync(eventsFile(), 'utf8')
          .split('\n')
          .filter((line) => line.trim()).length;
      try {
        await log.catchUp();
        for (const record of log.records.get(TOPIC)!) {
          const event = view.parse(record.value);
          if (event) state.events.push(event);
          else state.unreadable++;
        }
        state.dlq = log.records.get(target.dlq)!.map((record) => ({
          key: record.key,
          message: record.headers['__connect.errors.exception.message'] ?? '',
        }));
      } catch (error) {
        state.kafkaError = `Kafka at ${environment.kafka.bootstrapServers} could not be read: ${errorMessage(error)}`;
      }
      if (!environment.connect)
        state.connectError = `${environment.source} has no Kafka Connect (CONNECT_URL).`;
      if (view.way === 'cdc' && !environment.apacheConnect)
        state.apacheConnectError = `${environment.source} has no Apache Kafka Connect (APACHE_CONNECT_URL).`;
      for (const connectUrl of view.connectUrls(environment))
        state.connectors.push(
          ...(await readConnectors(connectUrl).catch((error: unknown) => {
            const message = errorMessage(error);
            const problem = message.includes(connectUrl)
              ? message
              : `Kafka Connect at ${connectUrl} does not answer: ${message}`;
            if (connectUrl === environment.apacheConnect?.url) state.apacheConnectError = problem;
            else state.connectError = problem;
            return [];
          })),
        );
      await view.extra?.(state, environment);
      if (reader.missing) state.indexServiceError = reader.missing;
      else {
        try {
          state.index = await reader.documents();
          if (state.index.exists) state.fuzzy = await reader.fuzzy(fuzzyTargets(state.events));
        } catch (error) {
          state.indexServiceError = `${target.service} at ${reader.location} does not answer: ${errorMessage(error)}`;
        }
      }
      return state;
    },
    close: async () => {
      await log.close();
      await reader.close();
    },
  };
}

/**
 * Way (b) into one index service: what differs between `hack challenge 08` (OpenSearch) and `08-search` (Azure AI
 * Search). The replay file, the topic, the steps and the checks are the same.
 */
export interface FileWayIndex {
  /** The challenge's id: `hack challenge <id>`. */
  id: string;
  /** The participant's folder and the reference's, when not the default. */
  folders?: Challenge['folders'];
  /** Its id is also the stack service and the environment part the challenge needs. */
  target: IndexTarget;
  reader(environment: Environment, view: WayView): IndexReader;
  /** Deletes the index an earlier local run left. */
  deleteIndex(context: StepContext): Promise<void>;
  /** Creates the index when it is missing. */
  createIndex(context: StepContext): Promise<void>;
}

/** Challenge 08's way (b) — the replay file, the file source, a sink — into the index `index` describes. */
export function fileWayChallenge(index: FileWayIndex): Challenge<CdcState> {
  const { target } = index;
  return {
    id: index.id,
    slug: '08-cdc-search',
    title: `Fuzzy search over a CDC stream: change events → Kafka → ${target.service}`,
    dir: dirname(fileURLToPath(import.meta.url)),
    folders: index.folders,
    services: ['kafka', target.id, 'connect'],
    requires: ['connect', target.id],
    steps: [
      {
        title: (context) =>
          context.local && !context.fresh
            ? `Fresh topic ${TOPIC}, index ${INDEX} and connectors`
            : `Topic ${TOPIC} and index ${INDEX}`,
        run: async (context) => {
          if (context.local && !context.fresh) {
            await removeFileWayConnectors(context);
            await clearTopics(context, target.dlq);
            await index.deleteIndex(context);
          }
          await createTopics(context, target.dlq);
          await index.createIndex(context);
        },
      },
      {
        title: (context) =>
          `Write the first change events (seed ${context.scenario.seed}) to the replay file`,
        run: async (context) => {
          const { events, firstHalf } = generateCdcEvents(context.scenario.seed);
          mkdirSync(dirname(eventsFile()), { recursive: true });
          writeFileSync(eventsFile(), lines(events.slice(0, firstHalf)));
          return { detail: `${firstHalf} creates in ${eventsFile()}` };
        },
      },
      applyConnectorsStep(),
      {
        title: 'Append the rest live: updates, renames, deletes, then late replays of older updates',
        run: async (context) => {
          const { events, firstHalf } = generateCdcEvents(context.scenario.seed);
          const rest = events.slice(firstHalf);
          const chunk = Math.ceil(rest.length / 5);
          for (let start = 0; start < rest.length; start += chunk) {
            appendFileSync(eventsFile(), lines(rest.slice(start, start + chunk)));
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          context.say(
            style.dim(
              `  ${events.length} change events for ${expectedIndex(events).live.size} live entities`,
            ),
          );
          return { detail: `${rest.length} more events` };
        },
      },
    ],
    observe: (environment) => observeWay(environment, fileWay, target, index.reader),
    checks: fileWayChecks(target),
    liveView: (state) => [
      `${style.dim('kafka      ')} ${TOPIC} ${state.events.length}${state.fileLines ? `/${state.fileLines}` : ''} · ${target.dlq} ${state.dlq.length}`,
      `${style.dim(target.id.padEnd(11))} ${INDEX} ${state.index.documents.size}/${expectedIndex(state.events).live.size} documents`,
    ],
  };
}

export const challenge08 = fileWayChallenge({
  id: '08',
  target: TARGETS.opensearch,
  reader: openSearchReader,
  deleteIndex: deleteOpenSearchIndex,
  createIndex: createOpenSearchIndex,
});
