// temporary (not committed): fills a running stack (HACK_HOME) like bench verifyAtScale, then one verify pass can be timed
import { challenge03 } from '../challenges/03-kafka-connect/challenge.ts';
import { pipeline03 } from '../challenges/03-kafka-connect/pipeline.ts';
import { provision } from '../challenges/provision.ts';
import { CATALOG_TOPICS, TOPICS, type AnyRecord } from '../generators/model.ts';
import { generateScenario, resolveScenario } from '../generators/scenario.ts';
import { cosmosWriter, type CosmosTarget } from '../generators/writers/cosmos.ts';
import { kafkaWriter } from '../generators/writers/kafka.ts';
import type { RecordWriter } from '../generators/writers/record-writer.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { searchClient } from '../infra/search/client.ts';
import { kafkaClient, kafkaConnectionOf } from '../infra/kafka/connection.ts';
import { readStack } from '../infra/stack/stack-file.ts';
import type { Environment } from '../infra/stack/environment.ts';
import { verifyChallenge } from '../verify/run.ts';

const stack = readStack()!;
const environment: Environment = {
  source: 'the benchmark',
  kafka: kafkaConnectionOf(stack.services.kafka!),
  cosmos: stack.services.cosmos,
  search: stack.services.search,
};
async function drain(writer: RecordWriter, records: Iterable<AnyRecord>): Promise<void> {
  try {
    for (const record of records) {
      const waiting = writer.write(record);
      if (waiting) await waiting;
    }
  } finally {
    await writer.close();
  }
}
if (process.argv[2] === 'fill') {
  const kafka = kafkaClient(environment.kafka, 'bench-challenge');
  const client = cosmosClient(environment.cosmos!);
  await provision(pipeline03, { kafka, cosmos: client, search: environment.search });
  const scenario = resolveScenario({ scale: process.env.SCALE ?? 'large' });
  console.time('kafka');
  await drain(await kafkaWriter(kafka, TOPICS), generateScenario(scenario));
  console.timeEnd('kafka');
  const sink = client.database('retail-sink');
  const targets: Partial<Record<string, CosmosTarget>> = {};
  for (const database of pipeline03.databases.filter((item) => item.name === 'retail-sink'))
    for (const container of database.containers)
      targets[container.name] = { container: sink.container(container.name), partitionKeyPath: container.partitionKey };
  console.time('cosmos');
  await drain(cosmosWriter(targets), generateScenario(scenario));
  console.timeEnd('cosmos');
  const source = client.database('retail');
  await drain(
    cosmosWriter({
      users: { container: source.container('users'), partitionKeyPath: '/id' },
      products: { container: source.container('products'), partitionKeyPath: '/category' },
    }),
    generateScenario(scenario, ['catalog']),
  );
  for (const topic of CATALOG_TOPICS) {
    const documents = [...generateScenario(scenario, ['catalog'])].filter((r) => r.topic === topic).map((r) => r.value);
    for (let i = 0; i < documents.length; i += 1000)
      await searchClient(environment.search!, topic).mergeOrUploadDocuments(documents.slice(i, i + 1000));
  }
  client.dispose();
  console.log('filled');
} else {
  const started = performance.now();
  const report = await verifyChallenge(challenge03, environment, { timeoutMs: 0 });
  const seconds = (performance.now() - started) / 1000;
  const data = report.checks.filter((check) => check.id !== 'connectors-healthy');
  console.log(`verify pass ${seconds.toFixed(2)} s`, data.map((c) => `${c.id}:${c.passed ? 'ok' : 'FAIL'}:${c.found}/${c.expected}`).join(' '));
}
