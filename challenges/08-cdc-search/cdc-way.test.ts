import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operationFor, type DocumentSettings } from '../../connectors/opensearch/documents.ts';
import { evaluateGraph } from '../../verify/graph.ts';
import { fuzzyTargets } from './challenge.ts';
import { challenge08cdc, changeStatement, entityColumns, parseRow, rowDocument } from './cdc-way.ts';
import { cdcWayChecks, type CdcState } from './checks.ts';
import { generateCdcEvents } from './data.ts';
import { running, sinkRecord } from './test-fixtures.ts';

/**
 * What way (a) adds to way (b): the generated stream as SQL on the konnect tables, Debezium's unwrapped rows as
 * change events, and the verdicts over them — the rows produced here the way Debezium's PostgreSQL connector with
 * the reference's unwrap writes them (`__op`, `__table`, `__source_lsn`; deletes rewritten with `__op: d`),
 * indexed through the OpenSearch sink's own `operationFor`. No services.
 */
const { events } = generateCdcEvents(11);

const sinkConfig = (
  JSON.parse(
    readFileSync(join(challenge08cdc.dir, 'solution', 'cdc', 'connect', 'opensearch-sink.json'), 'utf8'),
  ) as { config: Record<string, string> }
).config;

const solution: DocumentSettings = {
  keyIgnore: sinkConfig['key.ignore'] === 'true',
  idStrategy: 'topic.partition.offset',
  onNullValues: 'ignore',
  documentField: '',
  versionField: sinkConfig['document.version.field']!,
  deleteOpField: sinkConfig['document.delete.op.field']!,
};

/** The topic as Debezium writes it: every change the harness makes, unwrapped; deletes kept (rewrite) or dropped. */
function debeziumRows(options: { deletes: 'rewrite' | 'drop' } = { deletes: 'rewrite' }) {
  const latest = new Map<string, number>();
  const rows: Array<Record<string, unknown>> = [];
  const keys = new Set<string>();
  let lsn = 24_000_000;
  for (const [index, event] of events.entries()) {
    if (!changeStatement(event, latest)) continue;
    const key = event.after.key;
    const table = key.split('/')[3]!;
    lsn += 56;
    if (event.op === 'd') {
      keys.delete(key);
      if (options.deletes === 'rewrite')
        rows.push({ key, __deleted: 'true', __op: 'd', __table: table, __source_lsn: lsn });
      continue;
    }
    keys.add(key);
    rows.push({
      key,
      control_plane_id: key.split('/')[1],
      ...entityColumns(event.after.value!.object),
      __deleted: 'false',
      __op: index < 40 ? 'r' : event.op,
      __table: table,
      __source_lsn: lsn,
    });
  }
  return { rows, keys };
}

function stateAfter(
  settings: DocumentSettings,
  options: { deletes: 'rewrite' | 'drop'; redeliver?: boolean } = { deletes: 'rewrite' },
): CdcState {
  const { rows: written, keys } = debeziumRows(options);
  // Per-key order holds within a partition only: once cdc-events gets more partitions, a key's older changes (in
  // its old partition) may be read after its newer ones (in the new partition). Here: older updates read last.
  const latestLsn = new Map(written.map((row) => [row.key, row.__source_lsn]));
  const lagging = written
    .filter(
      (row) => row.__op === 'u' && latestLsn.get(row.key) !== row.__source_lsn && keys.has(row.key as string),
    )
    .slice(0, 10);
  const rows = options.redeliver ? [...written, ...lagging] : written;
  const documents = new Map<string, Record<string, unknown>>();
  const versions = new Map<string, number>();
  rows.forEach((row, offset) => {
    const operation = operationFor(sinkRecord({ topic: 'cdc', offset, key: row.key, value: row }), settings);
    if (!operation) return;
    const id = operation.id ?? `auto-${offset}`;
    const current = versions.get(id);
    if (operation.version !== undefined && current !== undefined && operation.version <= current) return;
    if (operation.version !== undefined) versions.set(id, operation.version);
    if (operation.action === 'delete') documents.delete(id);
    else documents.set(id, rowDocument(operation.document!));
  });
  const changes = rows.map((row) => parseRow(JSON.stringify(row))!);
  return {
    way: 'cdc',
    connectors: [
      running('postgres-source', 'io.debezium.connector.postgresql.PostgresConnector'),
      running('opensearch-sink', 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector'),
    ],
    events: changes,
    unreadable: 0,
    sourceKeys: keys,
    index: { exists: true, documents },
    dlq: [],
    fuzzy: fuzzyTargets(changes).map((target) => ({
      ...target,
      hits: [...documents]
        .filter(([, doc]) => JSON.stringify(doc).includes(`"${target.name}"`))
        .map(([id]) => id),
    })),
  };
}

const verdict = (state: CdcState) => {
  const results = evaluateGraph(cdcWayChecks, state);
  return { results, cause: results.find((result) => !result.passed && !result.blockedBy) };
};

describe('challenge 08 way (a): the stream as SQL', () => {
  it('creates, updates every column, deletes by key; nested references become columns', () => {
    const latest = new Map<string, number>();
    const route = events.find((event) => event.after.key.includes('/o/route/'))!;
    const insert = changeStatement(route, latest)!;
    expect(insert).toMatch(
      /^INSERT INTO konnect\.route \(key, control_plane_id, id, name, paths, service_id,/,
    );
    expect(insert).toContain("ARRAY['http', 'https']::TEXT[]");
    const update = events.find((event) => event.op === 'u')!;
    expect(changeStatement(update, latest)).toMatch(/^UPDATE konnect\.\w+ SET .* WHERE key = 'c\//);
    const deleted = events.find((event) => event.op === 'd')!;
    expect(changeStatement(deleted, new Map())).toBe(
      `DELETE FROM konnect.${deleted.after.key.split('/')[3]} WHERE key = '${deleted.after.key}'`,
    );
    expect(entityColumns({ labels: { region: 'eu-west' }, tags: ['a'] })).toEqual({
      labels_region: 'eu-west',
      tags: ['a'],
    });
  });

  it("skips the stream's late replays of older updates (a database has no older write) and quotes text", () => {
    const latest = new Map<string, number>();
    const statements = events.map((event) => changeStatement(event, latest));
    expect(statements.filter((statement) => statement === undefined).length).toBeGreaterThan(0);
    const quoted = changeStatement(
      {
        before: null,
        after: { key: 'c/cp/o/consumer/1', value: { type: 'consumer', object: { username: "o'hara" } } },
        op: 'c',
        ts_ms: 1,
      },
      new Map(),
    );
    expect(quoted).toContain("'o''hara'");
  });

  it("reads Debezium's unwrapped rows; a whole envelope or a row without __source_lsn is unreadable", () => {
    const row = { key: 'c/cp/o/service/1', name: 'x', __op: 'u', __table: 'service', __source_lsn: 9 };
    expect(parseRow(JSON.stringify(row))).toEqual({
      before: null,
      after: { key: row.key, value: { type: 'service', object: row } },
      op: 'u',
      ts_ms: 9,
    });
    expect(parseRow(JSON.stringify({ ...row, __op: 'd', __deleted: 'true' }))?.after.value).toBeNull();
    expect(
      parseRow(JSON.stringify({ before: null, after: { key: 'k' }, op: 'c', source: {} })),
    ).toBeUndefined();
    expect(parseRow(JSON.stringify({ key: 'k', __op: 'c', __table: 'service' }))).toBeUndefined();
  });
});

describe('challenge 08 way (a) checks', () => {
  it('pass on the reference: rows upserted by key, versioned by LSN, deletes applied, fuzzy hits', () => {
    const { results, cause } = verdict(stateAfter(solution));
    expect(cause).toBeUndefined();
    expect(results.every((result) => result.passed)).toBe(true);
  });

  it('name deletes the unwrap dropped: the topic disagrees with PostgreSQL', () => {
    const { results, cause } = verdict(stateAfter(solution, { deletes: 'drop' }));
    expect(cause?.id).toBe('cdc-events');
    expect(cause?.hint).toMatch(
      /deleted in PostgreSQL are still live.*delete\.tombstone\.handling\.mode=rewrite/,
    );
    // The index agrees with the topic, so only the topic check (against PostgreSQL) can see it.
    expect(results.find((result) => result.id === 'deletes')?.passed).toBe(true);
  });

  it('name the missing versioning when an older row read late (a lagging partition) overwrites a newer one', () => {
    const redelivered = { deletes: 'rewrite' as const, redeliver: true };
    expect(verdict(stateAfter(solution, redelivered)).cause).toBeUndefined();
    const { cause } = verdict(stateAfter({ ...solution, versionField: '' }, redelivered));
    expect(cause?.id).toBe('latest-content');
    expect(cause?.hint).toMatch(/older version.*document\.version\.field=__source_lsn/);
  });

  it('name deletes the sink ignores', () => {
    const { cause } = verdict(stateAfter({ ...solution, deleteOpField: '' }));
    expect(cause?.id).toBe('deletes');
    expect(cause?.hint).toMatch(/__op "d".*document\.delete\.op\.field=__op/);
  });

  it("name Kafka coordinates as ids, and the key to take: Debezium's {key}", () => {
    const { cause } = verdict(stateAfter({ ...solution, keyIgnore: true }));
    expect(cause?.id).toBe('latest-once');
    expect(cause?.hint).toMatch(/keyed by Kafka coordinates.*ExtractField\$Key with field key/);
  });

  it('name the template: Debezium writes per-table topics and nothing reaches cdc-events', () => {
    const state = { ...stateAfter(solution), events: [], index: { exists: true, documents: new Map() } };
    const { cause } = verdict(state);
    expect(cause?.id).toBe('cdc-events');
    expect(cause?.hint).toMatch(/konnect\.konnect\.<table>.*RegexRouter.*ExtractNewRecordState/);
    const envelopes = { ...state, unreadable: 3 };
    expect(verdict(envelopes).cause?.hint).toMatch(/not unwrapped rows.*add\.fields=op,table,source\.lsn/);
  });
});
