import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AssignerProtocol, Kafka, type Admin } from 'kafkajs';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { errorMessage, HackError } from '../../infra/errors.ts';
import { kafkaClient, kafkajsConfig } from '../../infra/kafka/connection.ts';
import { importTypeScript } from '../../infra/process/index.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import { CATALOG_TOPICS, TOPIC_PARTITIONS, TOPICS } from '../../generators/model.ts';
import { generateScenario } from '../../generators/scenario.ts';
import { CATALOG_DATABASE, catalogTargets, cosmosWriter } from '../../generators/writers/cosmos.ts';
import { ensureTopics } from '../../generators/writers/kafka.ts';
import { serviceProblem } from '../../verify/pipeline-state.ts';
import { readContainer } from '../../verify/readers/cosmos.ts';
import { TopicReader } from '../../verify/readers/kafka.ts';
import type { Challenge, Observer, StepContext } from '../challenge.ts';
import { drain } from '../steps.ts';
import {
  isRatingShaped,
  producersConsumersChecks,
  type MembershipObservation,
  type ProducersConsumersState,
} from './checks.ts';
import {
  consumerErrorsFile,
  enrichedRatingsFile,
  membershipFile,
  RATINGS_GROUP,
  RATINGS_TOPIC,
  type ParticipantConsumer,
  type ParticipantProducer,
  type RunningConsumer,
} from './contract.ts';

/**
 * Challenge 02 — producers and consumers: the participant's kafkajs producer (ratings of products by users read
 * from Cosmos DB) and consumer (each rating joined with its user and product, to a JSONL file), run by the harness
 * with 1, 2 and then 7 consumer instances in one group while the admin API records who reads which partition.
 */
const dir = dirname(fileURLToPath(import.meta.url));
/** Ratings per run and their period: a local run takes seconds (the hack's text says one every 15 s). */
const RATING_COUNT = 12;
const RATING_PERIOD_MS = Number(process.env.RATING_PERIOD_MS ?? 100);
const GROUP_SIZES = [1, 2, 7];

/** Imports the participant's module; a missing file or export is named with what to write. */
async function participantModule<T>(participantDir: string, file: string, exported: string): Promise<T> {
  const path = join(participantDir, file);
  if (!existsSync(path))
    throw new HackError(`${path} does not exist.`, {
      fix: `Copy ${join(dir, 'clients', file)} there and fill in its TODOs.`,
    });
  let module: Record<string, unknown>;
  try {
    module = (await importTypeScript(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new HackError(`${path} could not be loaded: ${errorMessage(error).split('\n')[0]}`, {
      fix: 'Keep your clients inside this repository, where .ts files load as ES modules (as clients/ does).',
    });
  }
  if (typeof module[exported] !== 'function')
    throw new HackError(`${path} does not export a function ${exported}.`, {
      fix: `Keep the signature of ${join(dir, 'clients', file)}.`,
    });
  return module as T;
}

/** A participant's code that throws stops the run with its own message (the template's says what to do first). */
async function participantCall<T>(what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof HackError) throw error;
    const message = errorMessage(error);
    throw new HackError(`${what} threw: ${message}`, {
      fix: /^TODO \d/.test(message)
        ? 'That is your next step: write it (README.md says what each client does, contract.ts has the types), then `npm run challenge:02` again.'
        : 'Fix it and run `npm run challenge:02` again (`-- --solution` runs the reference).',
    });
  }
}

/**
 * The group as the admin API describes it once it is stable with `members` members that share every partition;
 * after two minutes, what it looked like last (the check then names what is off).
 */
async function waitForGroup(
  admin: Admin,
  members: number,
  crashed: () => boolean = () => false,
): Promise<MembershipObservation> {
  let last: MembershipObservation = { consumers: members, state: 'not described', members: [] };
  for (let attempt = 0; attempt < 600; attempt++) {
    const group = (await admin.describeGroups([RATINGS_GROUP])).groups[0];
    if (group) {
      last = {
        consumers: members,
        state: group.state,
        members: group.members.map((member) => {
          const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          return {
            clientId: member.clientId,
            partitions: [...(decoded?.assignment[RATINGS_TOPIC] ?? [])].sort((a, b) => a - b),
          };
        }),
      };
      const assigned = last.members.reduce((sum, member) => sum + member.partitions.length, 0);
      if (group.state === 'Stable' && last.members.length >= members && assigned >= TOPIC_PARTITIONS)
        return last;
    }
    if (crashed() && attempt > 25) return last; // a consumer that keeps crashing never makes the group stable
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return last;
}

/** The first consumer reads every rating before the group grows; a consumer that writes nothing is the check's to name. */
async function waitForLines(output: string, count: number, crashed: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 150 && !(crashed() && attempt > 25); attempt++) {
    if (existsSync(output) && readFileSync(output, 'utf8').split('\n').filter(Boolean).length >= count)
      return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function withClients<T>(
  context: StepContext,
  body: (clients: {
    kafka: ReturnType<typeof kafkaClient>;
    cosmos: ReturnType<typeof cosmosClient>;
  }) => Promise<T>,
  /** Collects what kafkajs logs at ERROR for the participant's clients (an eachMessage that throws is only logged). */
  errors?: string[],
): Promise<T> {
  const cosmos = cosmosClient(context.environment.cosmos!);
  const config = kafkajsConfig(context.environment.kafka, 'connect-hack-challenge-02');
  const kafka = new Kafka(
    errors
      ? {
          ...config,
          logCreator:
            () =>
            ({ log }) => {
              // only the participant's own code failing: kafkajs also logs rebalances in progress as errors
              const entry = log as { message?: string; error?: string };
              if (/eachMessage|eachBatch|crash/i.test(String(entry.message)))
                errors.push(entry.error ? `${entry.message}: ${entry.error}` : String(entry.message));
            },
        }
      : config,
  );
  return body({ kafka, cosmos }).finally(() => cosmos.dispose());
}

/** The participant's logged errors in a line: distinct messages, most frequent first. */
function loggedErrors(errors: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(error, (counts.get(error) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 2);
  return top.length
    ? top.map(([message, count]) => `${message}${count > 1 ? ` (×${count})` : ''}`).join('; ')
    : undefined;
}

/**
 * product-ratings with 4 partitions. The broker auto-creates topics with 1 partition when a client asks for one
 * that does not exist yet; locally such a topic is replaced, on an --env it is named (challenge 01 creates it).
 */
async function ratingsTopic(kafka: ReturnType<typeof kafkaClient>, local: boolean): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0, deletions = 0; attempt < 40 && deletions < 3; attempt++) {
      let partitions: number;
      try {
        await ensureTopics(kafka, [RATINGS_TOPIC]);
        const [topic] = (await admin.fetchTopicMetadata({ topics: [RATINGS_TOPIC] })).topics;
        partitions = topic?.partitions.length ?? 0;
      } catch (error) {
        // A topic just created or deleted reaches the broker's metadata cache a moment later (KRaft): kafkajs
        // then says "This server does not host this topic-partition", a retriable error.
        if (
          !(error as { retriable?: boolean }).retriable &&
          !/topic-partition|leader/i.test(errorMessage(error))
        )
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      if (partitions === TOPIC_PARTITIONS) return;
      deletions++;
      if (!local)
        throw new HackError(`${RATINGS_TOPIC} has ${partitions} partition(s), not ${TOPIC_PARTITIONS}.`, {
          fix: `Recreate it with ${TOPIC_PARTITIONS} partitions (challenge 01).`,
        });
      await admin.deleteTopics({ topics: [RATINGS_TOPIC], timeout: 30_000 });
      for (let i = 0; i < 100 && (await admin.listTopics()).includes(RATINGS_TOPIC); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new HackError(
      `${RATINGS_TOPIC} keeps coming back with other than ${TOPIC_PARTITIONS} partitions.`,
      {
        fix: 'Stop whatever still reads or writes it (another consumer?) and run again.',
      },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * The group starts from the beginning of the topic, as a new group would (`fromBeginning` only applies without
 * committed offsets): on an --env an earlier run's offsets are rewound, never deleted. Members still running
 * elsewhere would take partitions from the run's consumers, so they are named instead.
 */
async function rewindGroup(kafka: ReturnType<typeof kafkaClient>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const group = (await admin.describeGroups([RATINGS_GROUP])).groups[0];
    if (!group || group.state === 'Dead') return;
    if (group.members.length > 0)
      throw new HackError(
        `${group.members.length} consumer(s) of group ${RATINGS_GROUP} are still running (${[...new Set(group.members.map((member) => `${member.clientId} on ${member.clientHost}`))].join(', ')}).`,
        {
          fix: 'Stop them (an earlier run of your consumer?): they would take partitions from the run’s consumers.',
        },
      );
    await admin.resetOffsets({ groupId: RATINGS_GROUP, topic: RATINGS_TOPIC, earliest: true });
  } finally {
    await admin.disconnect();
  }
}

async function resetLocal(context: StepContext): Promise<void> {
  await withClients(context, async ({ kafka, cosmos }) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(RATINGS_TOPIC)) {
        await admin.deleteTopics({ topics: [RATINGS_TOPIC], timeout: 30_000 });
        for (let i = 0; i < 100 && (await admin.listTopics()).includes(RATINGS_TOPIC); i++)
          await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await admin.deleteGroups([RATINGS_GROUP]).catch(() => {});
    } finally {
      await admin.disconnect();
    }
    await cosmos
      .database(CATALOG_DATABASE)
      .delete()
      .catch(() => {});
  });
}

async function observe(environment: Environment): Promise<Observer<ProducersConsumersState>> {
  const kafka = kafkaClient(environment.kafka, 'connect-hack-verify');
  let others: string[] = [];
  const admin = kafka.admin();
  try {
    await admin.connect();
    others = (await admin.listTopics()).filter(
      (topic) =>
        !topic.startsWith('_') &&
        !(TOPICS as readonly string[]).includes(topic) &&
        !/^(dlq-|search-sink-|connect-)/.test(topic),
    );
  } catch {
    // Kafka's node says why when the reader fails too.
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const reader = new TopicReader(environment.kafka, [RATINGS_TOPIC, ...others]);
  return { read: () => readState(environment, reader, others), close: () => reader.close() };
}

async function readState(
  environment: Environment,
  reader: TopicReader,
  others: string[],
): Promise<ProducersConsumersState> {
  const state: ProducersConsumersState = {
    unavailable: {},
    users: new Map(),
    products: new Map(),
    ratings: [],
    strayRatings: [],
    output: { path: enrichedRatingsFile(), exists: false, lines: [], unreadable: 0 },
    membership: { path: membershipFile() },
    ...(existsSync(consumerErrorsFile())
      ? { consumerErrors: readFileSync(consumerErrorsFile(), 'utf8').trim() }
      : {}),
    partitions: TOPIC_PARTITIONS,
  };
  if (!environment.cosmos) {
    state.unavailable.cosmos = `No Cosmos DB endpoint in ${environment.source} (set COSMOS_ENDPOINT and COSMOS_KEY).`;
  } else {
    const client = cosmosClient(environment.cosmos);
    try {
      state.users = (await readContainer(client, CATALOG_DATABASE, 'users')).documents;
      state.products = (await readContainer(client, CATALOG_DATABASE, 'products')).documents;
    } catch (error) {
      state.unavailable.cosmos = serviceProblem(
        'Cosmos DB',
        environment.cosmos.endpoint,
        error,
        environment,
        'COSMOS_KEY',
      );
    } finally {
      client.dispose();
    }
  }
  try {
    const topics = await reader.snapshot(10_000);
    state.ratings = [...(topics.get(RATINGS_TOPIC)?.latest.values() ?? [])];
    for (const topic of others) {
      const count = [...(topics.get(topic)?.latest.values() ?? [])].filter((record) =>
        isRatingShaped(record.value),
      ).length;
      if (count > 0) state.strayRatings.push({ topic, count });
    }
  } catch (error) {
    state.unavailable.kafka = `Kafka at ${environment.kafka.bootstrapServers} does not answer: ${errorMessage(error)}.`;
  }
  if (existsSync(state.output.path)) {
    state.output.exists = true;
    for (const text of readFileSync(state.output.path, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      try {
        const line = JSON.parse(text) as unknown;
        if (line && typeof line === 'object' && !Array.isArray(line))
          state.output.lines.push(line as Record<string, unknown>);
        else state.output.unreadable++;
      } catch {
        state.output.unreadable++;
      }
    }
  }
  if (existsSync(state.membership.path)) {
    try {
      state.membership.observations = JSON.parse(
        readFileSync(state.membership.path, 'utf8'),
      ) as MembershipObservation[];
    } catch {
      // An unreadable file reads as no observation; the node says how to record one.
    }
  }
  return state;
}

export const challenge02: Challenge<ProducersConsumersState> = {
  id: '02',
  slug: '02-producers-consumers',
  title: 'Producers and consumers: product ratings, enriched, in one consumer group',
  dir,
  folders: { participant: 'clients', solution: 'solution' },
  services: ['kafka', 'cosmos'],
  requires: ['cosmos'],
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh
          ? `Fresh ${RATINGS_TOPIC} topic and retail database`
          : `${RATINGS_TOPIC} topic and retail database`,
      run: async (context) => {
        if (context.local && !context.fresh) await resetLocal(context);
        rmSync(enrichedRatingsFile(), { force: true });
        rmSync(membershipFile(), { force: true });
        rmSync(consumerErrorsFile(), { force: true });
        await withClients(context, async ({ kafka }) => {
          await ratingsTopic(kafka, context.local);
          await rewindGroup(kafka);
        });
      },
    },
    {
      title: (context) =>
        `Seed ${context.scenario.scale.users} users and ${context.scenario.scale.products} products into Cosmos DB`,
      run: (context) =>
        withClients(context, async ({ cosmos }) => {
          await drain(
            cosmosWriter(await catalogTargets(cosmos)),
            generateScenario(context.scenario, ['catalog']),
            CATALOG_TOPICS,
          );
        }),
    },
    {
      title: (context) =>
        `Your producer (${join(context.participantDir, 'producer.ts')}): ${RATING_COUNT} ratings, one every ${RATING_PERIOD_MS} ms`,
      run: async (context) => {
        if (!(Number.isFinite(RATING_PERIOD_MS) && RATING_PERIOD_MS >= 0))
          throw new HackError(
            `RATING_PERIOD_MS is ${process.env.RATING_PERIOD_MS}, not a number of milliseconds.`,
            {
              fix: 'Unset it (100 ms) or give milliseconds, e.g. RATING_PERIOD_MS=15000 for the hack’s 15 s.',
            },
          );
        const producer = await participantModule<ParticipantProducer>(
          context.participantDir,
          'producer.ts',
          'produceRatings',
        );
        await withClients(context, ({ kafka, cosmos }) =>
          participantCall('produceRatings()', () =>
            producer.produceRatings({ kafka, cosmos, count: RATING_COUNT, periodMs: RATING_PERIOD_MS }),
          ),
        );
      },
    },
    {
      title: (context) =>
        `Your consumer (${join(context.participantDir, 'consumer.ts')}): 1, then 2, then 7 instances in group ${RATINGS_GROUP}`,
      run: async (context) => {
        const consumer = await participantModule<ParticipantConsumer>(
          context.participantDir,
          'consumer.ts',
          'startConsumer',
        );
        const output = enrichedRatingsFile();
        mkdirSync(dirname(output), { recursive: true });
        const errors: string[] = [];
        const crashed = (): boolean => errors.length > 0;
        return withClients(
          context,
          async ({ kafka, cosmos }) => {
            const admin = kafka.admin();
            await admin.connect();
            const running: RunningConsumer[] = [];
            const observations: MembershipObservation[] = [];
            try {
              for (const size of GROUP_SIZES) {
                // the new instances join together: one rebalance per group size, not one per instance
                const started = await Promise.allSettled(
                  Array.from({ length: size - running.length }, (_, index) => running.length + index + 1).map(
                    (instance) =>
                      participantCall(`startConsumer() (instance ${instance})`, () =>
                        consumer.startConsumer({ kafka, cosmos, groupId: RATINGS_GROUP, output, instance }),
                      ),
                  ),
                );
                for (const outcome of started)
                  if (outcome.status === 'fulfilled') running.push(outcome.value);
                const refused = started.find((outcome) => outcome.status === 'rejected');
                if (refused) throw refused.reason;
                const seen = await waitForGroup(admin, size, crashed);
                if (size === 1) await waitForLines(output, RATING_COUNT, crashed);
                observations.push(seen);
                const idle = seen.members.filter((member) => member.partitions.length === 0).length;
                context.say(
                  `  ${size} consumer(s): ${seen.members.map((member) => `[${member.partitions.join(',')}]`).join(' ') || `no member in the group (${seen.state})`}${idle ? ` — ${idle} idle` : ''}`,
                );
                // a consumer that crashed on every record will not do better with more instances
                if (size === 1 && crashed() && !existsSync(output)) break;
              }
            } finally {
              writeFileSync(membershipFile(), `${JSON.stringify(observations, null, 2)}\n`);
              await Promise.all(running.map((instance) => instance.stop().catch(() => {})));
              await admin.disconnect();
            }
            const logged = loggedErrors(errors);
            if (logged) writeFileSync(consumerErrorsFile(), `${logged}\n`);
            return {
              ...(logged ? { failed: `your consumer failed — ${logged}` } : {}),
              detail: `membership recorded in ${membershipFile()}; enriched ratings in ${output}`,
            };
          },
          errors,
        );
      },
    },
  ],
  observe,
  checks: producersConsumersChecks,
};
