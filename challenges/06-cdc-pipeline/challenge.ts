import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { ConnectClient, connectorPath } from '../../connectors/runtime/connect-client.ts';
import { applySqlFile } from '../../infra/databases/apply-sql.ts';
import { withSession } from '../../infra/databases/clients.ts';
import { style } from '../../infra/console/style.ts';
import { errorMessage, HackError } from '../../infra/errors.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import { createTopicsReady } from '../../infra/kafka/topics.ts';
import { serviceDataDir } from '../../infra/paths.ts';
import { isAlive } from '../../infra/process/index.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import type { CosmosMongoEntry, DatabaseEntry } from '../../infra/stack/stack-file.ts';
import { readConnectors } from '../../verify/connect-state.ts';
import { TopicReader, type TopicSnapshot } from '../../verify/readers/kafka.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { applyConnectorsStep } from '../steps.ts';
import { logTail, startProcessor, type RunningProcessor } from '../04-stream-processing/processor.ts';
import { cdcChecks, type CdcState } from './checks.ts';
import { lint06 } from './lint.ts';
import {
  ALL_TOPICS,
  changeSql,
  insertCustomers,
  insertProducts,
  MONGO,
  planShop,
  TOPICS,
  type Customer,
  type Order,
  type Product,
} from './shop.ts';

/**
 * Challenge 06 — the CDC pipeline: MySQL → two Debezium MySQL sources (SMT chains) → customers, products; the
 * harness's orders producer → orders; two Kafka Streams processors → orders-details (+ orders-dlq) and
 * orders-totals-by-customer; MongoDB's sink → Cosmos DB for MongoDB. The participant's part is
 * `pipeline/connectors/*.json` (applied to Apache Kafka Connect) and `pipeline/processor/` (run by the harness).
 */
const dir = dirname(fileURLToPath(import.meta.url));
export const PROCESSOR_SERVICE = 'processor-06';
/** The connectors a local re-run removes (with their offsets, so Debezium snapshots again). */
const CONNECTOR_NAMES = ['customers-source', 'products-source', 'totals-sink'];
/** Kafka Streams application ids of the reference and the template: their internal topics and groups go too. */
const STREAMS_APPS = ['orders-details', 'orders-totals', 'my-orders-details', 'my-orders-totals'];

let running: RunningProcessor | undefined;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function need<T>(value: T | undefined, what: string, variable: string): T {
  if (!value) throw new HackError(`The environment has no ${what} (${variable}).`);
  return value;
}

const mysqlOf = (context: StepContext): DatabaseEntry =>
  need(context.environment.mysql, 'MySQL', 'MYSQL_HOST');
const sql = (context: StepContext, statement: string): Promise<unknown> =>
  withSession('mysql', mysqlOf(context), (session) => session.run(statement));

export function mongoClient(entry: CosmosMongoEntry): MongoClient {
  return new MongoClient(entry.connectionString, {
    ...(entry.certificateFile ? { tlsCAFile: entry.certificateFile } : {}),
    ...(entry.tlsInsecure && !entry.certificateFile ? { tlsAllowInvalidCertificates: true } : {}),
    serverSelectionTimeoutMS: 5_000,
  });
}

/** Removes what an earlier local run left: connectors and their offsets, topics, Streams state, tables, documents. */
async function resetLocal(context: StepContext, kafka: Kafka): Promise<void> {
  const connect = new ConnectClient(
    need(context.environment.apacheConnect, 'Apache Kafka Connect', 'APACHE_CONNECT_URL').url,
  );
  const deployed = await connect.get<string[]>('/connectors');
  for (const name of deployed.filter((item) => CONNECTOR_NAMES.includes(item))) {
    // Stopped, its offsets deleted, then removed: a connector of the same name starts from scratch (a new snapshot).
    await connect.call('PUT', connectorPath(name, '/stop'));
    for (let attempt = 0; attempt < 40; attempt++) {
      const status = await connect.get<{ connector: { state: string } }>(connectorPath(name, '/status'));
      if (status.connector.state === 'STOPPED') break;
      await sleep(250);
    }
    await connect.call('DELETE', connectorPath(name, '/offsets')).catch(() => undefined);
    await connect.call('DELETE', connectorPath(name));
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter(
      (topic) =>
        ALL_TOPICS.includes(topic) ||
        topic.startsWith('schema-history.shop-') ||
        STREAMS_APPS.some((app) => topic.startsWith(`${app}-`)),
    );
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    for (let i = 0; i < 100 && (await admin.listTopics()).some((topic) => ours.includes(topic)); i++)
      await sleep(100);
    await admin
      .deleteGroups([...STREAMS_APPS, ...CONNECTOR_NAMES.map((name) => `connect-${name}`)])
      .catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  await sql(
    context,
    "DROP DATABASE IF EXISTS shop; DELETE FROM hack_meta.applied_sql WHERE file LIKE '%06-cdc-pipeline%'",
  ).catch(() => undefined);
  if (context.environment.cosmosMongo) {
    const client = mongoClient(context.environment.cosmosMongo);
    try {
      await client
        .db(MONGO.database)
        .collection(MONGO.collection)
        .drop()
        .catch(() => undefined);
    } finally {
      await client.close();
    }
  }
}

async function produceOrders(context: StepContext, orders: Order[]): Promise<number> {
  const producer = kafkaClient(context.environment.kafka, 'connect-hack-orders').producer();
  await producer.connect();
  try {
    for (let i = 0; i < orders.length; i += 100) {
      await producer.send({
        topic: TOPICS.orders,
        messages: orders
          .slice(i, i + 100)
          .map((order) => ({ key: String(order.id), value: JSON.stringify(order) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  return orders.length;
}

/** Waits until `ready` holds on a fresh read of the topics; returns false after `timeoutMs` or when the processor died. */
async function topicsReach(
  context: StepContext,
  topics: string[],
  ready: (latest: Map<string, Map<string, unknown>>, snapshots: Map<string, TopicSnapshot>) => boolean,
  timeoutMs: number,
): Promise<boolean> {
  const reader = new TopicReader(context.environment.kafka, topics);
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const snapshots = await reader.snapshot(10_000);
      const latest = new Map(
        topics.map((topic) => [
          topic,
          new Map([...(snapshots.get(topic)?.latest ?? new Map())].map(([id, record]) => [id, record.value])),
        ]),
      );
      if (ready(latest, snapshots)) return true;
      if (running && !isAlive(running.pid)) return false;
      await sleep(1000);
    }
    return false;
  } finally {
    await reader.close();
  }
}

const plan = (context: StepContext) => planShop(context.scenario);

export const challenge06: Challenge<CdcState> = {
  id: '06',
  slug: '06-cdc-pipeline',
  title: 'CDC pipeline: MySQL → Debezium → Kafka Streams → MongoDB on Cosmos DB',
  dir,
  folders: { participant: 'pipeline', solution: 'solution' },
  services: ['kafka', 'mysql', 'cosmos-mongo', 'apache-connect'],
  requires: ['apacheConnect', 'mysql', 'cosmosMongo'],
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh ? 'Fresh topics, tables, connectors and documents' : 'Topics',
      run: async (context) => {
        const kafka = kafkaClient(context.environment.kafka, 'connect-hack-challenge');
        if (context.local && !context.fresh) await resetLocal(context, kafka);
        if (context.local) rmSync(serviceDataDir(PROCESSOR_SERVICE), { recursive: true, force: true });
        const admin = kafka.admin();
        await admin.connect();
        try {
          await createTopicsReady(
            admin,
            ALL_TOPICS.map((topic) => ({ topic, numPartitions: 1 })),
          );
        } finally {
          await admin.disconnect();
        }
      },
    },
    {
      title: (context) =>
        `Schema and seed rows in MySQL: ${plan(context).customers.length} customers, ${plan(context).products.length} products`,
      run: async (context) => {
        const { customers, products } = plan(context);
        await applySqlFile('mysql', join(dir, 'sql', 'schema.sql'), { entry: mysqlOf(context) });
        await sql(context, `${insertCustomers(customers)}; ${insertProducts(products)}`);
      },
    },
    applyConnectorsStep('apacheConnect', 'connectors'),
    {
      title: 'Snapshot: every row on customers and products',
      run: async (context) => {
        const { customers, products } = plan(context);
        const done = await topicsReach(
          context,
          [TOPICS.customers, TOPICS.products],
          (latest) =>
            customers.every((row) => latest.get(TOPICS.customers)!.has(String(row.id))) &&
            products.every((row) => latest.get(TOPICS.products)!.has(String(row.id))),
          120_000,
        );
        if (!done) return { failed: 'not every row reached its topic within 120 s (verification says why)' };
      },
    },
    {
      title: (context) => `Start the stream processors in ${join(context.participantDir, 'processor')}`,
      run: async (context) => {
        const processor = await startProcessor(
          join(context.participantDir, 'processor'),
          context.environment.kafka,
          {
            service: PROCESSOR_SERVICE,
            onProgress: (message) => context.say(style.dim(`  ${message}`)),
          },
        );
        running = processor;
        context.onCleanup(async () => {
          await processor.stop();
          if (running === processor) running = undefined;
        });
        return { detail: `pid ${processor.pid}; log ${processor.logFile}` };
      },
    },
    {
      title: (context) =>
        `Orders producer: ${plan(context).early.length} orders (some bad) to ${TOPICS.orders}`,
      run: async (context) => {
        const { early } = plan(context);
        const count = await produceOrders(context, early);
        // The processors' first output (a JVM, two applications and their global tables take a while), then all.
        const last = String(early.at(-1)!.id);
        const outputs = [TOPICS.details, TOPICS.dlq];
        const started = await topicsReach(
          context,
          outputs,
          (latest) => outputs.some((topic) => latest.get(topic)!.size > 0),
          90_000,
        );
        const through =
          started &&
          (await topicsReach(
            context,
            outputs,
            (latest) => outputs.some((topic) => latest.get(topic)!.has(last)),
            120_000,
          ));
        if (!through)
          return {
            failed:
              running && !isAlive(running.pid)
                ? 'the processor exited'
                : started
                  ? `order ${last} reached neither ${TOPICS.details} nor ${TOPICS.dlq} within 120 s`
                  : `the processors wrote nothing to ${TOPICS.details} or ${TOPICS.dlq} within 90 s`,
            detail: `${count} orders`,
          };
        return { detail: `${count} orders, all through the processors` };
      },
    },
    {
      title: (context) =>
        `Live changes in MySQL (${plan(context).changes.length}: inserts, updates, deletes), then ${plan(context).late.length} more orders`,
      run: async (context) => {
        const { changes, late } = plan(context);
        for (const change of changes) await sql(context, changeSql(change));
        // Every change made a record (a delete at least one): wait for the counts, whatever the records' keys.
        const records = (topic: string): number =>
          changes.filter((change) =>
            change.kind.endsWith(topic === TOPICS.customers ? 'customer' : 'product'),
          ).length +
          (topic === TOPICS.customers ? plan(context).customers.length : plan(context).products.length);
        const seen = await topicsReach(
          context,
          [TOPICS.customers, TOPICS.products],
          (_, snapshots) =>
            [TOPICS.customers, TOPICS.products].every(
              (topic) => (snapshots.get(topic)?.records ?? 0) >= records(topic),
            ),
          60_000,
        );
        // The global tables follow the topics within moments; then orders may name the new rows.
        await sleep(2000);
        const count = await produceOrders(context, late);
        return {
          ...(seen ? {} : { failed: 'the live changes did not all reach customers/products within 60 s' }),
          detail: `${changes.length} changes, ${count} orders`,
        };
      },
    },
  ],
  lint: lint06,
  observe: async (environment) => observeCdc(environment),
  checks: cdcChecks,
  liveView: (state) => [
    `${style.dim('kafka  ')} ${ALL_TOPICS.map((topic) => `${topic} ${state.topics.get(topic)?.latest.size ?? 0}`).join(' · ')}`,
    `${style.dim('mongodb')} ${MONGO.collection} ${state.documents?.length ?? 0}`,
  ],
};

async function observeCdc(
  environment: Environment,
): Promise<{ read(): Promise<CdcState>; close(): Promise<void> }> {
  const reader = new TopicReader(environment.kafka, [...ALL_TOPICS]);
  const mongo = environment.cosmosMongo ? mongoClient(environment.cosmosMongo) : undefined;
  return {
    read: async (): Promise<CdcState> => {
      const state: CdcState = { topics: new Map() };
      try {
        state.topics = await reader.snapshot(10_000);
      } catch (error) {
        state.kafkaError = `Kafka at ${environment.kafka.bootstrapServers} could not be read: ${errorMessage(error)}`;
      }
      if (!environment.mysql)
        state.mysqlError = 'No MySQL is configured (MYSQL_HOST, MYSQL_USER, MYSQL_PASSWORD).';
      else {
        try {
          state.tables = await withSession('mysql', environment.mysql, async (session) => {
            const [customers, products] = await session.run(
              'SELECT id, customer_name, customer_email, customer_address, card_number, level FROM shop.customers ORDER BY id; SELECT id, product_name, product_cost FROM shop.products ORDER BY id',
            );
            const rows = <T>(result: { columns: string[]; rows: unknown[][] } | undefined): T[] =>
              (result?.rows ?? []).map(
                (row) => Object.fromEntries(result!.columns.map((column, i) => [column, row[i]])) as T,
              );
            return {
              customers: rows<Customer>(customers).map((row) => ({ ...row, id: Number(row.id) })),
              products: rows<Product>(products).map((row) => ({
                ...row,
                id: Number(row.id),
                product_cost: Number(row.product_cost),
              })),
            };
          });
        } catch (error) {
          state.mysqlError = `MySQL at ${environment.mysql.host}:${environment.mysql.port} could not be read: ${errorMessage(error)}`;
        }
      }
      if (!environment.apacheConnect)
        state.connectError = 'No Apache Kafka Connect is configured (APACHE_CONNECT_URL).';
      else {
        try {
          state.connectors = await readConnectors(environment.apacheConnect.url);
        } catch (error) {
          state.connectError = `Apache Kafka Connect at ${environment.apacheConnect.url} does not answer: ${errorMessage(error)}`;
        }
      }
      if (!mongo)
        state.mongoError = 'No Cosmos DB for MongoDB is configured (COSMOS_MONGO_CONNECTION_STRING).';
      else {
        try {
          state.documents = (await mongo
            .db(MONGO.database)
            .collection(MONGO.collection)
            .find()
            .toArray()) as Array<Record<string, unknown>>;
        } catch (error) {
          state.mongoError = `Cosmos DB for MongoDB could not be read: ${errorMessage(error).replace(/mongodb:\/\/[^@\s]*@/g, 'mongodb://***@')}`;
        }
      }
      if (running)
        state.processor = {
          alive: isAlive(running.pid),
          logFile: running.logFile,
          logTail: isAlive(running.pid) ? '' : logTail(running.logFile),
        };
      return state;
    },
    close: async () => {
      await reader.close();
      await mongo?.close();
    },
  };
}
