import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { progressBar } from '../infra/console/progress.ts';
import { mark, style } from '../infra/console/style.ts';
import { renderTable } from '../infra/console/table.ts';
import { errorMessage, HackError, UsageError } from '../infra/errors.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { hackHome } from '../infra/paths.ts';
import { resolveEnvironment } from '../infra/stack/environment.ts';
import { CATALOG_TOPICS, EVENT_TOPICS, TOPICS, isTopic, type Topic } from './model.ts';
import { runGeneration } from './run.ts';
import { estimateRecords, resolveScenario, type ScenarioOptions } from './scenario.ts';
import { catalogTargets, cosmosWriter, CATALOG_DATABASE } from './writers/cosmos.ts';
import { jsonlWriter } from './writers/jsonl.ts';
import { kafkaWriter } from './writers/kafka.ts';
import type { RecordWriter } from './writers/record-writer.ts';

export type Target = 'kafka' | 'cosmos' | 'jsonl';
export const TARGETS: readonly Target[] = ['kafka', 'cosmos', 'jsonl'];

/** The challenges built on the retail model (reference: challenge-model.md). */
const RETAIL_CHALLENGES = ['01', '02', '03', '04', '05'];

/** Challenge 03's flow: the catalog goes to Cosmos (and reaches Kafka through the source connector), the seven event topics straight to Kafka. */
export const DEFAULT_TOPICS: Readonly<Record<Target, readonly Topic[]>> = {
  kafka: EVENT_TOPICS,
  cosmos: CATALOG_TOPICS,
  jsonl: TOPICS,
};

export interface GenerateCommandOptions {
  challenge: string;
  seed: string;
  scale: string;
  to?: string;
  out?: string;
  topics?: string;
  start?: string;
  spanDays?: string;
  liveUpdates: string;
  env?: string;
  database: string;
  progress: boolean;
}

export interface GeneratePlan {
  challenge: string;
  target: Target;
  topics: Topic[];
  scenario: ScenarioOptions;
  outDir: string;
}

/** Every option checked before anything connects or writes; errors name the option and the fix. */
export function planGeneration(options: GenerateCommandOptions): GeneratePlan {
  if (!RETAIL_CHALLENGES.includes(options.challenge)) {
    throw new UsageError(`--challenge ${options.challenge} has no generated data.`, {
      fix: `Use one of ${RETAIL_CHALLENGES.join(', ')} (the retail challenges).`,
    });
  }
  const target = options.to as Target;
  if (!TARGETS.includes(target)) {
    throw new UsageError(`--to ${options.to ?? '(missing)'} is not a target.`, {
      fix: `Use --to ${TARGETS.join('|')}.`,
    });
  }
  let topics = [...DEFAULT_TOPICS[target]];
  if (options.topics) {
    const named = options.topics.split(',').map((topic) => topic.trim());
    const unknown = named.filter((topic) => !isTopic(topic));
    if (unknown.length > 0) {
      throw new UsageError(
        `--topics: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a topic.`,
        {
          fix: `Topics: ${TOPICS.join(', ')}.`,
        },
      );
    }
    topics = TOPICS.filter((topic) => named.includes(topic));
    if (target === 'cosmos' && topics.some((topic) => !CATALOG_TOPICS.includes(topic))) {
      throw new UsageError('--to cosmos writes only users and products (database `retail`).', {
        fix: 'The event topics reach Cosmos through the Cosmos sink connector; produce them with --to kafka.',
      });
    }
  }
  const scenario = resolveScenario({
    seed: options.seed,
    scale: options.scale,
    start: options.start,
    spanDays: options.spanDays,
    liveUpdates: options.liveUpdates,
  });
  const outDir = resolve(options.out ?? join(hackHome(), 'generated', `challenge-${options.challenge}`));
  return { challenge: options.challenge, target, topics, scenario, outDir };
}

async function openWriter(
  plan: GeneratePlan,
  envFile: string | undefined,
  database: string,
): Promise<RecordWriter> {
  if (plan.target === 'jsonl') return jsonlWriter(plan.outDir, plan.topics);
  const environment = resolveEnvironment(envFile);
  if (plan.target === 'kafka') {
    return kafkaWriter(kafkaClient(environment.kafka, 'connect-hack-generator'), plan.topics, {
      description: `Kafka ${environment.kafka.bootstrapServers}`,
    });
  }
  if (!environment.cosmos) {
    throw new UsageError(`${environment.source} has no Cosmos DB.`, {
      fix: 'Start the local stack with `npx hack up --detach`, or set COSMOS_ENDPOINT and COSMOS_KEY in the --env file.',
    });
  }
  const { endpoint } = environment.cosmos;
  const targets = await catalogTargets(cosmosClient(environment.cosmos), database).catch((error: unknown) => {
    throw new HackError(
      `Cosmos DB at ${endpoint} did not create database ${database}: ${errorMessage(error).split('\n')[0]}`,
      {
        fix: 'Check the endpoint and key (`npx hack status` for the local stack) and that the account is reachable.',
        retriable: true,
        cause: error,
      },
    );
  });
  return cosmosWriter(targets, { description: `Cosmos ${environment.cosmos.endpoint} database ${database}` });
}

/** Long runs get a progress bar; a small scenario finishes before one would be worth drawing. */
const PROGRESS_THRESHOLD = 20_000;

export async function generateCommand(options: GenerateCommandOptions): Promise<void> {
  const plan = planGeneration(options);
  const writer = await openWriter(plan, options.env, options.database);
  mkdirSync(plan.outDir, { recursive: true });
  const estimate = estimateRecords(plan.scenario);
  const bar =
    options.progress && estimate >= PROGRESS_THRESHOLD ? progressBar('generating', estimate) : undefined;
  const started = Date.now();
  const summary = await runGeneration({
    challenge: plan.challenge,
    options: plan.scenario,
    target: plan.target,
    topics: plan.topics,
    writer,
    manifestFile: join(plan.outDir, 'manifest.json'),
    onProgress: bar && ((generated) => bar.update(Math.min(generated, estimate - 1))),
  });
  bar?.finish(`${summary.generated} records`);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `${renderTable(
      [
        { header: 'topic', value: (topic: Topic) => topic },
        { header: 'records', value: (topic: Topic) => summary.written[topic] ?? 0, align: 'right' },
      ],
      plan.topics,
    )}\n\n`,
  );
  process.stdout.write(
    `${mark.ok()} ${summary.writtenTotal} records to ${writer.description} in ${seconds.toFixed(1)} s ` +
      `(seed ${plan.scenario.seed}, ${options.scale})\n  ${style.dim('manifest')} ${summary.manifestFile}\n`,
  );
}

export function registerGenerateCommands(program: Command): void {
  program
    .command('generate')
    .description('Generate the seeded retail data set to Kafka, Cosmos DB or JSONL files, with a manifest')
    .addOption(new Option('--to <target>', 'where the records go').choices(TARGETS).makeOptionMandatory())
    .option('--challenge <nn>', 'the challenge the data is for', '03')
    .option('--seed <n>', 'the seed: the same seed gives the same records', '42')
    .option('--scale <scale>', 'small | medium | large | users=N,products=N,events=N', 'small')
    .option(
      '--out <dir>',
      'directory for the JSONL files and manifest.json (default .hack/generated/challenge-NN)',
    )
    .option(
      '--topics <list>',
      'comma-separated topics to write (default: kafka the 7 event topics, cosmos users,products, jsonl all)',
    )
    .option('--start <iso>', 'reference start time of the events', undefined)
    .option('--span-days <n>', 'days the events spread over')
    .option('--live-updates <n>', 'also generate this many user/product updates', '0')
    .option(
      '--env <file>',
      'env file with KAFKA_BOOTSTRAP_SERVERS / COSMOS_ENDPOINT, COSMOS_KEY instead of .hack/stack.json',
    )
    .option('--database <name>', 'Cosmos database for --to cosmos', CATALOG_DATABASE)
    .option('--no-progress', 'no progress bar')
    .action(async (options: GenerateCommandOptions) => {
      await generateCommand(options);
    });
}
