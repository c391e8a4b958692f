import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, serviceLogFile } from '../paths.ts';
import { isAlive } from '../process/index.ts';
import { down, up } from '../stack/lifecycle.ts';
import {
  readStack,
  writeStack,
  type ConnectEntry,
  type DatabaseEntry,
  type KafkaEntry,
} from '../stack/stack-file.ts';
import { withSession } from '../databases/clients.ts';
import { Collector } from '../metrics/collector.ts';
import { MetricStore } from '../metrics/store.ts';
import {
  consume,
  testBootstrapServers,
  testKafka,
  uniqueName,
  waitFor,
  withAdmin,
} from '../testing/helpers.ts';

/**
 * The `apache-connect` service as a participant meets it: `hack up postgres apache-connect` on the run's broker,
 * Debezium's PostgreSQL connector applied through `hack connectors apply --worker apache` with `${env:…}` configs,
 * a snapshot and then inserts, updates and deletes through an SMT chain, the worker killed with SIGKILL mid-stream
 * and `hack up` again: every change event there, the connector RUNNING. One JVM start (and one restart) for the
 * whole file: the plugin scan is slow.
 */
const home = mkdtempSync(join(tmpdir(), 'apache-connect-test-'));
const cli = join(projectRoot, 'bin', 'hack.mjs');
const cluster = uniqueName('apache');
const prefix = uniqueName('cdc').replace(/-/g, '_');
const env = {
  ...process.env,
  APACHE_CONNECT_GROUP_ID: cluster,
  HACK_APACHE_CONNECT_HEAP: '-Xms64m -Xmx384m',
};

function hack(args: string[]): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { ...env, HACK_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

const worker = (): ConnectEntry => readStack()!.services['apache-connect'] as ConnectEntry;
const postgres = (): DatabaseEntry => readStack()!.services.postgres!;
const sql = (statement: string): Promise<unknown> =>
  withSession('postgres', postgres(), (session) => session.run(statement));

beforeAll(async () => {
  process.env.HACK_HOME = home;
  // The run's broker stands in for the stack's Kafka: recorded without a pid, it is left alone by up and down.
  writeStack({
    profile: 'local',
    startedAt: new Date().toISOString(),
    services: { kafka: { bootstrapServers: testBootstrapServers() } as KafkaEntry },
  });
  await up({ only: ['postgres', 'apache-connect'], ephemeralPorts: true, env });
}, 420_000);

afterAll(async () => {
  await down();
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('apache-connect', () => {
  it('runs as its own process with the field plugins; up again leaves it alone', async () => {
    const entry = worker();
    // No endpoint or key of the stack in stack.json; the JMX exporter agent's page for the metrics service.
    expect(Object.keys(entry).sort()).toEqual(['jmxExporterUrl', 'pid', 'url']);
    expect(isAlive(entry.pid)).toBe(true);
    const plugins = (await (
      await fetch(`${entry.url}/connector-plugins?connectorsOnly=false`)
    ).json()) as Array<{
      class: string;
    }>;
    expect(plugins.map((plugin) => plugin.class)).toEqual(
      expect.arrayContaining([
        'io.debezium.connector.postgresql.PostgresConnector',
        'io.debezium.connector.mysql.MySqlConnector',
        'com.mongodb.kafka.connect.MongoSinkConnector',
        'com.mongodb.kafka.connect.MongoSourceConnector',
        'org.apache.kafka.connect.file.FileStreamSinkConnector',
        'io.debezium.transforms.ExtractNewRecordState',
        'org.apache.kafka.connect.transforms.ValueToKey',
      ]),
    );
    const again = await up({ only: ['apache-connect'], env });
    expect(again.outcomes['apache-connect']).toBe('already running');
    expect(worker().pid).toBe(entry.pid);
  }, 60_000);

  it('apply prints the field errors of an invalid Debezium config and creates nothing', async () => {
    const file = join(home, 'invalid.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'invalid-cdc',
        config: {
          'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
          'database.hostname': '127.0.0.1',
          'database.port': 'not-a-port',
        },
      }),
    );
    const { code, out } = hack(['connectors', 'apply', file, '--worker', 'apache']);
    expect(code).toBe(1);
    expect(out).toMatch(/database\.port: .*An integer is expected/);
    expect(out).toMatch(/topic\.prefix: .*A value is required/);
    expect(out).not.toMatch(/Exception|PluginDesc|\tat /);
    const unknown = join(home, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ name: 'x', 'connector.class': 'io.debezium.NoSuchConnector' }));
    const missing = hack(['connectors', 'apply', unknown, '--worker', 'apache']);
    expect(missing.out).toMatch(/io\.debezium\.NoSuchConnector is not installed/);
    expect(missing.out).not.toMatch(/PluginDesc/);
    const listed = (await (await fetch(`${worker().url}/connectors`)).json()) as string[];
    expect(listed).not.toContain('invalid-cdc');
  }, 120_000);

  it('streams a PostgreSQL snapshot, then inserts, updates and deletes with tombstones, and loses nothing to kill -9', async () => {
    await sql(
      `CREATE TABLE customers (id int PRIMARY KEY, name text); INSERT INTO customers VALUES (1, 'ada'), (2, 'bob'), (3, 'cy')`,
    );
    const file = join(home, 'postgres-cdc.json');
    writeFileSync(file, JSON.stringify(debeziumConfig('postgres-cdc'), null, 2));
    const applied = hack(['connectors', 'apply', file, '--worker', 'apache']);
    expect(applied.out).toContain('postgres-cdc created');
    const topic = `${prefix}.public.customers`;
    const kafka = testKafka();
    await waitFor(() => withAdmin(kafka, async (admin) => (await admin.listTopics()).includes(topic)), {
      timeoutMs: 120_000,
      description: `Debezium to create ${topic}`,
    });
    const snapshot = await consume(kafka, topic, 3, { timeoutMs: 120_000 });
    expect(snapshot.map((record) => [record.key, JSON.parse(record.value!).__op])).toEqual([
      ['1', 'r'],
      ['2', 'r'],
      ['3', 'r'],
    ]);

    await sql(
      `INSERT INTO customers VALUES (4, 'dee'); UPDATE customers SET name = 'bobby' WHERE id = 2; DELETE FROM customers WHERE id = 3`,
    );
    const changes = (await consume(kafka, topic, 7, { timeoutMs: 60_000 })).slice(3);
    expect(changes.map((record) => [record.key, record.value && JSON.parse(record.value)])).toEqual([
      ['4', { id: 4, name: 'dee', __op: 'c', __deleted: 'false' }],
      ['2', { id: 2, name: 'bobby', __op: 'u', __deleted: 'false' }],
      ['3', { id: 3, name: null, __op: 'd', __deleted: 'true' }],
      ['3', null], // the tombstone
    ]);

    // Rows keep coming while the worker dies without a chance to flush anything.
    const pid = worker().pid!;
    for (let id = 100; id < 160; id++) {
      await sql(`INSERT INTO customers VALUES (${id}, 'row ${id}')`);
      if (id === 120) process.kill(pid, 'SIGKILL');
    }
    await waitFor(() => !isAlive(pid), { description: 'the killed worker to be gone' });
    const recovered = await up({ only: ['apache-connect'], env });
    expect(recovered.outcomes['apache-connect']).toBe('recovered');
    await waitFor(
      async () => {
        const status = (await (await fetch(`${worker().url}/connectors/postgres-cdc/status`)).json()) as {
          connector: { state: string };
          tasks: Array<{ state: string }>;
        };
        return status.connector.state === 'RUNNING' && status.tasks[0]?.state === 'RUNNING';
      },
      { timeoutMs: 120_000, description: 'postgres-cdc and its task RUNNING again' },
    );
    const expected = Array.from({ length: 60 }, (_, index) => String(100 + index));
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const all = await consume(kafka, topic, 7 + 60, { timeoutMs: 90_000 });
        for (const record of all) if (record.key) seen.add(record.key);
        return expected.every((id) => seen.has(id));
      },
      { timeoutMs: 180_000, description: 'every row inserted around the kill' },
    );
    expect(expected.filter((id) => !seen.has(id))).toEqual([]);

    // The password reached the worker only through its environment.
    expect(readFileSync(serviceLogFile('apache-connect'), 'utf8')).not.toContain(postgres().password);
    const described = hack(['connectors', 'describe', 'postgres-cdc', '--worker', 'apache']);
    expect(described.out).toContain('database.password = ${env:POSTGRES_PASSWORD}');
    expect(described.out).not.toContain(postgres().password);
  }, 900_000);

  it("serves its connectors' records to the metrics collector through the JMX exporter agent", async () => {
    const store = new MetricStore(join(home, 'metrics-test'), 3_600_000);
    const collector = new Collector(store);
    await collector.scrape(); // the baseline: what the connector wrote before is not counted
    const written = (): number =>
      store
        .ofMetric('io.confluent.kafka.connect/sent_records')
        .filter((series) => series.labels['resource.connector.id'] === 'postgres-cdc')
        .flatMap((series) => series.values)
        .reduce((total, value) => total + value, 0);
    const rows = Array.from({ length: 25 }, (_, index) => `(${200 + index}, 'row ${200 + index}')`);
    await sql(`INSERT INTO customers VALUES ${rows.join(', ')}`);
    await waitFor(
      async () => {
        await collector.scrape();
        return written() >= rows.length;
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: "postgres-cdc's 25 new records in a scrape" },
    ).catch(() => undefined);
    expect(written()).toBe(rows.length);
  }, 180_000);
});

/** What a participant writes: the stack's endpoints by name, portable to a real cluster. */
function debeziumConfig(name: string): { name: string; config: Record<string, string> } {
  return {
    name,
    config: {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'plugin.name': 'pgoutput',
      'database.hostname': '${env:POSTGRES_HOST}',
      'database.port': '${env:POSTGRES_PORT}',
      'database.user': '${env:POSTGRES_USER}',
      'database.password': '${env:POSTGRES_PASSWORD}',
      'database.dbname': '${env:POSTGRES_DATABASE}',
      'topic.prefix': prefix,
      'table.include.list': 'public.customers',
      'slot.name': `${prefix}_slot`,
      'publication.name': `${prefix}_publication`,
      'publication.autocreate.mode': 'filtered',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      transforms: 'unwrap,valueToKey,extractKey',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.add.fields': 'op',
      'transforms.unwrap.delete.tombstone.handling.mode': 'rewrite-with-tombstone',
      'transforms.valueToKey.type': 'org.apache.kafka.connect.transforms.ValueToKey',
      'transforms.valueToKey.fields': 'id',
      // A tombstone has no value to take the key from; it keeps Debezium's key, which ExtractField$Key unwraps.
      'transforms.valueToKey.predicate': 'isTombstone',
      'transforms.valueToKey.negate': 'true',
      'transforms.extractKey.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
      'transforms.extractKey.field': 'id',
      predicates: 'isTombstone',
      'predicates.isTombstone.type': 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
    },
  };
}
