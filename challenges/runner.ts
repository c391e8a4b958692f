import { join } from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import { CATALOG_TOPICS, EVENT_TOPICS } from '../generators/model.ts';
import { generateScenario, resolveScenario, type ScenarioPart } from '../generators/scenario.ts';
import { catalogTargets, cosmosWriter } from '../generators/writers/cosmos.ts';
import { kafkaWriter } from '../generators/writers/kafka.ts';
import type { RecordWriter } from '../generators/writers/record-writer.ts';
import type { CosmosClient } from '@azure/cosmos';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { mark, style } from '../infra/console/style.ts';
import { errorMessage, HackError } from '../infra/errors.ts';
import { environmentFromVariables, type Environment } from '../infra/stack/environment.ts';
import { loadEnvFile } from '../infra/stack/env-file.ts';
import { down, up } from '../infra/stack/lifecycle.ts';
import { readStack } from '../infra/stack/stack-file.ts';
import { stackServices } from '../infra/stack/registry.ts';
import { serviceDataDir } from '../infra/paths.ts';
import { kafkaConnectionOf } from '../infra/kafka/connection.ts';
import { ConnectClient } from '../connectors/runtime/connect-client.ts';
import { applyConnector, readConnectorFiles } from '../connectors/runtime/cli.ts';
import { verifyAndReport } from '../verify/cli.ts';
import type { ReportFormat } from '../verify/reporters/index.ts';
import type { VerifyReport } from '../verify/report.ts';
import type { PipelineState } from '../verify/checks.ts';
import { containerKey } from '../verify/checks.ts';
import { provision, resetLocal } from './provision.ts';
import type { ChallengeSpec } from './spec.ts';

export interface ChallengeRunOptions {
  solution?: boolean;
  /** A folder of connector configs to apply instead of the participant's or the reference ones. */
  connectors?: string;
  seed?: number;
  scale?: string;
  keep?: boolean;
  env?: string;
  report?: ReportFormat;
  out?: string;
  /** Seconds verification may poll before it reports. */
  timeout?: number;
}

const say = (text: string): void => void process.stderr.write(`${text}\n`);

async function step<T>(title: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  say(`${style.cyan('▶')} ${title}…`);
  try {
    const result = await body();
    say(`${mark.ok()} ${title} ${style.dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)}`);
    return result;
  } catch (error) {
    say(`${mark.fail()} ${title}`);
    throw error;
  }
}

async function drain(
  writer: RecordWriter,
  records: Iterable<{ topic: string }>,
  topics: readonly string[],
): Promise<number> {
  let count = 0;
  try {
    for (const record of records) {
      if (!topics.includes(record.topic)) continue;
      const waiting = writer.write(record as Parameters<RecordWriter['write']>[0]);
      if (waiting) await waiting;
      count++;
    }
  } finally {
    await writer.close();
  }
  return count;
}

/** The connector configs to apply: `--connectors DIR`, the reference with `--solution`, else the participant's. */
export function connectorDir(spec: ChallengeSpec, options: ChallengeRunOptions): string {
  const dir = options.connectors ?? join(spec.dir, options.solution ? 'solution' : 'connectors');
  if (!existsSync(dir))
    throw new HackError(`${dir} does not exist.`, { fix: 'Pass a folder of connector JSON files.' });
  return dir;
}

/** Per-topic, per-container and per-index counts while verification polls. */
function liveView(spec: ChallengeSpec) {
  return (state: PipelineState): string[] => {
    const topics = spec.topics.map(
      (topic) => `${topic.name} ${state.topics.get(topic.name)?.latest.size ?? 0}`,
    );
    const sink = spec.flows.kafkaToCosmos.map((flow) => {
      const want = state.topics.get(flow.topic)?.latest.size ?? 0;
      const have = state.containers.get(containerKey(flow.database, flow.container))?.documents.size ?? 0;
      return `${flow.container} ${have}/${want}`;
    });
    const indexes = spec.flows.cosmosToSearch.map((flow) => {
      const want = state.containers.get(containerKey(flow.database, flow.container))?.documents.size ?? 0;
      return `${flow.index} ${state.indexes.get(flow.index)?.documents.size ?? 0}/${want}`;
    });
    return [
      `${style.dim('kafka  ')} ${topics.join(' · ')}`,
      `${style.dim('cosmos ')} ${sink.join(' · ')}`,
      `${style.dim('search ')} ${indexes.join(' · ')}`,
    ];
  };
}

/**
 * `hack challenge 03`: the whole challenge on one command — stack, databases/topics/indexes, seed, connectors,
 * events with live updates, verification, scoreboard — and the stack torn down again unless `--keep`.
 */
export async function runChallenge(spec: ChallengeSpec, options: ChallengeRunOptions): Promise<VerifyReport> {
  const dir = connectorDir(spec, options);
  const files = readConnectorFiles(dir);
  const scenario = resolveScenario({ seed: options.seed, scale: options.scale });
  scenario.liveUpdates = Math.max(5, Math.round(scenario.scale.users / 5));
  const local = !options.env;
  // No stack running: this run owns the one it starts, from empty data dirs (quicker than starting on an old
  // run's data and cleaning it up), and takes it down again — also when anything below fails.
  const fresh = local && !readStack();
  let startedStack = false;
  let cosmosToDispose: CosmosClient | undefined;
  try {
    const environment: Environment = await step(
      local ? 'Local stack up' : `Environment from ${options.env}`,
      async () => {
        if (!local) return environmentFromVariables(loadEnvFile(options.env), options.env!);
        if (fresh) {
          // Only what this run starts: a database's data (started on demand) is the participant's to keep.
          for (const service of stackServices.filter((candidate) => !candidate.onDemand))
            rmSync(serviceDataDir(service.name), { recursive: true, force: true });
        }
        const { stack, outcomes } = await up({
          profile: 'local',
          progress: (message) => say(style.dim(`  ${message}`)),
        });
        startedStack = Object.values(outcomes).some(
          (outcome) => outcome === 'started' || outcome === 'recovered',
        );
        const { kafka, cosmos, search, connect } = stack.services;
        if (!kafka || !cosmos || !search || !connect)
          throw new HackError('The local stack is incomplete.', { fix: 'Run `npx hack status`.' });
        return { source: 'the local stack', kafka: kafkaConnectionOf(kafka), cosmos, search, connect };
      },
    );
    const missing = (['cosmos', 'search', 'connect'] as const).filter((service) => !environment[service]);
    if (missing.length > 0) {
      throw new HackError(`${environment.source} has no ${missing.join(', ')} endpoint.`, {
        fix: 'Set COSMOS_ENDPOINT/COSMOS_KEY, SEARCH_ENDPOINT/SEARCH_ADMIN_KEY and CONNECT_URL.',
      });
    }

    const kafka = kafkaClient(environment.kafka, 'connect-hack-challenge');
    const cosmos = cosmosClient(environment.cosmos!);
    cosmosToDispose = cosmos;
    const connect = new ConnectClient(environment.connect!.url);
    await step(
      local && !fresh
        ? 'Fresh topics, databases, containers and indexes'
        : 'Topics, databases, containers and indexes',
      async () => {
        if (local && !fresh) await resetLocal(spec, { kafka, cosmos, search: environment.search!, connect });
        await provision(spec, { kafka, cosmos, search: environment.search });
      },
    );

    const part = (name: ScenarioPart) => generateScenario(scenario, [name]);
    await step(
      `Seed ${scenario.scale.users} users and ${scenario.scale.products} products into Cosmos DB`,
      async () => drain(cosmosWriter(await catalogTargets(cosmos)), part('catalog'), CATALOG_TOPICS),
    );

    await step(`Apply ${files.length} connector(s) from ${dir}`, async () => {
      for (const file of files) {
        try {
          say(`  ${mark.ok()} ${file.name} ${await applyConnector(connect, file)}`);
        } catch (error) {
          say(`  ${mark.fail()} ${file.name}: ${errorMessage(error)}`);
        }
      }
    });

    await step(
      'Produce the seven event topics and update users and products while the pipeline runs',
      async () => {
        const events = await drain(await kafkaWriter(kafka, EVENT_TOPICS), part('events'), EVENT_TOPICS);
        const updates = await drain(
          cosmosWriter(await catalogTargets(cosmos)),
          part('updates'),
          CATALOG_TOPICS,
        );
        say(style.dim(`  ${events} events to Kafka, ${updates} live updates to Cosmos DB`));
      },
    );

    return await verifyAndReport(spec, environment, {
      timeout: options.timeout ?? 90,
      report: options.report,
      out: options.out,
      liveView: liveView(spec),
    });
  } finally {
    cosmosToDispose?.dispose();
    if ((fresh || startedStack) && !options.keep) {
      await down((message) => say(style.dim(`  ${message}`)));
      say(style.dim('Stack stopped (use --keep to leave it running and explore).'));
    } else if (local) {
      say(style.dim('The stack keeps running: `npx hack status`, `npx hack down` when done.'));
    }
  }
}
