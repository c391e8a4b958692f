import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectClient } from '../../connectors/runtime/connect-client.ts';
import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import { applySqlFile, databaseEntry } from '../../infra/databases/apply-sql.ts';
import { withSession } from '../../infra/databases/clients.ts';
import { style } from '../../infra/console/style.ts';
import { errorMessage, HackError } from '../../infra/errors.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import { readStack, type DatabaseEntry } from '../../infra/stack/stack-file.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { applyConnectorsStep } from '../steps.ts';
import {
  clearTopicsAndIndex,
  DLQ_TOPIC,
  observeWay,
  provision,
  removeConnector,
  type WayView,
} from './challenge.ts';
import { cdcWayChecks, expectedIndex, INDEX, TOPIC, type CdcState } from './checks.ts';
import { generateCdcEvents, type ChangeEvent } from './data.ts';

/**
 * Challenge 08, way (a): the control plane's entities live in the stack's PostgreSQL (schema `konnect`, a table per
 * entity type, typed columns — sql/konnect.sql), changed live by the harness; Debezium's PostgreSQL connector on
 * Apache Kafka Connect captures them (unwrapped rows routed to `cdc-events`), and the OpenSearch sink on our
 * worker indexes them into `cdc` — with way (b)'s index checks. `hack challenge 08-cdc`; the participant's part is
 * `cdc/` (apache-connect/ for the source, connect/ for the sink).
 */
const dir = dirname(fileURLToPath(import.meta.url));
export const SCHEMA = 'konnect';
export const SLOT = 'konnect_slot';
const SOURCE = 'postgres-source';

/** The columns of an entity: its fields, nested objects flattened one level (`service.id` → `service_id`). */
export function entityColumns(object: Record<string, unknown>): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(object)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>))
        columns[`${field}_${inner}`] = innerValue;
    else columns[field] = value;
  }
  return columns;
}

const literal = (value: unknown): string => {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]::TEXT[]`;
  return `'${String(value).replace(/'/g, "''")}'`;
};

const parseKey = (key: string): { controlPlane: string; type: string; id: string } => {
  const match = /^c\/([^/]+)\/o\/([a-z_]+)\/([^/]+)$/.exec(key);
  if (!match) throw new Error(`Not an entity key: ${key}`);
  return { controlPlane: match[1]!, type: match[2]!, id: match[3]! };
};

/**
 * The statement that makes a change of the generated stream happen in PostgreSQL: an INSERT for a create, an
 * UPDATE of every column for an update, a DELETE for a delete. Undefined for the stream's late replays of older
 * updates — in a database an "older" write is simply a newer change, so it has no equivalent.
 */
export function changeStatement(event: ChangeEvent, latestTs: Map<string, number>): string | undefined {
  const key = event.after.key;
  if ((latestTs.get(key) ?? -1) >= event.ts_ms) return undefined;
  latestTs.set(key, event.ts_ms);
  const { controlPlane, type } = parseKey(key);
  const table = `${SCHEMA}.${type}`;
  if (event.op === 'd' || !event.after.value) return `DELETE FROM ${table} WHERE key = ${literal(key)}`;
  const columns = entityColumns(event.after.value.object);
  if (event.op === 'c') {
    const all = { key, control_plane_id: controlPlane, ...columns };
    return `INSERT INTO ${table} (${Object.keys(all).join(', ')}) VALUES (${Object.values(all).map(literal).join(', ')})`;
  }
  const sets = Object.entries(columns).map(([column, value]) => `${column} = ${literal(value)}`);
  return `UPDATE ${table} SET ${sets.join(', ')} WHERE key = ${literal(key)}`;
}

/**
 * A record of `cdc-events` as way (b)'s change event: Debezium's row unwrapped by ExtractNewRecordState with
 * `add.fields=op,table,source.lsn` — the entity is the row, `__table` its type, `__source_lsn` its version, and
 * `__op: d` (delete.tombstone.handling.mode=rewrite) a delete. Anything else is unreadable.
 */
export function parseRow(value: string | null): ChangeEvent | undefined {
  if (value === null) return undefined;
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(value) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { key, __op: op, __table: table, __source_lsn: lsn } = row ?? {};
  if (
    typeof key !== 'string' ||
    typeof op !== 'string' ||
    typeof table !== 'string' ||
    typeof lsn !== 'number'
  )
    return undefined;
  const deleted = op === 'd' || row.__deleted === 'true' || row.__deleted === true;
  return {
    before: null,
    after: { key, value: deleted ? null : { type: table, object: row } },
    op: deleted ? 'd' : op === 'u' ? 'u' : 'c',
    ts_ms: lsn,
  };
}

/** An indexed row as the `{type, object}` the checks compare with the topic's latest row. */
export const rowDocument = (source: Record<string, unknown>): Record<string, unknown> => ({
  type: source.__table,
  object: source,
});

/** The keys in the local stack's konnect tables — only when the Debezium being verified is the local stack's. */
async function readSourceKeys(state: CdcState, environment: Environment): Promise<void> {
  const stack = readStack();
  const entry = stack?.services.postgres;
  const localDebezium = (stack?.services['apache-connect'] as Environment['apacheConnect'])?.url;
  // A team's pipeline (--env) captures its own database: then the topic alone is the truth.
  if (!entry || !localDebezium || environment.apacheConnect?.url !== localDebezium) return;
  try {
    const tables = ['service', 'route', 'node', 'consumer', 'upstream', 'target', 'plugin'];
    const [result] = await withSession('postgres', entry, (session) =>
      session.run(tables.map((table) => `SELECT key FROM ${SCHEMA}.${table}`).join(' UNION ALL ')),
    );
    state.sourceKeys = new Set((result?.rows ?? []).map((row) => String(row[0])));
  } catch (error) {
    state.sourceError = `PostgreSQL could not be read: ${errorMessage(error)}`;
  }
}

export const cdcWay: WayView = {
  parse: parseRow,
  document: rowDocument,
  fuzzyFields: ['name', 'hostname', 'username'],
  way: 'cdc',
  connectUrls: (environment: Environment) =>
    [environment.connect?.url, environment.apacheConnect?.url].filter((url): url is string => !!url),
  extra: readSourceKeys,
};

function postgresOf(context: StepContext): DatabaseEntry {
  if (!context.local)
    throw new HackError('Way (a) changes the stack’s PostgreSQL, so it runs on the local stack only.', {
      fix: 'Run `npm run challenge:08-cdc` without --env; `hack verify --challenge 08-cdc --env FILE` checks a team’s pipeline.',
    });
  return databaseEntry('postgres');
}

const run = (entry: DatabaseEntry, statements: string[]): Promise<unknown> =>
  withSession('postgres', entry, async (session) => {
    if (statements.length > 0) await session.run(`BEGIN; ${statements.join('; ')}; COMMIT`);
  });

/** Removes what an earlier run left: both connectors (offsets too), Debezium's slot, the rows, topics and index. */
async function resetLocal(context: StepContext): Promise<void> {
  const apache = new ConnectClient(context.environment.apacheConnect!.url);
  const ours = new ConnectClient(context.environment.connect!.url);
  const names = (folder: string): string[] =>
    readConnectorFiles(join(context.participantDir, folder)).map((file) => file.name);
  for (const name of new Set([SOURCE, ...names('apache-connect')])) await removeConnector(apache, name);
  for (const name of new Set(['opensearch-sink', 'file-source', ...names('connect')]))
    await removeConnector(ours, name);
  const entry = postgresOf(context);
  await withSession('postgres', entry, async (session) => {
    for (let attempt = 0; ; attempt++) {
      const [active] = await session.run(
        `SELECT active FROM pg_replication_slots WHERE slot_name = '${SLOT}'`,
      );
      if (!active?.rows.length) break;
      if (active.rows[0]![0] !== true || attempt >= 40) {
        await session.run(`SELECT pg_drop_replication_slot('${SLOT}')`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await session.run(`DROP PUBLICATION IF EXISTS konnect_publication`);
    const [exists] = await session.run(
      `SELECT 1 FROM information_schema.schemata WHERE schema_name = '${SCHEMA}'`,
    );
    if (exists?.rows.length)
      await session.run(
        `TRUNCATE ${['service', 'route', 'node', 'consumer', 'upstream', 'target', 'plugin'].map((table) => `${SCHEMA}.${table}`).join(', ')}`,
      );
  });
  await clearTopicsAndIndex(context);
}

export const challenge08cdc: Challenge<CdcState> = {
  id: '08-cdc',
  slug: '08-cdc-search',
  title: 'Fuzzy search over a CDC stream: PostgreSQL → Debezium → Kafka → OpenSearch',
  dir,
  folders: { participant: 'cdc', solution: join('solution', 'cdc') },
  services: ['kafka', 'postgres', 'apache-connect', 'opensearch', 'connect'],
  requires: ['connect', 'apacheConnect', 'opensearch'],
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh
          ? `Fresh tables, topic ${TOPIC}, index ${INDEX} and connectors`
          : `Tables ${SCHEMA}.*, topic ${TOPIC} and index ${INDEX}`,
      run: async (context) => {
        const entry = postgresOf(context);
        await applySqlFile('postgres', join(dir, 'sql', 'konnect.sql'), { entry });
        if (!context.fresh) await resetLocal(context);
        await provision(context);
      },
    },
    {
      title: (context) => `Create the entities in PostgreSQL (seed ${context.scenario.seed})`,
      run: async (context) => {
        const { events, firstHalf } = generateCdcEvents(context.scenario.seed);
        const latest = new Map<string, number>();
        const statements = events
          .slice(0, firstHalf)
          .map((event) => changeStatement(event, latest))
          .filter((statement): statement is string => !!statement);
        await run(postgresOf(context), statements);
        return { detail: `${statements.length} rows in ${SCHEMA}.*` };
      },
    },
    applyConnectorsStep('apacheConnect', 'apache-connect'),
    applyConnectorsStep('connect', 'connect'),
    {
      title: 'Change them live: heartbeats, renames, deletes',
      run: async (context) => {
        const { events, firstHalf } = generateCdcEvents(context.scenario.seed);
        const latest = new Map<string, number>();
        for (const event of events.slice(0, firstHalf)) latest.set(event.after.key, event.ts_ms);
        const statements = events
          .slice(firstHalf)
          .map((event) => changeStatement(event, latest))
          .filter((statement): statement is string => !!statement);
        const entry = postgresOf(context);
        const chunk = Math.ceil(statements.length / 10);
        for (let start = 0; start < statements.length; start += chunk) {
          await run(entry, statements.slice(start, start + chunk));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        context.say(
          style.dim(
            `  ${statements.length} changes in transactions of ${chunk}; ${DLQ_TOPIC} takes bad records`,
          ),
        );
        return { detail: `${statements.length} changes, ${expectedIndex(events).live.size} live entities` };
      },
    },
  ],
  observe: (environment) => observeWay(environment, cdcWay),
  checks: cdcWayChecks,
  liveView: (state) => [
    `${style.dim('kafka      ')} ${TOPIC} ${state.events.length} · ${DLQ_TOPIC} ${state.dlq.length}`,
    `${style.dim('opensearch ')} ${INDEX} ${state.index.documents.size}/${state.sourceKeys?.size ?? expectedIndex(state.events).live.size} documents`,
  ],
};
