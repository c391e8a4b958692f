import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import { ConnectClient } from '../../connectors/runtime/connect-client.ts';
import { ensureTopics } from '../../generators/writers/kafka.ts';
import { style } from '../../infra/console/style.ts';
import { errorMessage, HackError } from '../../infra/errors.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { serviceLogFile } from '../../infra/paths.ts';
import { isAlive, spawnDetached, stopProcess, typescriptServiceCommand } from '../../infra/process/index.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import type { CosmosMongoEntry } from '../../infra/stack/stack-file.ts';
import { readConnectors } from '../../verify/connect-state.ts';
import { TopicReader } from '../../verify/readers/kafka.ts';
import { logTail } from '../04-stream-processing/processor.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { applyConnectorsStep } from '../steps.ts';
import { outboxChecks, SOURCE_CLASS, type CacheDocument, type OutboxState } from './checks.ts';
import { lintOutbox } from './lint.ts';
import { DATABASE, OUTBOX_TOPICS, readShop, runOrderService } from './order-service.ts';

/**
 * Challenge 07 — event propagation with the outbox pattern: the order service writes each business change and
 * its outbox event in one Cosmos DB for MongoDB transaction; the participant's MongoDB source connectors (on
 * Apache Kafka Connect) stream the outbox into one topic per aggregate type, keyed by aggregate id, the payload
 * unwrapped; their consumer keeps a read model (`cache.orders`) in step.
 */
export const CONSUMER_SERVICE = 'consumer-07';
export const CACHE_DATABASE = 'cache';
const CONSUMER_GROUP = 'order-cache';

/** The consumer this run started (read by the observer to say when it died). */
let running: { pid: number; logFile: string } | undefined;

export function mongoClient(entry: CosmosMongoEntry): MongoClient {
  return new MongoClient(entry.connectionString, {
    ...(entry.certificateFile ? { tlsCAFile: entry.certificateFile } : {}),
    serverSelectionTimeoutMS: 10_000,
  });
}

function requireParts(environment: Environment): { mongo: CosmosMongoEntry; connectUrl: string } {
  if (!environment.cosmosMongo)
    throw new HackError(
      `${environment.source} has no Cosmos DB for MongoDB (COSMOS_MONGO_CONNECTION_STRING).`,
    );
  if (!environment.apacheConnect)
    throw new HackError(`${environment.source} has no Apache Kafka Connect (APACHE_CONNECT_URL).`);
  return { mongo: environment.cosmosMongo, connectUrl: environment.apacheConnect.url };
}

/** The variables the consumer (and any participant process) reads: the stack's names, as in an env file. */
export function consumerEnv(environment: Environment): NodeJS.ProcessEnv {
  const { mongo } = requireParts(environment);
  return {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: environment.kafka.bootstrapServers,
    COSMOS_MONGO_CONNECTION_STRING: mongo.connectionString,
    ...(mongo.certificateFile ? { COSMOS_MONGO_CA_FILE: mongo.certificateFile } : {}),
  };
}

/**
 * Stops the connectors of an earlier run and forgets their offsets, so that a new run starts from its own outbox:
 * the participant's (by name) and any MongoDB source connector on the `shop` database (a stored resume token
 * names a collection that no longer exists).
 */
async function resetConnectors(connect: ConnectClient, names: string[]): Promise<void> {
  const ours = (await readConnectors(connect.url)).filter(
    (connector) =>
      names.includes(connector.name) ||
      (connector.config['connector.class'] === SOURCE_CLASS && connector.config.database === DATABASE),
  );
  for (const { name } of ours) {
    const path = `/connectors/${encodeURIComponent(name)}`;
    await connect.call('PUT', `${path}/stop`);
    for (let attempt = 0; attempt < 40; attempt++) {
      const reset = await connect.call('DELETE', `${path}/offsets`).catch((error: unknown) => error);
      if (!(reset instanceof Error)) break;
      await new Promise((done) => setTimeout(done, 250)); // the stop takes a moment to reach the tasks
    }
    await connect.call('DELETE', path);
  }
}

async function resetTopics(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((topic) => OUTBOX_TOPICS.includes(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => ours.includes(topic)); i++)
      await new Promise((done) => setTimeout(done, 100));
    await admin.deleteGroups([CONSUMER_GROUP]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

async function freshStart(context: StepContext): Promise<void> {
  const { mongo, connectUrl } = requireParts(context.environment);
  const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
  if (context.local && !context.fresh) {
    const names = readConnectorFiles(context.participantDir).map((file) => file.name);
    await resetConnectors(new ConnectClient(connectUrl), names);
    await resetTopics(kafka);
    const client = await mongoClient(mongo).connect();
    try {
      await client.db(DATABASE).dropDatabase();
      await client.db(CACHE_DATABASE).dropDatabase();
    } finally {
      await client.close();
    }
  }
  // Right after a deletion the broker may still refuse the new partitions' metadata for a moment.
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(kafka, OUTBOX_TOPICS);
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((done) => setTimeout(done, 500));
    }
  }
}

async function startConsumer(context: StepContext): Promise<{ failed?: string; detail: string }> {
  const script = join(resolve(context.participantDir), 'consumer.ts');
  if (!existsSync(script))
    return { failed: `${script} does not exist`, detail: 'the read model is judged as it is' };
  const logFile = serviceLogFile(CONSUMER_SERVICE);
  const { command, args } = typescriptServiceCommand(script);
  const { pid } = spawnDetached(command, args, {
    logFile,
    env: consumerEnv(context.environment),
    cwd: resolve(context.participantDir),
  });
  running = { pid, logFile };
  context.onCleanup(async () => {
    if (isAlive(pid)) await stopProcess(pid, 20_000);
    if (running?.pid === pid) running = undefined;
  });
  return { detail: `pid ${pid}, log ${logFile}` };
}

export const challenge07: Challenge<OutboxState> = {
  id: '07',
  slug: '07-outbox',
  title: 'Event propagation with the outbox pattern on Cosmos DB for MongoDB',
  dir: dirname(fileURLToPath(import.meta.url)),
  folders: { participant: 'outbox', solution: 'solution' },
  // HACK_OTEL=1: the OTLP receiver too, so the worker starts with the OpenTelemetry agent (`hack otel` after).
  get services() {
    return ['kafka', 'cosmos-mongo', ...(process.env.HACK_OTEL === '1' ? ['otel'] : []), 'apache-connect'];
  },
  requires: ['cosmosMongo', 'apacheConnect'],
  lint: lintOutbox,
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh
          ? 'Fresh outbox, topics, read model and connector offsets'
          : `Topics ${OUTBOX_TOPICS.join(', ')}`,
      run: freshStart,
    },
    applyConnectorsStep('apacheConnect'),
    { title: (context) => `Start the consumer in ${context.participantDir}`, run: startConsumer },
    {
      title: (context) =>
        `Order service: ${context.scenario.scale.users} orders placed, paid, shipped or cancelled, one transaction each, some aborted`,
      run: async (context) => {
        const client = await mongoClient(requireParts(context.environment).mongo).connect();
        try {
          const run = await runOrderService(client, {
            seed: context.scenario.seed,
            orders: context.scenario.scale.users,
            onProgress: (message) => context.say(style.dim(`  ${message}`)),
          });
          return {
            detail: `${run.committed} transactions committed (${run.events} outbox events), ${run.aborted} aborted on purpose`,
          };
        } finally {
          await client.close();
        }
      },
    },
  ],
  observe: async (environment) => {
    const reader = new TopicReader(environment.kafka, OUTBOX_TOPICS, { keepRecords: true });
    const client = environment.cosmosMongo ? mongoClient(environment.cosmosMongo) : undefined;
    return {
      read: async (): Promise<OutboxState> => {
        const state: OutboxState = { orders: [], outbox: [], topics: new Map() };
        if (running)
          state.consumer = {
            alive: isAlive(running.pid),
            logFile: running.logFile,
            logTail: isAlive(running.pid) ? '' : logTail(running.logFile),
          };
        try {
          for (const [topic, snapshot] of await reader.snapshot(10_000))
            state.topics.set(topic, snapshot.all ?? []);
        } catch (error) {
          state.kafkaError = `Kafka at ${environment.kafka.bootstrapServers} could not be read: ${errorMessage(error)}`;
        }
        if (!client)
          state.mongoError = 'No Cosmos DB for MongoDB is configured (COSMOS_MONGO_CONNECTION_STRING).';
        else {
          try {
            Object.assign(state, await readShop(client));
            state.cache = (await client
              .db(CACHE_DATABASE)
              .collection('orders')
              .find({})
              .toArray()) as unknown as CacheDocument[];
          } catch (error) {
            state.mongoError = `Cosmos DB for MongoDB could not be read: ${errorMessage(error)}`;
          }
        }
        if (!environment.apacheConnect)
          state.connectError = 'No Apache Kafka Connect is configured (APACHE_CONNECT_URL).';
        else {
          try {
            state.connectors = (await readConnectors(environment.apacheConnect.url)).filter(
              (connector) => connector.config['connector.class'] === SOURCE_CLASS,
            );
          } catch (error) {
            state.connectError = `Apache Kafka Connect at ${environment.apacheConnect.url} could not be read: ${errorMessage(error)}`;
          }
        }
        return state;
      },
      close: async () => {
        await reader.close();
        await client?.close();
      },
    };
  },
  checks: outboxChecks,
  liveView: (state) => [
    `${style.dim('kafka  ')} ${OUTBOX_TOPICS.map((topic) => `${topic} ${state.topics.get(topic)?.length ?? 0} records`).join(' · ')} ${style.dim(`(outbox ${state.outbox.length} events, cache ${state.cache?.length ?? 0} orders)`)}`,
  ],
};
