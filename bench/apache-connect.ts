/**
 * `npm run bench:apache-connect` — the `apache-connect` service: how long a cold start takes with the jars and
 * plugins cached (JVM start, plugin scan, joining its group, until GET /health answers), and how fast Debezium's
 * PostgreSQL connector snapshots a table of 100,000 rows into Kafka (from connector creation until the topic holds
 * every row). Not a test: it prints figures for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectClient } from '../connectors/runtime/connect-client.ts';
import { applyConnector } from '../connectors/runtime/cli.ts';
import { renderTable } from '../infra/console/table.ts';
import { installApacheConnect, installConnectPlugins } from '../infra/connect/install.ts';
import { withSession } from '../infra/databases/clients.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { stopProcess } from '../infra/process/index.ts';
import { down, up } from '../infra/stack/lifecycle.ts';
import type { ConnectEntry } from '../infra/stack/stack-file.ts';

const rowCount = Number(process.env.BENCH_ROWS ?? 100_000);
const starts = Number(process.env.BENCH_STARTS ?? 2);
const say = (message: string): void => void process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  await installApacheConnect({ onProgress: say });
  await installConnectPlugins({ onProgress: say });
  const home = mkdtempSync(join(tmpdir(), 'bench-apache-connect-'));
  process.env.HACK_HOME = home;
  const rows: Array<{ what: string; value: string }> = [];
  const load = loadavg()[0]!.toFixed(1);
  try {
    const { stack } = await up({ only: ['kafka', 'postgres'], ephemeralPorts: true, progress: say });
    const coldStarts: number[] = [];
    let worker: ConnectEntry | undefined;
    for (let i = 0; i < starts; i++) {
      if (worker?.pid) await stopProcess(worker.pid, 30_000);
      const started = performance.now();
      const result = await up({ only: ['apache-connect'], ephemeralPorts: true, progress: say });
      coldStarts.push(performance.now() - started);
      worker = result.stack.services['apache-connect'] as ConnectEntry;
    }
    rows.push({
      what: `cold start, cache warm (until /health answers), ${coldStarts.length} runs`,
      value: coldStarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', '),
    });

    const postgres = stack.services.postgres!;
    say(`Writing ${rowCount} rows…`);
    await withSession('postgres', postgres, (session) =>
      session.run(
        `CREATE TABLE bench (id int PRIMARY KEY, name text, email text, score numeric(10,2), created timestamptz);
         INSERT INTO bench SELECT i, 'name ' || i, 'user' || i || '@example.com', i / 7.0, now() FROM generate_series(1, ${rowCount}) i`,
      ),
    );
    const api = new ConnectClient(worker!.url);
    const kafka = kafkaClient({ bootstrapServers: stack.services.kafka!.bootstrapServers }, 'bench');
    const admin = kafka.admin();
    await admin.connect();
    const topic = 'bench.public.bench';
    const started = performance.now();
    await applyConnector(api, {
      name: 'bench-snapshot',
      config: {
        'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
        'plugin.name': 'pgoutput',
        'database.hostname': '${env:POSTGRES_HOST}',
        'database.port': '${env:POSTGRES_PORT}',
        'database.user': '${env:POSTGRES_USER}',
        'database.password': '${env:POSTGRES_PASSWORD}',
        'database.dbname': '${env:POSTGRES_DATABASE}',
        'topic.prefix': 'bench',
        'table.include.list': 'public.bench',
        'publication.autocreate.mode': 'filtered',
      },
    });
    let written = 0;
    for (;;) {
      const topics = await admin.listTopics();
      if (topics.includes(topic)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        written = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
        if (written >= rowCount) break;
      }
      await sleep(250);
    }
    const seconds = (performance.now() - started) / 1000;
    await admin.disconnect();
    rows.push({
      what: `Debezium PostgreSQL snapshot, ${rowCount.toLocaleString('en-US')} rows → Kafka (JsonConverter with schemas), from connector creation`,
      value: `${Math.round(rowCount / seconds).toLocaleString('en-US')} rows/s (${seconds.toFixed(1)} s)`,
    });
  } finally {
    await down(say).catch(() => {});
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nApache Kafka Connect 4.1.2 (apache-connect service) on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${load} at start\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'measure', value: (row) => row.what },
        { header: 'result', value: (row) => row.value, align: 'right' },
      ],
      rows,
    )}\n`,
  );
}

await main();
