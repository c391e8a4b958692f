/**
 * `npm run bench:connectors` — what the Azure connectors move through our worker and emulators, end to end:
 * Kafka → Cosmos sink (records/s), Cosmos change feed → source → Kafka (records/s), Kafka → Search sink
 * (documents/s), each with tasks.max 1 and 2. Not a test: it prints figures for BENCHMARKS.md.
 *
 * Kafka: `KAFKA_BOOTSTRAP_SERVERS` (or `TEST_KAFKA_BOOTSTRAP_SERVERS`) when set, else a broker of its own.
 * `BENCH_RECORDS` (default 5000) sets the records per run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { startCosmosEmulator } from '../infra/cosmos/server.ts';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { installKafka } from '../infra/kafka/install.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { stopProcess } from '../infra/process/index.ts';
import { renderTable } from '../infra/console/table.ts';
import { searchClient, searchIndexClient } from '../infra/search/client.ts';
import { startSearchEmulator } from '../infra/search/emulator.ts';
import { startWorker, type RunningWorker } from '../connectors/runtime/worker.ts';

const records = Number(process.env.BENCH_RECORDS ?? 5000);
const converters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

interface Row {
  flow: string;
  tasks: number;
  seconds: number;
  /** How long producing the input took (sinks only): a sink keeping up with it measures the producer. */
  fillSeconds?: number;
  /**
   * CPU this process spent in the flow (worker, emulators and the bench's own producer), per record: steadier
   * than the wall time on a shared machine, where other builds take the cores.
   */
  cpuUsPerRecord: number;
}

/** CPU (user + system, µs) this process has used so far. */
function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function until(
  probe: () => Promise<boolean>,
  explain: () => Promise<string>,
  timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 300_000),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`benchmark run timed out: ${await explain()}`);
    await sleep(100);
  }
}

async function status(worker: RunningWorker, name: string): Promise<string> {
  return (await fetch(`${worker.url}/connectors/${name}/status`)).text();
}

async function put(worker: RunningWorker, name: string, config: Record<string, string>): Promise<void> {
  const response = await fetch(`${worker.url}/connectors/${name}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (response.status >= 300) throw new Error(`${name}: ${response.status} ${await response.text()}`);
}

async function remove(worker: RunningWorker, name: string): Promise<void> {
  await fetch(`${worker.url}/connectors/${name}`, { method: 'DELETE' });
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  await admin.disconnect();
}

/** One record per partition: once all four land, every task has its partitions and a warm client. */
async function warmUp(kafka: Kafka, topic: string, make: (n: number) => object): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = [0, 1, 2, 3].map((partition) => {
    const value = { ...make(records + partition), id: `warm-${partition}` };
    return { key: value.id, value: JSON.stringify(value), partition };
  });
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
}

/** Monotonic µs (the clock of `--cpu-prof` profiles): phase windows on stderr, to slice a profile by flow. */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

function trace(phase: string, startedUs: number, detail = ''): void {
  process.stderr.write(`phase ${phase} ${startedUs} ${monotonicUs()}${detail ? ` ${detail}` : ''}\n`);
}

/** Produces the records; returns how long that took (ms): the sinks cannot be faster than their input. */
async function fill(kafka: Kafka, topic: string, make: (n: number) => object): Promise<number> {
  const started = performance.now();
  const producer = kafka.producer();
  await producer.connect();
  for (let start = 0; start < records; start += 500) {
    const messages = Array.from({ length: Math.min(500, records - start) }, (_, i) => {
      const value = make(start + i) as { id: string };
      return { key: value.id, value: JSON.stringify(value) };
    });
    await producer.send({ topic, messages, acks: -1 });
  }
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return elapsed;
}

async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}

const purchase = (n: number) => ({
  id: `pu-${n}`,
  userId: `u-${n % 500}`,
  productId: `p-${n % 80}`,
  quantity: (n % 5) + 1,
  unitPrice: 9.99,
  totalPrice: 9.99 * ((n % 5) + 1),
  purchasedAt: new Date(1_790_000_000_000 + n * 1000).toISOString(),
});
const user = (n: number) => ({
  id: `u-${n}`,
  fullName: `User Number ${n}`,
  email: `user${n}@example.com`,
  country: ['FR', 'DE', 'NL', 'ES'][n % 4] ?? 'FR',
  city: 'Somewhere',
  createdAt: new Date(1_790_000_000_000 + n * 1000).toISOString(),
});

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-connectors-'));
  let brokerPid: number | undefined;
  let bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? process.env.TEST_KAFKA_BOOTSTRAP_SERVERS;
  if (!bootstrap) {
    await installKafka({ onProgress: (message) => process.stderr.write(`${message}\n`) });
    const broker = await startLocalBroker({
      dataDir: join(home, 'kafka'),
      logFile: join(home, 'kafka.log'),
      port: 0,
    });
    brokerPid = broker.pid;
    bootstrap = broker.bootstrapServers;
  }
  const cosmos = await startCosmosEmulator({ dataDir: join(home, 'cosmos'), port: 0 });
  const search = await startSearchEmulator({ dataDir: join(home, 'search'), port: 0 });
  const prefix = `bench-${Date.now()}`;
  const worker = await startWorker({
    kafka: bootstrap,
    port: 0,
    groupId: prefix,
    topicPrefix: prefix,
    log: () => {},
  });
  const kafka = kafkaClient({ bootstrapServers: bootstrap }, 'bench-connectors');
  const client = cosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, tlsInsecure: true });
  const rows: Row[] = [];
  const cosmosConnection = {
    'azure.cosmos.account.endpoint': cosmos.endpoint,
    'azure.cosmos.account.key': cosmos.key,
  };
  try {
    const { database } = await client.databases.createIfNotExists({ id: 'bench' });
    for (const tasks of [1, 2]) {
      // Kafka → Cosmos sink: measured once the tasks are running and warm, from the first record produced.
      const topic = `${prefix}-purchases-${tasks}`;
      await createTopic(kafka, topic);
      const { container } = await database.containers.createIfNotExists({
        id: `purchases-${tasks}`,
        partitionKey: { paths: ['/userId'] },
      });
      await put(worker, `sink-${tasks}`, {
        'connector.class': 'com.azure.cosmos.kafka.connect.CosmosSinkConnector',
        topics: topic,
        'tasks.max': String(tasks),
        ...converters,
        ...cosmosConnection,
        'azure.cosmos.sink.database.name': 'bench',
        'azure.cosmos.sink.containers.topicMap': `${topic}#${container.id}`,
      });
      const landed = async () =>
        (await container.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0] ?? 0;
      await warmUp(kafka, topic, purchase);
      await until(
        async () => (await landed()) >= 4,
        () => status(worker, `sink-${tasks}`),
      );
      let started = performance.now();
      let startedUs = monotonicUs();
      let startedCpu = cpuUs();
      let filled = await fill(kafka, topic, purchase);
      await until(
        async () => (await landed()) >= records + 4,
        () => status(worker, `sink-${tasks}`),
      );
      rows.push({
        flow: 'Kafka → Cosmos sink (records)',
        tasks,
        seconds: (performance.now() - started) / 1000,
        fillSeconds: filled / 1000,
        cpuUsPerRecord: (cpuUs() - startedCpu) / records,
      });
      trace(`cosmos-sink-${tasks}`, startedUs);
      await remove(worker, `sink-${tasks}`);

      // Cosmos change feed → source → Kafka: two containers, so two tasks have a feed range each.
      const names = [`users-a-${tasks}`, `users-b-${tasks}`];
      for (const [index, name] of names.entries()) {
        const { container: source } = await database.containers.createIfNotExists({
          id: name,
          partitionKey: { paths: ['/id'] },
        });
        const half = Array.from({ length: records / 2 }, (_, n) => user(index * records + n));
        for (let start = 0; start < half.length; start += 100) {
          // items.bulk: executeBulkOperations waits a second per partial batch (see the Cosmos sink task).
          await source.items.bulk(
            half
              .slice(start, start + 100)
              .map((doc) => ({ operationType: 'Create' as const, partitionKey: doc.id, resourceBody: doc })),
          );
        }
      }
      const sourceTopic = `${prefix}-users-${tasks}`;
      await createTopic(kafka, sourceTopic);
      started = performance.now();
      startedUs = monotonicUs();
      startedCpu = cpuUs();
      await put(worker, `source-${tasks}`, {
        'connector.class': 'com.azure.cosmos.kafka.connect.CosmosSourceConnector',
        'tasks.max': String(tasks),
        ...converters,
        ...cosmosConnection,
        'azure.cosmos.source.database.name': 'bench',
        'azure.cosmos.source.containers.includedList': names.join(','),
        'azure.cosmos.source.containers.topicMap': names.map((name) => `${sourceTopic}#${name}`).join(','),
      });
      await until(
        async () => (await topicSize(kafka, sourceTopic)) >= records,
        async () =>
          `${await topicSize(kafka, sourceTopic)} records; ${await status(worker, `source-${tasks}`)}`,
      );
      rows.push({
        flow: 'Cosmos change feed → Kafka (records)',
        tasks,
        seconds: (performance.now() - started) / 1000,
        cpuUsPerRecord: (cpuUs() - startedCpu) / records,
      });
      trace(`cosmos-source-${tasks}`, startedUs);
      await remove(worker, `source-${tasks}`);

      // Kafka → Search sink: measured like the Cosmos sink, once warm.
      const searchTopic = `${prefix}-search-${tasks}`;
      const index = `users-${tasks}`;
      await createTopic(kafka, searchTopic);
      const entry = { endpoint: search.endpoint, adminKey: search.adminKey, queryKey: search.queryKey };
      await searchIndexClient(entry).createIndex({
        name: index,
        fields: [
          { name: 'id', type: 'Edm.String', key: true, filterable: true },
          { name: 'fullName', type: 'Edm.String', searchable: true },
          { name: 'email', type: 'Edm.String', filterable: true },
          { name: 'country', type: 'Edm.String', filterable: true, facetable: true },
          { name: 'city', type: 'Edm.String', searchable: true },
          { name: 'createdAt', type: 'Edm.String' },
        ],
      });
      await put(worker, `search-${tasks}`, {
        'connector.class': 'io.confluent.connect.azure.search.AzureSearchSinkConnector',
        topics: searchTopic,
        'tasks.max': String(tasks),
        ...converters,
        'azure.search.endpoint': search.endpoint,
        'azure.search.api.key': search.adminKey,
        'index.name': index,
        'max.batch.size': '500',
      });
      const indexed = () => searchClient(entry, index).getDocumentsCount();
      await warmUp(kafka, searchTopic, user);
      await until(
        async () => (await indexed()) >= 4,
        () => status(worker, `search-${tasks}`),
      );
      started = performance.now();
      startedUs = monotonicUs();
      startedCpu = cpuUs();
      filled = await fill(kafka, searchTopic, user);
      await until(
        async () => (await indexed()) >= records + 4,
        () => status(worker, `search-${tasks}`),
      );
      rows.push({
        flow: 'Kafka → Search sink (documents)',
        tasks,
        seconds: (performance.now() - started) / 1000,
        fillSeconds: filled / 1000,
        cpuUsPerRecord: (cpuUs() - startedCpu) / records,
      });
      trace(`search-sink-${tasks}`, startedUs);
      await remove(worker, `search-${tasks}`);
    }
  } finally {
    client.dispose();
    await worker.close();
    await search.close();
    await cosmos.close();
    if (brokerPid) await stopProcess(brokerPid);
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `connect-hack connectors benchmark — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `Node ${process.version}, ${records} records per run (1 worker, emulators in-process; sinks timed from the first record produced, tasks already running; the source from connector creation, reading a backlog from Beginning)\n\n`,
  );
  process.stdout.write(
    renderTable(
      [
        { header: 'flow', value: (row: Row) => row.flow },
        { header: 'tasks.max', value: (row: Row) => row.tasks, align: 'right' },
        { header: 'seconds', value: (row: Row) => row.seconds.toFixed(1), align: 'right' },
        { header: 'per second', value: (row: Row) => Math.round(records / row.seconds), align: 'right' },
        {
          header: 'input produced in (s)',
          value: (row: Row) => (row.fillSeconds === undefined ? '-' : row.fillSeconds.toFixed(1)),
          align: 'right',
        },
        { header: 'CPU µs/record', value: (row: Row) => Math.round(row.cpuUsPerRecord), align: 'right' },
      ],
      rows,
    ) + '\n',
  );
}

await main();
