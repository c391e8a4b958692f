import { failed, passed, type CheckNode, type NodeVerdict } from '../challenges/challenge.ts';
import type { ConnectorRole, PipelineSpec } from '../challenges/spec.ts';
import {
  checkConnectorsHealthy,
  checkCosmosToKafka,
  checkCosmosToSearch,
  checkKafkaToCosmos,
  type PipelineState,
} from './checks.ts';
import type { ConnectorView } from './connect-state.ts';
import { connectorsInRole } from './connector-keys.ts';
import { evaluateGraph } from './graph.ts';
import type { CheckResult } from './report.ts';
import { failureLine } from './task-failure.ts';

/**
 * The check graph of a Cosmos/Kafka/Search pipeline: services → connectors (with their tasks) → flows. A flow
 * that fails while the connector it needs is FAILED says "blocked by connector:…" instead of guessing at
 * transforms or id strategies.
 */
export const roleNames: Record<ConnectorRole, string> = {
  'cosmos-source': 'Cosmos DB source',
  'cosmos-sink': 'Cosmos DB sink',
  'search-sink': 'Azure AI Search sink',
};

type Service = 'kafka' | 'cosmos' | 'search' | 'connect';

function serviceNode(service: Service, title: string): CheckNode<PipelineState> {
  return {
    id: `service:${service}`,
    title,
    evaluate: (state) => {
      const problem = service === 'connect' ? state.connectError : state.unavailable[service];
      return problem ? failed(problem, { final: true }) : passed();
    },
  };
}

function connectorVerdict(connectors: ConnectorView[], role: ConnectorRole, spec: PipelineSpec): NodeVerdict {
  return connectorStatusVerdict(connectors, roleNames[role], spec.roles[role][0]!);
}

/**
 * The verdict on the connectors that play one role (`label`, e.g. "Cosmos DB source"), for any challenge:
 * waiting helps only while Connect is still starting a connector or task; FAILED/PAUSED/STOPPED stay so.
 */
export function connectorStatusVerdict(
  connectors: ConnectorView[],
  label: string,
  connectorClass: string,
): NodeVerdict {
  if (connectors.length === 0) {
    return failed(`No ${label} connector is deployed: apply one with connector.class ${connectorClass}.`, {
      final: true,
    });
  }
  const details: string[] = [];
  const problems: Array<{ text: string; final: boolean }> = [];
  for (const connector of connectors) {
    details.push(`${connector.name}: ${connector.state}, ${connector.tasks.length} task(s)`);
    if (connector.state === 'FAILED') {
      problems.push({
        text: failureLine(`Connector ${connector.name}`, connector.trace, connector.config),
        final: true,
      });
      continue;
    }
    if (connector.state === 'PAUSED' || connector.state === 'STOPPED') {
      problems.push({
        text: `Connector ${connector.name} is ${connector.state}: \`npx hack connectors resume ${connector.name}\`.`,
        final: true,
      });
      continue;
    }
    const failedTask = connector.tasks.find((task) => task.state === 'FAILED');
    if (failedTask) {
      problems.push({
        text: failureLine(`Task ${failedTask.id} of ${connector.name}`, failedTask.trace, connector.config),
        final: true,
      });
    } else if (connector.state !== 'RUNNING' || connector.tasks.length === 0) {
      problems.push({
        text: `Connector ${connector.name} is ${connector.state} and has no running task yet.`,
        final: false,
      });
    } else if (connector.tasks.some((task) => task.state !== 'RUNNING')) {
      const task = connector.tasks.find((item) => item.state !== 'RUNNING')!;
      problems.push({
        text: `Task ${task.id} of ${connector.name} is ${task.state}.`,
        final: task.state === 'PAUSED',
      });
    }
  }
  if (problems.length === 0) return passed(details);
  const verdict = failed(problems.map((problem) => problem.text).join(' '), {
    final: problems.some((problem) => problem.final),
    details,
  });
  return { ...verdict, expected: connectors.length, found: connectors.length - problems.length };
}

function connectorNode(spec: PipelineSpec, role: ConnectorRole): CheckNode<PipelineState> {
  return {
    id: `connector:${role}`,
    title: `The ${roleNames[role]} connector and its tasks are RUNNING`,
    dependsOn: ['service:connect'],
    evaluate: (state) =>
      state.connectors
        ? connectorVerdict(connectorsInRole(spec, state.connectors, role), role, spec)
        : failed(state.connectError ?? 'No Kafka Connect REST API is configured (CONNECT_URL).', {
            final: true,
          }),
  };
}

/** Challenge 03's graph; `cosmos-to-kafka`, `kafka-to-cosmos`, `cosmos-to-search`, `connectors-healthy` are stable ids. */
export function pipelineChecks(spec: PipelineSpec): Array<CheckNode<PipelineState>> {
  const node = (
    id: string,
    title: string,
    dependsOn: string[],
    check: (spec: PipelineSpec, state: PipelineState) => NodeVerdict,
  ): CheckNode<PipelineState> => ({ id, title, dependsOn, evaluate: (state) => check(spec, state) });
  return [
    serviceNode('kafka', 'Kafka answers'),
    serviceNode('cosmos', 'Cosmos DB answers'),
    serviceNode('search', 'Azure AI Search answers'),
    serviceNode('connect', 'The Kafka Connect REST API answers'),
    connectorNode(spec, 'cosmos-source'),
    connectorNode(spec, 'cosmos-sink'),
    connectorNode(spec, 'search-sink'),
    node(
      'cosmos-to-kafka',
      'Every user and product in Cosmos DB is on its Kafka topic, same content',
      ['service:kafka', 'service:cosmos', 'connector:cosmos-source'],
      checkCosmosToKafka,
    ),
    node(
      'kafka-to-cosmos',
      'Every record of the nine topics is stored in the sink database, same content (latest per id)',
      ['service:kafka', 'service:cosmos', 'connector:cosmos-sink'],
      checkKafkaToCosmos,
    ),
    node(
      'cosmos-to-search',
      'Every user and product in Cosmos DB is in its Azure AI Search index',
      ['service:cosmos', 'service:search', 'cosmos-to-kafka', 'connector:search-sink'],
      checkCosmosToSearch,
    ),
    node(
      'connectors-healthy',
      'Every connector and task is RUNNING, and no record went to a dead-letter queue',
      ['service:connect', 'service:kafka'],
      checkConnectorsHealthy,
    ),
  ];
}

/** The graph evaluated on one state (unit tests, benchmarks). */
export function runChecks(spec: PipelineSpec, state: PipelineState): CheckResult[] {
  return evaluateGraph(pipelineChecks(spec), state);
}
