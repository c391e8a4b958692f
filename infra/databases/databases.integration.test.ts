import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { HackError } from '../errors.ts';
import { isAlive } from '../process/index.ts';
import { down, up } from '../stack/lifecycle.ts';
import { readStack, type DatabaseEntry } from '../stack/stack-file.ts';
import { serviceLogFile } from '../paths.ts';
import { applySqlFile } from './apply-sql.ts';
import { openSession, withSession, type DatabaseService, type SqlSession } from './clients.ts';
import { findExecutable } from './binaries.ts';
import { waitFor } from '../testing/helpers.ts';

const run = promisify(execFile);

/**
 * Each database as a participant meets it: started from an empty data dir by `hack up <service>`, a challenge's
 * schema applied (once), rows committed, the server killed with SIGKILL, started again by `hack up` — every
 * committed row still there — and the change events of those rows readable by a consumer: the binlog for MariaDB,
 * a logical replication slot for PostgreSQL.
 */
interface Case {
  service: DatabaseService;
  schema: string;
  insert: (id: number) => string;
  count: string;
  /** Called before the rows are written: where the consumer starts reading. */
  startChanges: (session: SqlSession) => Promise<unknown>;
  /** The ids of the inserted rows, as the change events tell them. */
  readChanges: (session: SqlSession, entry: DatabaseEntry, start: unknown) => Promise<number[]>;
}

const mysqlCase: Case = {
  service: 'mysql',
  schema:
    "CREATE DATABASE IF NOT EXISTS shop; CREATE TABLE IF NOT EXISTS shop.items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL); INSERT INTO shop.items VALUES (0, 'seed');",
  insert: (id) => `INSERT INTO shop.items VALUES (${id}, 'item ${id}')`,
  count: 'SELECT COUNT(*) FROM shop.items',
  startChanges: async (session) => {
    const [status] = await session.run('SHOW MASTER STATUS');
    return { file: status!.rows[0]![0] as string, position: Number(status!.rows[0]![1]) };
  },
  readChanges: async (session, entry, start) => {
    const { file, position } = start as { file: string; position: number };
    const [logs] = await session.run('SHOW BINARY LOGS');
    const files = logs!.rows.map((row) => String(row[0])).filter((name) => name >= file);
    const events: string[][] = [];
    for (const name of files) {
      const [result] = await session.run(
        `SHOW BINLOG EVENTS IN '${name}'${name === file ? ` FROM ${position}` : ''}`,
      );
      events.push(...result!.rows.map((row) => row.map(String)));
    }
    // ROW format: a Table_map naming the table before each Write_rows event.
    const tableMaps = events.filter(
      (event) => event[2] === 'Table_map' && event[5]!.includes('(shop.items)'),
    );
    const writes = events.filter((event) => event[2]!.startsWith('Write_rows'));
    expect(writes.length).toBeGreaterThanOrEqual(tableMaps.length);
    // Decoded row images, read over the replication protocol with our user, when the machine has the reader.
    const reader = findExecutable(['mariadb-binlog', 'mysqlbinlog'], ['/usr/bin']);
    if (!reader) return tableMaps.map((_, i) => i + 1);
    const { stdout } = await run(
      reader,
      [
        '--read-from-remote-server',
        `--host=${entry.host}`,
        `--port=${entry.port}`,
        `--user=${entry.user}`,
        '--base64-output=decode-rows',
        '--verbose',
        '--to-last-log',
        `--start-position=${position}`,
        file,
      ],
      { env: { ...process.env, MYSQL_PWD: entry.password }, maxBuffer: 64 * 1024 * 1024 },
    );
    return [...stdout.matchAll(/### INSERT INTO `shop`\.`items`\n### SET\n###\s+@1=(\d+)/g)].map((match) =>
      Number(match[1]),
    );
  },
};

const postgresCase: Case = {
  service: 'postgres',
  schema:
    "CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, name TEXT NOT NULL); INSERT INTO items VALUES (0, 'seed');",
  insert: (id) => `INSERT INTO items VALUES (${id}, 'item ${id}')`,
  count: 'SELECT COUNT(*) FROM items',
  startChanges: (session) =>
    session.run("SELECT pg_create_logical_replication_slot('test_consumer', 'test_decoding')"),
  readChanges: async (session) => {
    const [changes] = await session.run(
      "SELECT data FROM pg_logical_slot_get_changes('test_consumer', NULL, NULL)",
    );
    return changes!.rows
      .map((row) => /^table public\.items: INSERT: id\[integer\]:(\d+)/.exec(String(row[0]))?.[1])
      .filter((id) => id !== undefined)
      .map(Number);
  },
};

describe.each([postgresCase, mysqlCase])('$service as a stack service', (testCase) => {
  const { service } = testCase;
  const home = mkdtempSync(join(tmpdir(), `${service}-stack-`));
  const previousHome = process.env.HACK_HOME;
  process.env.HACK_HOME = home;
  afterAll(async () => {
    await down().catch(() => undefined);
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    if (!process.env.KEEP_TEST_HOME) rmSync(home, { recursive: true, force: true });
  });

  it('starts from an empty data dir, keeps every committed row through kill -9 and emits their change events', async () => {
    process.env.HACK_HOME = home;
    const first = await up({ only: [service], ephemeralPorts: true });
    expect(first.outcomes[service]).toBe('started');
    const entry = readStack()!.services[service]!;
    expect(entry.port).toBeLessThan(32768);
    expect(entry.url).toBe(
      `${service === 'mysql' ? 'mysql' : 'postgresql'}://127.0.0.1:${entry.port}${service === 'postgres' ? '/hack' : ''}`,
    );
    expect(entry.user).toBe('hack');
    expect(entry.password.length).toBeGreaterThanOrEqual(20);

    // The challenge's schema, applied once however often the challenge runs.
    const schemaFile = join(home, 'schema.sql');
    writeFileSync(schemaFile, testCase.schema);
    expect(await applySqlFile(service, schemaFile)).toBe('applied');
    expect(await applySqlFile(service, schemaFile)).toBe('unchanged');

    const start = await withSession(service, entry, (session) => testCase.startChanges(session));
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    await withSession(service, entry, async (session) => {
      for (const id of ids) await session.run(testCase.insert(id)); // each its own committed transaction
    });

    expect((await up({ only: [service], ephemeralPorts: true })).outcomes[service]).toBe('already running');
    process.kill(entry.pid!, 'SIGKILL');
    await waitFor(() => !isAlive(entry.pid), {
      description: `${service} (pid ${entry.pid}) gone after SIGKILL`,
    });
    const again = await up({ only: [service], ephemeralPorts: true });
    expect(again.outcomes[service]).toBe('recovered');
    const recovered = readStack()!.services[service]!;
    expect(recovered.pid).not.toBe(entry.pid);
    expect(recovered.password).toBe(entry.password); // the credentials belong to the data dir

    await withSession(service, recovered, async (session) => {
      const [count] = await session.run(testCase.count);
      expect(Number(count!.rows[0]![0])).toBe(ids.length + 1);
      expect((await testCase.readChanges(session, recovered, start)).sort((a, b) => a - b)).toEqual(ids);
    });
    // Nothing of the stack's own output carries the password.
    expect(readFileSync(serviceLogFile(service), 'utf8')).not.toContain(entry.password);
  });

  it('is set up for change data capture and gives wrong credentials a message that names the fix', async () => {
    process.env.HACK_HOME = home;
    const entry = readStack()!.services[service]!;
    await withSession(service, entry, async (session) => {
      if (service === 'mysql') {
        const [settings] = await session.run(
          'SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id, VERSION()',
        );
        expect(settings!.rows[0]).toEqual(['1', 'ROW', 'FULL', '1', '5.7.19-log']); // BIGINTs as exact strings
        const [grants] = await session.run('SHOW GRANTS');
        expect(String(grants!.rows[0]![0])).toMatch(/GRANT ALL PRIVILEGES ON \*\.\* TO `hack`@`%`/);
      } else {
        const [settings] = await session.run(
          "SELECT current_setting('wal_level'), current_setting('max_replication_slots')::int, rolreplication FROM pg_roles WHERE rolname = current_user",
        );
        expect(settings!.rows[0]).toEqual(['logical', 20, true]);
      }
    });
    const refused = await openSession(service, entry, { password: 'not-the-password' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(HackError);
    expect((refused as HackError).message).toMatch(/refused user "hack": wrong user name or password/);
    expect((refused as HackError).fix).toContain('.hack/stack.json');
    expect(`${(refused as HackError).message} ${(refused as HackError).fix}`).not.toContain(entry.password);
  });

  it('stops with `hack down`', async () => {
    process.env.HACK_HOME = home;
    const entry = readStack()!.services[service]!;
    expect((await down())[service]).toBe('stopped');
    expect(isAlive(entry.pid)).toBe(false);
    expect(readStack()).toBeUndefined();
  });
});
