/**
 * `npm run bench:databases` — the stack's databases as a participant meets them: cold start (`hack up <service>` on
 * an empty data dir: initialise, start, create the user, until it answers), restart on an existing data dir, and
 * insert throughput with the binlog (MariaDB, ROW format) and logical WAL (PostgreSQL) on — single-row autocommit
 * inserts (each a durable commit) and 1,000-row multi-row inserts. Not a test: it prints figures for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTable } from '../infra/console/table.ts';
import { withSession, type DatabaseService } from '../infra/databases/clients.ts';
import { down, up } from '../infra/stack/lifecycle.ts';
import { readStack } from '../infra/stack/stack-file.ts';

const singleRows = Number(process.env.BENCH_SINGLE_ROWS ?? 2_000);
const batchRows = Number(process.env.BENCH_BATCH_ROWS ?? 100_000);
const batch = 1_000;
const starts = Number(process.env.BENCH_STARTS ?? 3);

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rate = (rows: number, ms: number): string =>
  `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;

const schema: Record<DatabaseService, string> = {
  mysql:
    'CREATE DATABASE bench; CREATE TABLE bench.orders (id INT PRIMARY KEY, customer VARCHAR(40) NOT NULL, amount DECIMAL(10,2) NOT NULL, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
  postgres:
    'CREATE TABLE orders (id INT PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(10,2) NOT NULL, created TIMESTAMPTZ NOT NULL DEFAULT now())',
};
const table: Record<DatabaseService, string> = { mysql: 'bench.orders', postgres: 'orders' };
const values = (id: number): string => `(${id}, 'customer ${id % 997}', ${(id % 10_000) / 100})`;

async function measure(service: DatabaseService): Promise<Array<{ what: string; value: string }>> {
  const rows: Array<{ what: string; value: string }> = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const home = mkdtempSync(join(tmpdir(), `bench-${service}-`));
  process.env.HACK_HOME = home;
  try {
    for (let i = 0; i < starts; i++) {
      rmSync(join(home, 'data'), { recursive: true, force: true });
      let started = performance.now();
      await up({ only: [service], ephemeralPorts: true });
      cold.push(performance.now() - started);
      await down();
      started = performance.now();
      await up({ only: [service], ephemeralPorts: true });
      warm.push(performance.now() - started);
      if (i < starts - 1) await down();
    }
    rows.push({
      what: `${service}: cold start, empty data dir, median of ${starts}`,
      value: seconds(median(cold)),
    });
    rows.push({
      what: `${service}: start on an existing data dir, median of ${starts}`,
      value: seconds(median(warm)),
    });

    const entry = readStack()!.services[service]!;
    await withSession(service, entry, async (session) => {
      await session.run(schema[service]);
      let started = performance.now();
      for (let id = 0; id < singleRows; id++)
        await session.run(`INSERT INTO ${table[service]} (id, customer, amount) VALUES ${values(id)}`);
      rows.push({
        what: `${service}: ${singleRows.toLocaleString('en-US')} single-row autocommit INSERTs`,
        value: rate(singleRows, performance.now() - started),
      });
      started = performance.now();
      for (let first = singleRows; first < singleRows + batchRows; first += batch) {
        const ids = Array.from({ length: batch }, (_, i) => first + i);
        await session.run(
          `INSERT INTO ${table[service]} (id, customer, amount) VALUES ${ids.map(values).join(',')}`,
        );
      }
      rows.push({
        what: `${service}: ${batchRows.toLocaleString('en-US')} rows in INSERTs of ${batch}`,
        value: rate(batchRows, performance.now() - started),
      });
    });
    return rows;
  } finally {
    await down().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

const results = [...(await measure('mysql')), ...(await measure('postgres'))];
process.stdout.write(
  `${renderTable(
    [
      { header: 'measure', value: (row: { what: string }) => row.what },
      { header: 'result', value: (row: { value: string }) => row.value, align: 'right' },
    ],
    results,
  )}\n`,
);
