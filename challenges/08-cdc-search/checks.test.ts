import { describe, expect, it } from 'vitest';
import { operationFor, type DocumentSettings } from '../../connectors/opensearch/documents.ts';
import { DataException } from '../../connectors/runtime/api/errors.ts';
import { evaluateGraph } from '../../verify/graph.ts';
import { fuzzyTargets } from './challenge.ts';
import { cdcChecks, cdcWayChecks, type CdcState } from './checks.ts';
import { generateCdcEvents } from './data.ts';
import { running, sinkRecord } from './test-fixtures.ts';

/**
 * The checks over the generated stream, indexed the way the OpenSearch sink maps records (its own
 * `operationFor`) and OpenSearch applies them (external versions refuse anything not newer; without versions
 * the last write wins) — healthy, then broken the ways real pipelines break. No services.
 */
const { events } = generateCdcEvents(11);

const solution: DocumentSettings = {
  keyIgnore: false,
  idStrategy: 'topic.partition.offset',
  onNullValues: 'ignore',
  documentField: 'after.value',
  versionField: 'ts_ms',
  deleteOpField: 'op',
};

function stateAfter(settings: DocumentSettings, options: { extractKey?: boolean } = {}): CdcState {
  const documents = new Map<string, Record<string, unknown>>();
  const versions = new Map<string, number>();
  const dlq: CdcState['dlq'] = [];
  events.forEach((event, offset) => {
    const record = sinkRecord({
      topic: 'cdc',
      offset,
      key: options.extractKey === false ? null : event.after.key,
      value: event,
    });
    let operation;
    try {
      operation = operationFor(record, settings);
    } catch (error) {
      if (!(error instanceof DataException)) throw error;
      dlq.push({ key: null, message: error.message });
      return;
    }
    if (!operation) return;
    const id = operation.id ?? `auto-${offset}`;
    const current = versions.get(id);
    if (operation.version !== undefined && current !== undefined && operation.version <= current) return;
    if (operation.version !== undefined) versions.set(id, operation.version);
    if (operation.action === 'delete') documents.delete(id);
    else documents.set(id, operation.document!);
  });
  const fuzzy = fuzzyTargets(events).map((target) => ({
    ...target,
    // Healthy analysis: the misspelt name finds the document that holds the name.
    hits: [...documents]
      .filter(([, doc]) => JSON.stringify(doc).includes(`"${target.name}"`))
      .map(([id]) => id),
  }));
  return {
    connectors: [
      running('file-source', 'org.apache.kafka.connect.file.FileStreamSourceConnector'),
      running('opensearch-sink', 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector'),
    ],
    events,
    unreadable: 0,
    fileLines: events.length,
    index: { exists: true, documents },
    dlq,
    fuzzy,
  };
}

const verdict = (state: CdcState) => {
  const results = evaluateGraph(cdcChecks, state);
  const cause = results.find((result) => !result.passed && !result.blockedBy);
  return { results, cause };
};

describe('challenge 08 checks', () => {
  it('pass on the reference pipeline: one document per live entity, latest versions, deletes applied, fuzzy hits', () => {
    const { results, cause } = verdict(stateAfter(solution));
    expect(cause).toBeUndefined();
    expect(results.every((result) => result.passed)).toBe(true);
  });

  it('name Kafka coordinates as ids: every update appends a document', () => {
    const { results, cause } = verdict(stateAfter({ ...solution, keyIgnore: true }));
    expect(cause?.id).toBe('latest-once');
    expect(cause?.hint).toMatch(/keyed by Kafka coordinates.*appends a document/);
    // No document under an entity's key proves neither its content nor a delete: both wait on latest-once.
    for (const id of ['latest-content', 'deletes'])
      expect(results.find((result) => result.id === id)?.blockedBy).toBe('latest-once');
  });

  it('name the missing versioning when a replayed older event wins', () => {
    const { results, cause } = verdict(stateAfter({ ...solution, versionField: '' }));
    expect(cause?.id).toBe('latest-content');
    expect(cause?.hint).toMatch(/older version.*document\.version\.field=ts_ms/);
    expect(results.find((result) => result.id === 'fuzzy-search')?.blockedBy).toBe('latest-content');
  });

  it('name ignored deletes', () => {
    const { cause } = verdict(stateAfter({ ...solution, deleteOpField: '' }));
    expect(cause?.id).toBe('deletes');
    expect(cause?.hint).toMatch(/still in cdc.*deletes are ignored.*document\.delete\.op\.field=op/);
  });

  it('name the key not taken from after.key', () => {
    const { results, cause } = verdict(stateAfter(solution, { extractKey: false }));
    expect(cause?.id).toBe('latest-once');
    expect(cause?.hint).toMatch(/without a key.*after\.key.*ExtractField\$Key/);
    expect(results.find((result) => result.id === 'fuzzy-search')?.blockedBy).toBe('latest-once');
  });

  it('name whole change events indexed instead of their entity', () => {
    const { cause } = verdict(stateAfter({ ...solution, documentField: '' }));
    expect(cause?.id).toBe('latest-content');
    expect(cause?.hint).toMatch(/whole change events.*document\.field=after\.value/);
  });

  it('name a misspelt name that search does not find, and a file source that wrote nothing', () => {
    const state = stateAfter(solution);
    state.fuzzy[0] = { ...state.fuzzy[0]!, hits: [] };
    expect(verdict(state).cause?.hint).toMatch(
      new RegExp(`misspelt "${state.fuzzy[0]!.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" did not find`),
    );
    const empty = { ...stateAfter(solution), events: [], index: { exists: true, documents: new Map() } };
    expect(verdict(empty).cause?.id).toBe('cdc-events');
    expect(verdict(empty).cause?.hint).toMatch(/0 of \d+ change events.*HACK_HOME/);
  });

  it("name a team environment's unreachable Debezium worker as the cause, and block every index check on it", () => {
    const state: CdcState = {
      way: 'cdc',
      apacheConnectError: 'Kafka Connect at http://debezium.team:8083 does not answer.',
      connectors: [running('opensearch-sink', 'io.aiven.kafka.connect.opensearch.OpensearchSinkConnector')],
      events: [],
      unreadable: 0,
      index: { exists: true, documents: new Map() },
      dlq: [],
      fuzzy: [],
    };
    const results = evaluateGraph(cdcWayChecks, state);
    const cause = results.find((result) => !result.passed && !result.blockedBy);
    expect(cause?.id).toBe('service:apache-connect');
    expect(cause?.hint).toMatch(/debezium\.team:8083 does not answer/);
    // Nothing to compare is no pass: the index checks say what blocks them.
    for (const id of ['latest-once', 'latest-content', 'deletes', 'fuzzy-search'])
      expect(results.find((result) => result.id === id)?.blockedBy).toBe('service:apache-connect');
  });
});
