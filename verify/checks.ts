import { ENTITY_FIELDS, isTopic } from '../generators/model.ts';
import type { PipelineSpec } from '../challenges/spec.ts';
import type { ConnectorView } from './connect-state.ts';
import { diffDocuments, systemProperties, type Difference } from './diff.ts';
import type { ContainerSnapshot } from './readers/cosmos.ts';
import type { TopicSnapshot } from './readers/kafka.ts';
import type { IndexSnapshot } from './readers/search.ts';
import { listLimit } from './report.ts';
import type { NodeVerdict } from '../challenges/challenge.ts';
import { connectorsHint, cosmosToKafkaHint, cosmosToSearchHint, kafkaToCosmosHint } from './hints.ts';

/** Everything verification read in one pass; the checks are pure functions of it (and so unit-testable). */
export interface PipelineState {
  topics: Map<string, TopicSnapshot>;
  /** By `database/container`. */
  containers: Map<string, ContainerSnapshot>;
  indexes: Map<string, IndexSnapshot>;
  /** Undefined when no Connect REST API was reachable; `connectError` says why. */
  connectors?: ConnectorView[];
  connectError?: string;
  /** Records in each dead-letter topic the connectors name. */
  deadLetters: Map<string, number>;
  /** Why the first few dead-lettered records failed (`__connect.errors.*` headers), by topic. */
  deadLetterSamples: Map<string, string[]>;
  /** Why a whole service could not be read (unreachable, not configured). */
  unavailable: { kafka?: string; cosmos?: string; search?: string };
}

export const containerKey = (database: string, container: string): string => `${database}/${container}`;

/** The fields that must match: the entity's own fields when the topic is one of the model's, else all but system ones. */
function contentFields(topic: string, document: Record<string, unknown>, within?: string[]): string[] {
  const fields = isTopic(topic)
    ? ENTITY_FIELDS[topic].filter((field) => field in document)
    : Object.keys(document).filter((field) => !systemProperties.has(field));
  return within ? fields.filter((field) => within.includes(field)) : fields;
}

function objectsOf(snapshot: TopicSnapshot | undefined): Map<string, Record<string, unknown>> {
  const documents = new Map<string, Record<string, unknown>>();
  for (const [id, record] of snapshot?.latest ?? []) {
    if (record.value && typeof record.value === 'object' && !Array.isArray(record.value)) {
      documents.set(id, record.value as Record<string, unknown>);
    } else if (typeof record.value === 'string') {
      documents.set(id, { value: record.value }); // not JSON: shows up as a mismatch, not as missing
    }
  }
  return documents;
}

interface FlowOutcome {
  label: string;
  difference: Difference;
  hint?: string;
  /** A failure that is not about ids or fields (e.g. a feedback loop). */
  problem?: string;
}

/** A change feed re-read on every upsert shows as one id with ever more versions on the topic. */
export const loopThreshold = 25;

function combine(flows: FlowOutcome[]): NodeVerdict {
  const extraProblem = flows.find((flow) => flow.problem)?.problem;
  const prefixed = (flow: FlowOutcome, ids: string[]): string[] => ids.map((item) => `${flow.label}:${item}`);
  const missing = flows.flatMap((flow) => prefixed(flow, flow.difference.missing));
  const extra = flows.flatMap((flow) => prefixed(flow, flow.difference.extra));
  const mismatched = flows.flatMap((flow) =>
    flow.difference.mismatched.map((item) => ({ id: `${flow.label}:${item.id}`, fields: item.fields })),
  );
  const expected = flows.reduce((sum, flow) => sum + flow.difference.expected, 0);
  const found = flows.reduce((sum, flow) => sum + flow.difference.found, 0);
  const hints = [extraProblem, ...flows.map((flow) => flow.hint)].filter((hint): hint is string =>
    Boolean(hint),
  );
  return {
    passed:
      !extraProblem && missing.length === 0 && extra.length === 0 && mismatched.length === 0 && expected > 0,
    expected,
    found,
    missing: missing.slice(0, listLimit),
    missingCount: missing.length,
    mismatched: mismatched.slice(0, listLimit),
    mismatchedCount: mismatched.length,
    extra: extra.slice(0, listLimit),
    extraCount: extra.length,
    hint:
      hints.length > 0
        ? [...new Set(hints)].join(' ')
        : expected === 0
          ? 'Nothing to compare yet: the source side is empty.'
          : undefined,
    details: flows.map(
      (flow) =>
        `${flow.label}: ${flow.difference.found}/${flow.difference.expected} present, ${flow.difference.mismatched.length} different, ${flow.difference.extra.length} extra`,
    ),
  };
}

export function checkCosmosToKafka(spec: PipelineSpec, state: PipelineState): NodeVerdict {
  if (state.unavailable.cosmos) return unavailable(state.unavailable.cosmos);
  const flows = spec.flows.cosmosToKafka.map((flow): FlowOutcome => {
    const container = state.containers.get(containerKey(flow.database, flow.container));
    const topic = state.topics.get(flow.topic);
    const expected = container?.documents ?? new Map();
    const difference = diffDocuments(expected, objectsOf(topic), (_id, document) =>
      contentFields(flow.topic, document),
    );
    const maxVersions = Math.max(0, ...(topic?.versions.values() ?? []));
    const problem =
      maxVersions > loopThreshold
        ? `Ids on topic ${flow.topic} repeat up to ${maxVersions} times: something writes back into ${flow.database}/${flow.container} on every change (a sink writing into the source — a feedback loop). Point the sink at its own database.`
        : undefined;
    return {
      label: flow.topic,
      difference,
      problem,
      hint: problem ? undefined : cosmosToKafkaHint(spec, flow, difference, state, container, topic),
    };
  });
  return combine(flows);
}

export function checkKafkaToCosmos(spec: PipelineSpec, state: PipelineState): NodeVerdict {
  if (state.unavailable.cosmos) return unavailable(state.unavailable.cosmos);
  const flows = spec.flows.kafkaToCosmos.map((flow): FlowOutcome => {
    const topic = state.topics.get(flow.topic);
    const container = state.containers.get(containerKey(flow.database, flow.container));
    const difference = diffDocuments(objectsOf(topic), container?.documents ?? new Map(), (_id, document) =>
      contentFields(flow.topic, document),
    );
    return {
      label: flow.container,
      difference,
      hint: kafkaToCosmosHint(spec, flow, difference, state, topic, container),
    };
  });
  return combine(flows);
}

export function checkCosmosToSearch(spec: PipelineSpec, state: PipelineState): NodeVerdict {
  const problem = state.unavailable.cosmos ?? state.unavailable.search;
  if (problem) return unavailable(problem);
  const flows = spec.flows.cosmosToSearch.map((flow): FlowOutcome => {
    const container = state.containers.get(containerKey(flow.database, flow.container));
    const index = state.indexes.get(flow.index);
    const difference = diffDocuments(
      container?.documents ?? new Map(),
      index?.documents ?? new Map(),
      (_id, document) => contentFields(flow.topic, document, index?.fields),
    );
    return { label: flow.index, difference, hint: cosmosToSearchHint(spec, flow, difference, state, index) };
  });
  return combine(flows);
}

export function checkConnectorsHealthy(spec: PipelineSpec, state: PipelineState): NodeVerdict {
  const base = {
    mismatched: [],
    extra: [],
  };
  if (!state.connectors) {
    return {
      ...base,
      passed: false,
      expected: 1,
      found: 0,
      missing: [],
      missingCount: 0,
      hint: state.connectError ?? 'No Kafka Connect REST API is configured (CONNECT_URL).',
      details: [],
    };
  }
  const units: Array<{ name: string; running: boolean; line: string }> = [];
  for (const connector of state.connectors) {
    units.push({
      name: connector.name,
      running: connector.state === 'RUNNING',
      line: `${connector.name}: ${connector.state}`,
    });
    if (connector.state === 'RUNNING' && connector.tasks.length === 0) {
      units.push({
        name: `${connector.name}-tasks`,
        running: false,
        line: `${connector.name}: no tasks running`,
      });
    }
    for (const task of connector.tasks) {
      units.push({
        name: `${connector.name}-${task.id}`,
        running: task.state === 'RUNNING',
        line: `${connector.name} task ${task.id}: ${task.state}`,
      });
    }
  }
  const deadLettered = [...state.deadLetters].filter(([, count]) => count > 0);
  // A dead-letter topic is a unit of health too: one with records is what is missing, not a silent 6/6.
  for (const [topic, count] of state.deadLetters) {
    units.push({ name: `${topic} (${count} dead-lettered)`, running: count === 0, line: '' });
  }
  const notRunning = units.filter((unit) => !unit.running).map((unit) => unit.name);
  const details = [
    ...units.filter((unit) => unit.line).map((unit) => unit.line),
    ...[...state.deadLetters].flatMap(([topic, count]) => [
      `dead-letter topic ${topic}: ${count} record(s)`,
      ...(state.deadLetterSamples.get(topic) ?? []).map((sample) => `  ${sample}`),
    ]),
  ];
  const hint = connectorsHint(spec, state.connectors, deadLettered);
  return {
    ...base,
    passed: notRunning.length === 0 && deadLettered.length === 0 && !hint,
    expected: units.length,
    found: units.length - notRunning.length,
    missing: notRunning,
    missingCount: notRunning.length,
    hint,
    details,
  };
}

function unavailable(reason: string): NodeVerdict {
  return {
    passed: false,
    expected: 0,
    found: 0,
    missing: [],
    missingCount: 0,
    mismatched: [],
    extra: [],
    hint: reason,
    details: [],
  };
}
