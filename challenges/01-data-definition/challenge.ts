import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { TOPICS, type Topic } from '../../generators/model.ts';
import { generateScenario } from '../../generators/scenario.ts';
import { kafkaWriter } from '../../generators/writers/kafka.ts';
import { mark } from '../../infra/console/style.ts';
import { HackError, errorMessage } from '../../infra/errors.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { installKafkaTools } from '../../infra/kafka/install.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { drain } from '../steps.ts';
import { dataDefinitionChecks } from './checks.ts';
import {
  definitionFile,
  lintDefinition,
  readDefinition,
  schemaTypeOfFile,
  topicNameProblem,
  valueSubject,
  type DataDefinition,
} from './definition.ts';
import {
  observeDataDefinition,
  registryClient,
  schemaRegistryLibrary,
  type DataDefinitionState,
} from './state.ts';

/**
 * Challenge 01 — data definition: the participant declares the nine topics (4 partitions each) and a value
 * schema per topic with a compatibility level (definition/); the run creates and registers them, produces
 * generated records, and verifies Kafka and the Schema Registry as they are.
 */

function definitionOf(context: StepContext): DataDefinition {
  try {
    return readDefinition(context.participantDir);
  } catch (error) {
    throw new HackError(errorMessage(error), { fix: 'Run `npx hack lint --challenge 01` for what to fix.' });
  }
}

async function withAdmin<T>(
  kafka: Kafka,
  body: (admin: ReturnType<Kafka['admin']>) => Promise<T>,
): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * On the local stack only: the topics and subjects an earlier run left (the nine and whatever the definition
 * names) are removed, so the run shows what the participant's files make.
 */
async function resetLocal(context: StepContext, kafka: Kafka, definition: DataDefinition): Promise<void> {
  const names = new Set<string>([...TOPICS, ...definition.topics.map((topic) => String(topic.name))]);
  await withAdmin(kafka, async (admin) => {
    const ours = (await admin.listTopics()).filter((topic) => names.has(topic));
    if (ours.length === 0) return;
    await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    // deletion is asynchronous in Kafka: wait until the names are free again
    for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => ours.includes(topic)); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
  });
  const registry = await registryClient(context.environment.schemaRegistry!);
  const subjects = new Set([...names].map(valueSubject));
  for (const subject of (await registry.getAllSubjects()).filter((name) => subjects.has(name))) {
    await registry.deleteSubject(subject);
    await registry.deleteSubject(subject, true);
  }
}

const kafkaOf = (context: StepContext): Kafka =>
  kafkaClient(context.environment.kafka, 'connect-hack-challenge-01');

export const challenge01: Challenge<DataDefinitionState> = {
  id: '01',
  slug: '01-data-definition',
  title: 'Data definition: topics and their schemas in a Schema Registry',
  dir: import.meta.dirname,
  folders: { participant: 'definition', solution: 'solution' },
  services: ['kafka', 'schema-registry'],
  requires: ['schemaRegistry'],
  steps: [
    {
      title: "Kafka's command-line tools (the console producer and consumer the checks use)",
      run: async (context) => {
        const tools = await installKafkaTools({ onProgress: (message) => context.say(`  ${message}`) });
        return { detail: `${tools.jars.length} jars in ${tools.libDir}` };
      },
    },
    {
      title: (context) => `Topics from ${join(context.participantDir, definitionFile)}`,
      run: async (context) => {
        const definition = definitionOf(context);
        const kafka = kafkaOf(context);
        if (context.local && !context.fresh) await resetLocal(context, kafka, definition);
        const wanted = definition.topics.filter((topic) => !topicNameProblem(String(topic.name)));
        const created = await withAdmin(kafka, async (admin) => {
          const existing = new Set(await admin.listTopics());
          const missing = wanted.filter((topic) => !existing.has(topic.name));
          if (missing.length > 0)
            await admin.createTopics({
              topics: missing.map((topic) => ({
                topic: topic.name,
                numPartitions: Number(topic.partitions) || 1,
              })),
              waitForLeaders: true,
            });
          return missing.length;
        });
        return { detail: `${created} created, ${wanted.length - created} already there` };
      },
    },
    {
      title: 'Value schemas and compatibility levels into the Schema Registry',
      run: async (context) => {
        const definition = definitionOf(context);
        const registry = await registryClient(context.environment.schemaRegistry!);
        const { RestError } = await schemaRegistryLibrary();
        const refused: string[] = [];
        for (const topic of definition.topics) {
          const type = topic.schema ? schemaTypeOfFile(topic.schema) : undefined;
          if (!topic.schema || !type || topicNameProblem(String(topic.name))) continue;
          const subject = valueSubject(topic.name);
          try {
            if (definition.compatibility)
              await registry.updateCompatibility(
                subject,
                String(definition.compatibility).toUpperCase() as never,
              );
            const schema = readFileSync(join(context.participantDir, topic.schema), 'utf8');
            const id = await registry.register(subject, { schemaType: type, schema });
            context.say(`  ${mark.ok()} ${subject}: ${type} schema id ${id}`);
          } catch (error) {
            refused.push(subject);
            const reason = error instanceof RestError ? `${error.message}` : errorMessage(error);
            context.say(`  ${mark.fail()} ${subject}: ${reason}`);
          }
        }
        if (refused.length > 0) return { failed: `the registry refused ${refused.join(', ')}` };
      },
    },
    {
      title: 'Generated records onto the topics that exist',
      run: async (context) => {
        const kafka = kafkaOf(context);
        const existing = new Set(await withAdmin(kafka, (admin) => admin.listTopics()));
        const topics: Topic[] = TOPICS.filter((topic) => existing.has(topic));
        if (topics.length === 0) return { failed: 'none of the nine topics exists' };
        const writer = await kafkaWriter(kafka, topics, { createTopics: false });
        const count = await drain(writer, generateScenario(context.scenario, ['catalog', 'events']), topics);
        return { detail: `${count} records to ${topics.length} topics` };
      },
    },
  ],
  lint: lintDefinition,
  observe: observeDataDefinition,
  checks: dataDefinitionChecks,
  liveView: (state) => [
    `topics ${TOPICS.filter((topic) => state.kafka.partitions.has(topic)).length}/9 · round trips ${[...state.roundTrips.values()].filter((trip) => trip.ok).length}/9 · schemas ${state.registry.subjects.size}/9`,
  ],
};
