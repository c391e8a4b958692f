/**
 * `npm run bench:connectors` — what the Azure connectors move through our worker and emulators, end to end:
 * Kafka → Cosmos sink (records/s), Cosmos change feed → source → Kafka (records/s), Kafka → Search sink
 * (documents/s), each with tasks.max 1 and 2. Not a test: it prints figures for BENCHMARKS.md.
 *
 * Kafka: `KAFKA_BOOTSTRAP_SERVERS` (or `TEST_KAFKA_BOOTSTRAP_SERVERS`) when set, else a broker of its own.
 * `BENCH_RECORDS` (default 5000) sets the records per run; `BENCH_FLOWS` (default all) which flows run.
 *
 * `BENCH_LAYOUT` (default `apart`) says where the worker and the emulators run, or several, comma-separated, run
 * alternately `BENCH_ROUNDS` times (default 1):
 * - `apart`: as `hack up` runs them — the Cosmos DB emulator, the Search emulator and the worker each their own
 *   process, started by the stack's own service definitions; the bench process only produces and counts.
 * - `one-process`: worker and both emulators in the bench's own process (one event loop for all).
 * The CPU per record sums every process involved (this one and, apart, the three services); the broker's JVM is
 * not counted in either; stderr has it by process for each flow. To profile every Node process, the services
 * included: `NODE_OPTIONS=--import=$PWD/bench/cpu-profile.mjs BENCH_CPU_PROF_DIR=DIR` (the phase lines on stderr
 * share the profiles' monotonic clock, to slice them by flow).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { startCosmosEmulator } from '../infra/cosmos/server.ts';
import { cosmosService } from '../infra/cosmos/service.ts';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { installKafka } from '../infra/kafka/install.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { stopProcess } from '../infra/process/index.ts';
import { renderTable } from '../infra/console/table.ts';
import { searchClient, searchIndexClient } from '../infra/search/client.ts';
import { startSearchEmulator } from '../infra/search/emulator.ts';
import { searchService } from '../infra/search/service.ts';
import type { StartContext } from '../infra/stack/service.ts';
import type { CosmosEntry, KafkaEntry, SearchEntry } from '../infra/stack/stack-file.ts';
import { startWorker } from '../connectors/runtime/worker.ts';
import { connectService } from '../connectors/runtime/service.ts';
import { cpuSeconds } from './process-cpu.ts';

const records = Number(process.env.BENCH_RECORDS ?? 5000);
const converters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

const layouts = (process.env.BENCH_LAYOUT ?? 'apart').split(',').map((name) => name.trim()) as Layout[];
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
/** `BENCH_FLOWS`: some of cosmos-sink, cosmos-source, search-sink (default all), for an A/B of one of them. */
const flows = (process.env.BENCH_FLOWS ?? 'cosmos-sink,cosmos-source,search-sink')
  .split(',')
  .map((flow) => flow.trim());

type Layout = 'apart' | 'one-process';

/** The worker and the emulators of one round, wherever they run. */
interface Services {
  workerUrl: string;
  cosmos: CosmosEntry;
  search: SearchEntry;
  /** The processes besides this one that do the flows' work, by name: their CPU counts with this process's. */
  processes: Record<string, number>;
  close(): Promise<void>;
}

interface Row {
  layout: Layout;
  round: number;
  /** The 1-minute load average when the flow started. */
  load: number;
  flow: string;
  tasks: number;
  seconds: number;
  /** How long producing the input took (sinks only): a sink keeping up with it measures the producer. */
  fillSeconds?: number;
  /**
   * CPU spent in the flow by every process involved (worker, emulators and the bench's own producer), per
   * record: steadier than the wall time on a shared machine, where other builds take the cores.
   */
  cpuUsPerRecord: number;
}

/** CPU (user + system, µs) used so far by this process (`bench`) and each of `processes`. */
function cpuUs(processes: Record<string, number>): Record<string, number> {
  const { user, system } = process.cpuUsage();
  const used: Record<string, number> = { bench: user + system };
  for (const [name, pid] of Object.entries(processes)) used[name] = cpuSeconds(pid) * 1e6;
  return used;
}

/** CPU µs per record since `started`, in all (what the table shows) and by process (on stderr, with the phase). */
function cpuPerRecord(processes: Record<string, number>, started: Record<string, number>) {
  const now = cpuUs(processes);
  const each = Object.entries(now).map(
    ([name, us]) => [name, (us - (started[name] ?? 0)) / records] as const,
  );
  return {
    total: each.reduce((sum, [, us]) => sum + us, 0),
    detail: `cpu µs/record: ${each.map(([name, us]) => `${name} ${Math.round(us)}`).join(', ')}`,
  };
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

async function status(workerUrl: string, name: string): Promise<string> {
  return (await fetch(`${workerUrl}/connectors/${name}/status`)).text();
}

async function put(workerUrl: string, name: string, config: Record<string, string>): Promise<void> {
  const response = await fetch(`${workerUrl}/connectors/${name}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (response.status >= 300) throw new Error(`${name}: ${response.status} ${await response.text()}`);
}

async function remove(workerUrl: string, name: string): Promise<void> {
  await fetch(`${workerUrl}/connectors/${name}`, { method: 'DELETE' });
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  await admin.disconnect();
}

/**
 * Records landed before a sink is timed, spread over the four partitions: once all land, every task has its
 * partitions and a warm client, and the code on the path has been through V8's optimising compiler — in the
 * `apart` layout every process is new each round, and the first flow would otherwise also time its warm-up (in
 * a stack that has been up a while, it is done). `BENCH_WARM_RECORDS`, default 2000.
 */
const warmRecords = Math.max(4, Number(process.env.BENCH_WARM_RECORDS ?? 2000));

async function warmUp(kafka: Kafka, topic: string, make: (n: number) => object): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: warmRecords }, (_, n) => {
    const value = { ...make(records + n), id: `warm-${n}` };
    return { key: value.id, value: JSON.stringify(value), partition: n % 4 };
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

/** The worker and both emulators in this process: one event loop for all. */
async function startInProcess(dir: string, bootstrap: string, prefix: string): Promise<Services> {
  const cosmos = await startCosmosEmulator({ dataDir: join(dir, 'cosmos'), port: 0 });
  const search = await startSearchEmulator({ dataDir: join(dir, 'search'), port: 0 });
  const worker = await startWorker({
    kafka: bootstrap,
    port: 0,
    groupId: prefix,
    topicPrefix: prefix,
    log: () => {},
  });
  return {
    workerUrl: worker.url,
    cosmos: { endpoint: cosmos.endpoint, key: cosmos.key, tlsInsecure: true },
    search: { endpoint: search.endpoint, adminKey: search.adminKey, queryKey: search.queryKey },
    processes: {},
    close: async () => {
      await worker.close();
      await search.close();
      await cosmos.close();
    },
  };
}

/** The worker and both emulators each in its own process, started by the stack's services as `hack up` does. */
async function startApart(dir: string, bootstrap: string, prefix: string): Promise<Services> {
  process.env.HACK_HOME = dir; // the services' data dirs and logs
  const kafka: KafkaEntry = { bootstrapServers: bootstrap };
  const context: StartContext = {
    profile: 'local',
    services: { kafka },
    env: { ...process.env, CONNECT_GROUP_ID: prefix, CONNECT_TOPIC_PREFIX: prefix },
    ephemeralPorts: true,
    progress: () => {},
  };
  const pids: number[] = [];
  const stop = async (): Promise<void> => {
    for (const pid of [...pids].reverse()) await stopProcess(pid);
  };
  try {
    // Both settle before a failure is thrown, so that the one that did start is stopped too.
    const started = await Promise.allSettled([
      cosmosService.start(context).then((entry) => (pids.push(entry.pid!), entry)),
      searchService.start(context).then((entry) => (pids.push(entry.pid!), entry)),
    ]);
    const [cosmos, search] = started.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    }) as [CosmosEntry, SearchEntry];
    const worker = await connectService.start({
      ...context,
      services: { ...context.services, cosmos, search },
    });
    pids.push(worker.pid!);
    const processes = { cosmos: cosmos.pid!, search: search.pid!, worker: worker.pid! };
    process.stderr.write(`pids: ${JSON.stringify(processes)}\n`);
    return { workerUrl: worker.url, cosmos, search, processes, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The three flows with tasks.max 1 and 2, on services started for this round alone. */
async function runFlows(
  services: Services,
  kafka: Kafka,
  prefix: string,
  layout: Layout,
  round: number,
  rows: Row[],
): Promise<void> {
  const { workerUrl: worker, processes } = services;
  const client = cosmosClient(services.cosmos);
  const cosmosConnection = {
    'azure.cosmos.account.endpoint': services.cosmos.endpoint,
    'azure.cosmos.account.key': services.cosmos.key,
  };
  /**
   * A sink flow, once its tasks run and are warm: from the first record produced until `landed()` counts them all;
   * then its connector is removed.
   */
  const timeSink = async (
    flow: string,
    phase: string,
    tasks: number,
    connector: string,
    topic: string,
    make: (n: number) => object,
    landed: () => Promise<number>,
  ): Promise<void> => {
    await warmUp(kafka, topic, make);
    await until(
      async () => (await landed()) >= warmRecords,
      () => status(worker, connector),
    );
    const load = loadavg()[0] ?? 0;
    const started = performance.now();
    const startedUs = monotonicUs();
    const startedCpu = cpuUs(processes);
    const filled = await fill(kafka, topic, make);
    await until(
      async () => (await landed()) >= records + warmRecords,
      () => status(worker, connector),
    );
    const cpu = cpuPerRecord(processes, startedCpu);
    rows.push({
      layout,
      round,
      load,
      flow,
      tasks,
      seconds: (performance.now() - started) / 1000,
      fillSeconds: filled / 1000,
      cpuUsPerRecord: cpu.total,
    });
    trace(`${phase}-${tasks}`, startedUs, cpu.detail);
    await remove(worker, connector);
  };
  try {
    const { database } = await client.databases.createIfNotExists({ id: 'bench' });
    for (const tasks of [1, 2]) {
      if (flows.includes('cosmos-sink')) {
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
        await timeSink(
          'Kafka → Cosmos sink (records)',
          'cosmos-sink',
          tasks,
          `sink-${tasks}`,
          topic,
          purchase,
          landed,
        );
      }

      if (flows.includes('cosmos-source')) {
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
              half.slice(start, start + 100).map((doc) => ({
                operationType: 'Create' as const,
                partitionKey: doc.id,
                resourceBody: doc,
              })),
            );
          }
        }
        const sourceTopic = `${prefix}-users-${tasks}`;
        await createTopic(kafka, sourceTopic);
        const load = loadavg()[0] ?? 0;
        const started = performance.now();
        const startedUs = monotonicUs();
        const startedCpu = cpuUs(processes);
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
        const cpu = cpuPerRecord(processes, startedCpu);
        rows.push({
          layout,
          round,
          load,
          flow: 'Cosmos change feed → Kafka (records)',
          tasks,
          seconds: (performance.now() - started) / 1000,
          cpuUsPerRecord: cpu.total,
        });
        trace(`cosmos-source-${tasks}`, startedUs, cpu.detail);
        await remove(worker, `source-${tasks}`);
      }

      if (flows.includes('search-sink')) {
        // Kafka → Search sink: measured like the Cosmos sink, once warm.
        const searchTopic = `${prefix}-search-${tasks}`;
        const index = `users-${tasks}`;
        await createTopic(kafka, searchTopic);
        const entry = services.search;
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
          'azure.search.endpoint': entry.endpoint,
          'azure.search.api.key': entry.adminKey,
          'index.name': index,
          'max.batch.size': '500',
        });
        const indexed = () => searchClient(entry, index).getDocumentsCount();
        await timeSink(
          'Kafka → Search sink (documents)',
          'search-sink',
          tasks,
          `search-${tasks}`,
          searchTopic,
          user,
          indexed,
        );
      }
    }
  } finally {
    client.dispose();
  }
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'bench-connectors-'));
  let brokerPid: number | undefined;
  let bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? process.env.TEST_KAFKA_BOOTSTRAP_SERVERS;
  const rows: Row[] = [];
  // The stack's services and the broker are detached processes (they outlive `hack up`): an interrupted bench
  // stops them itself.
  let current: Services | undefined;
  const interrupted = (): void =>
    void (async () => {
      await current?.close();
      if (brokerPid) await stopProcess(brokerPid);
      rmSync(home, { recursive: true, force: true });
    })().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
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
    const kafka = kafkaClient({ bootstrapServers: bootstrap }, 'bench-connectors');
    for (let round = 1; round <= rounds; round++) {
      for (const layout of layouts) {
        const prefix = `bench-${Date.now()}`;
        const dir = join(home, `${layout}-${round}`);
        process.stderr.write(
          `round ${round}, ${layout}: load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}\n`,
        );
        const services =
          layout === 'apart'
            ? await startApart(dir, bootstrap, prefix)
            : layout === 'one-process'
              ? await startInProcess(dir, bootstrap, prefix)
              : (() => {
                  throw new Error(`BENCH_LAYOUT: ${layout as string}? apart or one-process`);
                })();
        current = services;
        try {
          await runFlows(services, kafka, prefix, layout, round, rows);
        } finally {
          current = undefined;
          await services.close();
        }
      }
    }
  } finally {
    if (brokerPid) await stopProcess(brokerPid);
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `connect-hack connectors benchmark — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `Node ${process.version}, ${records} records per run, ${rounds} round(s) of ${layouts.join(', ')} (apart: worker and each emulator their own process, as \`hack up\` runs them; one-process: all in the bench's process; sinks timed from the first record produced, tasks already running and ${warmRecords} records in; the source from connector creation, reading a backlog from Beginning; CPU summed over the bench's process and the services')\n\n`,
  );
  rows.sort(
    (a, b) =>
      a.flow.localeCompare(b.flow) ||
      a.tasks - b.tasks ||
      a.layout.localeCompare(b.layout) ||
      a.round - b.round,
  );
  process.stdout.write(
    renderTable(
      [
        { header: 'flow', value: (row: Row) => row.flow },
        { header: 'tasks.max', value: (row: Row) => row.tasks, align: 'right' },
        { header: 'layout', value: (row: Row) => row.layout },
        { header: 'round', value: (row: Row) => row.round, align: 'right' },
        { header: 'load', value: (row: Row) => row.load.toFixed(1), align: 'right' },
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
