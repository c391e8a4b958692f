import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin, Kafka } from 'kafkajs';
import { INVENTORY_INPUTS } from '../../generators/inventory.ts';
import { type AnyRecord, type Topic } from '../../generators/model.ts';
import { generateScenario } from '../../generators/scenario.ts';
import { ensureTopics, kafkaWriter } from '../../generators/writers/kafka.ts';
import { style } from '../../infra/console/style.ts';
import { errorMessage } from '../../infra/errors.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { serviceDataDir } from '../../infra/paths.ts';
import { isAlive } from '../../infra/process/index.ts';
import { TopicReader } from '../../verify/readers/kafka.ts';
import type { Challenge, ChallengeStep, StepContext, StepOutcome } from '../challenge.ts';
import { drain } from '../steps.ts';
import { streamChecks, type StreamState } from './checks.ts';
import {
  crashLine,
  logTail,
  PROCESSOR_SERVICE,
  processorKind,
  startProcessor,
  type RunningProcessor,
} from './processor.ts';

/**
 * Challenge 04 — stream processing: the participant's processor (Kafka Streams in Java, or TypeScript on
 * kafkajs) turns purchases, returns, replenishments, capacities and ratings into `inventory-on-hand` and
 * `top-5-products`. The harness produces only the inputs: the catalog and the first half of the events before
 * the processor starts, the second half while it runs, and some ratings late (after newer ones of their product).
 */
export const INPUT_TOPICS: readonly Topic[] = ['users', 'products', ...INVENTORY_INPUTS, 'product-ratings'];
export const OUTPUT_TOPICS: readonly Topic[] = ['inventory-on-hand', 'top-5-products'];
/** Every LATE_EVERY-th rating reaches Kafka only after all other events (a phone that synced late). */
const LATE_EVERY = 40;
/** Kafka Streams' application.id in the reference: its internal topics start with it. */
const STREAMS_APPLICATION_ID = 'retail-streams';

/** The processor this run started (read by the observer to say when it died). */
let running: RunningProcessor | undefined;

/** The scenario's input records in production order: on time first, late ratings last. */
export function inputRecords(context: Pick<StepContext, 'scenario'>): {
  early: AnyRecord[];
  live: AnyRecord[];
} {
  const onTime: AnyRecord[] = [];
  const late: AnyRecord[] = [];
  let ratings = 0;
  for (const record of generateScenario(context.scenario, ['catalog', 'events'])) {
    if (!INPUT_TOPICS.includes(record.topic)) continue;
    if (record.topic === 'product-ratings' && ++ratings % LATE_EVERY === 0) late.push(record);
    else onTime.push(record);
  }
  const half = Math.floor(onTime.length / 2);
  return { early: onTime.slice(0, half), live: [...onTime.slice(half), ...late] };
}

/** Topic prefixes and consumer groups a reset must never touch: a Connect worker's, should one share the broker. */
const KEEP_GROUPS = /^connect-/;

/**
 * Forgets what a processor computed: the output topics, and the state any earlier processor left on the broker —
 * its consumer groups' committed offsets and, for a Kafka Streams app (application.id = group id), its
 * changelog and repartition topics, which it would otherwise restore into fresh RocksDB stores and count on top of.
 * With `inputs` the input topics go too. Groups still in use (a Connect worker's) are left alone.
 */
async function resetTopics(
  kafka: Kafka,
  options: { inputs: boolean; say?: (text: string) => void },
): Promise<void> {
  const { inputs } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const stale = [...new Set([STREAMS_APPLICATION_ID, ...groups.map((group) => group.groupId)])].filter(
      (group) => !KEEP_GROUPS.test(group),
    );
    if (options.say) await untilLeft(admin, stale, options.say);
    const ours = (await admin.listTopics()).filter((topic) =>
      INPUT_TOPICS.includes(topic as Topic)
        ? inputs
        : OUTPUT_TOPICS.includes(topic as Topic) || stale.some((group) => topic.startsWith(`${group}-`)),
    );
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => ours.includes(topic)); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // A group with members (still running) is refused: it is not ours to reset.
    for (const group of stale) await admin.deleteGroups([group]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Kafka Streams does not leave its consumer group on close: a stopped app's member stays until its session times
 * out (45 s by default), and until then its group — the committed offsets a restart would resume from, reading no
 * input at all — cannot be deleted. Waits for that (at most 60 s), saying why.
 */
async function untilLeft(admin: Admin, groups: string[], say: (text: string) => void): Promise<void> {
  const deadline = Date.now() + 60_000;
  let told = false;
  while (groups.length > 0 && Date.now() < deadline) {
    const busy = (await admin.describeGroups(groups)).groups.filter((group) => group.members.length > 0);
    if (busy.length === 0) return;
    if (!told)
      say(
        style.dim(
          `  waiting for the stopped processor to leave consumer group ${busy.map((group) => group.groupId).join(', ')} (Kafka Streams stays in it until its session times out; a consumer session.timeout.ms of 10000 makes this shorter)…`,
        ),
      );
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function ensureTopicsAfterDelete(kafka: Kafka): Promise<void> {
  // Right after a deletion the broker may still refuse the new partitions' metadata for a moment.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(kafka, [...INPUT_TOPICS, ...OUTPUT_TOPICS]);
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function produce(context: StepContext, records: AnyRecord[]): Promise<number> {
  const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
  return drain(await kafkaWriter(kafka, INPUT_TOPICS), records, INPUT_TOPICS);
}

/**
 * Waits until the processor has written its first output record (a JVM and a consumer-group join take a while),
 * so that the rest of the events is live traffic; returns why not when it exits first or never writes.
 */
async function firstOutput(context: StepContext, processor: RunningProcessor): Promise<string | undefined> {
  const admin = kafkaClient(context.environment.kafka, 'connect-hack-challenge').admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (!isAlive(processor.pid))
        return `it exited: ${crashLine(logTail(processor.logFile, 60)) || '(empty log)'}`;
      const offsets = await admin.fetchTopicOffsets('inventory-on-hand');
      if (offsets.some((partition) => Number(partition.high) > 0)) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return `no record on inventory-on-hand within 180 s (see ${processor.logFile})`;
  } finally {
    await admin.disconnect();
  }
}

/** Starts the participant's processor (stopped when the run ends) and waits for its first output record. */
async function startStep(context: StepContext): Promise<StepOutcome> {
  const processor = await startProcessor(context.participantDir, context.environment.kafka, {
    onProgress: (message) => context.say(style.dim(`  ${message}`)),
  });
  running = processor;
  context.onCleanup(async () => {
    await processor.stop();
    if (running === processor) running = undefined;
  });
  const ready = await firstOutput(context, processor);
  if (ready) return { failed: ready, detail: `log ${processor.logFile}` };
  return { detail: `pid ${processor.pid} wrote its first output; log ${processor.logFile}` };
}

/**
 * `--watch`: on a save, the processor is stopped, what it computed forgotten (output topics, its committed
 * offsets, a Kafka Streams app's changelogs and state dir — on the local stack only), and the new code started
 * on the inputs already in Kafka: its numbers are judged from scratch, not on top of the old version's.
 */
const restartStep: ChallengeStep = {
  title: (context) =>
    context.local
      ? `Restart the processor in ${context.participantDir} on fresh output topics`
      : `Restart the processor in ${context.participantDir}`,
  run: async (context) => {
    const previous = running;
    if (previous) {
      await previous.stop();
      if (running === previous) running = undefined;
    }
    if (context.local) {
      const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
      await resetTopics(kafka, { inputs: false, say: context.say });
      rmSync(serviceDataDir(PROCESSOR_SERVICE), { recursive: true, force: true });
      await ensureTopicsAfterDelete(kafka);
    }
    return startStep(context);
  },
};

export const challenge04: Challenge<StreamState> = {
  id: '04',
  slug: '04-stream-processing',
  title: 'Stream processing: inventory on hand and the top-5 products',
  dir: dirname(fileURLToPath(import.meta.url)),
  folders: { participant: 'processor', solution: join('solution', 'kafka-streams') },
  services: ['kafka'],
  requires: [],
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh ? 'Fresh input and output topics' : 'Input and output topics',
      run: async (context) => {
        const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
        if (context.local && !context.fresh) await resetTopics(kafka, { inputs: true });
        if (context.local) rmSync(serviceDataDir(PROCESSOR_SERVICE), { recursive: true, force: true });
        await ensureTopicsAfterDelete(kafka);
      },
    },
    {
      title: (context) =>
        `Produce ${context.scenario.scale.users} users, ${context.scenario.scale.products} products, capacities and the first half of the events`,
      run: async (context) => ({ detail: `${await produce(context, inputRecords(context).early)} records` }),
    },
    {
      title: (context) =>
        `Start the ${processorKind(context.participantDir) === 'java' ? 'Kafka Streams' : 'TypeScript'} processor in ${context.participantDir}`,
      run: startStep,
    },
    {
      title: `Live traffic: the second half of the events, every ${LATE_EVERY}th rating late`,
      run: async (context) => ({ detail: `${await produce(context, inputRecords(context).live)} records` }),
    },
  ],
  observe: async (environment) => {
    const reader = new TopicReader(environment.kafka, [...INPUT_TOPICS, ...OUTPUT_TOPICS]);
    return {
      read: async (): Promise<StreamState> => {
        const processor = running && {
          alive: isAlive(running.pid),
          logFile: running.logFile,
          logTail: isAlive(running.pid) ? '' : logTail(running.logFile, 60),
        };
        try {
          // The first read of a team's cluster may be a million records (about a minute); later reads are incremental.
          return { topics: await reader.snapshot(180_000), ...(processor ? { processor } : {}) };
        } catch (error) {
          return {
            topics: new Map(),
            kafkaError: `Kafka at ${environment.kafka.bootstrapServers} could not be read: ${errorMessage(error)}`,
            ...(processor ? { processor } : {}),
          };
        }
      },
      close: () => reader.close(),
    };
  },
  checks: streamChecks,
  watch: { files: /\.(ts|java)$|(^|\/)pom\.xml$/, apply: restartStep },
  liveView: (state) => [
    `${style.dim('kafka  ')} ${OUTPUT_TOPICS.map((topic) => `${topic} ${state.topics.get(topic)?.records ?? 0} records`).join(' · ')}`,
  ],
};
