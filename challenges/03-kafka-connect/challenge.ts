import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { style } from '../../infra/console/style.ts';
import { CATALOG_TOPICS, EVENT_TOPICS } from '../../generators/model.ts';
import { generateScenario, type ScenarioPart } from '../../generators/scenario.ts';
import { catalogTargets, cosmosWriter } from '../../generators/writers/cosmos.ts';
import { kafkaWriter } from '../../generators/writers/kafka.ts';
import { ConnectClient } from '../../connectors/runtime/connect-client.ts';
import { containerKey, type PipelineState } from '../../verify/checks.ts';
import { observePipeline } from '../../verify/pipeline-state.ts';
import { pipelineChecks } from '../../verify/pipeline-checks.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { lintPipeline } from '../lint.ts';
import { provision, resetLocal } from '../provision.ts';
import { applyConnectorsStep, drain } from '../steps.ts';
import { pipeline03 as pipeline } from './pipeline.ts';

/**
 * Challenge 03 — Kafka Connect: the participant's Cosmos DB source, Cosmos DB sink and Azure AI Search sink
 * configs (connectors/), applied to the stack's worker; verification follows the pipeline's graph.
 */
const withCosmos = async <T>(
  context: StepContext,
  body: (cosmos: ReturnType<typeof cosmosClient>) => Promise<T>,
): Promise<T> => {
  const cosmos = cosmosClient(context.environment.cosmos!);
  try {
    return await body(cosmos);
  } finally {
    cosmos.dispose();
  }
};

const part = (context: StepContext, name: ScenarioPart) => generateScenario(context.scenario, [name]);

/** Per-topic, per-container and per-index counts while verification polls. */
function liveView(state: PipelineState): string[] {
  const topics = pipeline.topics.map(
    (topic) => `${topic.name} ${state.topics.get(topic.name)?.latest.size ?? 0}`,
  );
  const sink = pipeline.flows.kafkaToCosmos.map((flow) => {
    const want = state.topics.get(flow.topic)?.latest.size ?? 0;
    const have = state.containers.get(containerKey(flow.database, flow.container))?.documents.size ?? 0;
    return `${flow.container} ${have}/${want}`;
  });
  const indexes = pipeline.flows.cosmosToSearch.map((flow) => {
    const want = state.containers.get(containerKey(flow.database, flow.container))?.documents.size ?? 0;
    return `${flow.index} ${state.indexes.get(flow.index)?.documents.size ?? 0}/${want}`;
  });
  return [
    `${style.dim('kafka  ')} ${topics.join(' · ')}`,
    `${style.dim('cosmos ')} ${sink.join(' · ')}`,
    `${style.dim('search ')} ${indexes.join(' · ')}`,
  ];
}

export const challenge03: Challenge<PipelineState> = {
  id: '03',
  slug: '03-kafka-connect',
  title: 'Kafka Connect: Cosmos DB source and sink, Azure AI Search sink',
  dir: pipeline.dir,
  services: ['kafka', 'cosmos', 'search', 'connect'],
  requires: ['cosmos', 'search', 'connect'],
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh
          ? 'Fresh topics, databases, containers and indexes'
          : 'Topics, databases, containers and indexes',
      run: (context) =>
        withCosmos(context, async (cosmos) => {
          const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
          const { search, connect } = context.environment;
          if (context.local && !context.fresh)
            await resetLocal(pipeline, {
              kafka,
              cosmos,
              search: search!,
              connect: new ConnectClient(connect!.url),
            });
          await provision(pipeline, { kafka, cosmos, search });
        }),
    },
    {
      title: (context) =>
        `Seed ${context.scenario.scale.users} users and ${context.scenario.scale.products} products into Cosmos DB`,
      run: (context) =>
        withCosmos(context, async (cosmos) => {
          await drain(cosmosWriter(await catalogTargets(cosmos)), part(context, 'catalog'), CATALOG_TOPICS);
        }),
    },
    applyConnectorsStep(),
    {
      title: 'Produce the seven event topics and update users and products while the pipeline runs',
      run: (context) =>
        withCosmos(context, async (cosmos) => {
          const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
          const events = await drain(
            await kafkaWriter(kafka, EVENT_TOPICS),
            part(context, 'events'),
            EVENT_TOPICS,
          );
          const updates = await drain(
            cosmosWriter(await catalogTargets(cosmos)),
            part(context, 'updates'),
            CATALOG_TOPICS,
          );
          return { detail: `${events} events to Kafka, ${updates} live updates to Cosmos DB` };
        }),
    },
  ],
  lint: (dir) => lintPipeline(pipeline, readConnectorFiles(dir)),
  observe: (environment) => observePipeline(pipeline, environment),
  checks: pipelineChecks(pipeline),
  liveView,
};
