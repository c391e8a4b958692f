import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../console/style.ts';
import { UsageError } from '../errors.ts';
import { binariesChoice } from './binaries.ts';
import { mariadbOptions, reportedMysqlVersion } from './mysql.ts';
import { postgresSettings } from './postgres.ts';
import { databaseLayout, exitedError } from './server.ts';
import { databaseEnvironment, externalEntry } from './service.ts';
import { renderResult } from './sql-command.ts';

describe('binaries override', () => {
  it('reads auto, system, registry or a directory, and rejects anything else with the accepted values', () => {
    expect(binariesChoice('X', {})).toEqual({ kind: 'auto' });
    expect(binariesChoice('X', { X: 'registry' })).toEqual({ kind: 'registry' });
    expect(binariesChoice('X', { X: '/opt/pg' })).toEqual({ kind: 'dir', dir: '/opt/pg' });
    expect(() => binariesChoice('X', { X: 'maven' })).toThrow(UsageError);
    expect(() => binariesChoice('X', { X: 'maven' })).toThrow(/X=maven is not understood/);
  });
});

describe('server settings', () => {
  const layout = databaseLayout('mysql');
  const binaries = {
    source: 'registry' as const,
    root: '/cache/mariadb',
    server: '',
    installDb: '',
    env: {},
  };

  it('gives MariaDB the binlog Debezium reads and a MySQL 5.7 version, on 127.0.0.1 only', () => {
    const options = mariadbOptions(binaries, layout, 3307);
    expect(options.split('\n')).toEqual(
      expect.arrayContaining([
        '[mariadbd]',
        'port=3307',
        'bind-address=127.0.0.1',
        'log-bin=binlog',
        'binlog-format=ROW',
        'binlog-row-image=FULL',
        'server-id=1',
        `version=${reportedMysqlVersion}`,
        `datadir=${layout.dataDir}`,
        'lc-messages-dir=/cache/mariadb/share',
      ]),
    );
    expect(reportedMysqlVersion).toMatch(/^5\.7\./);
  });

  it('gives PostgreSQL logical decoding, slots and senders, and no Unix socket', () => {
    const settings = postgresSettings(5433).filter((_, i) => i % 2 === 1);
    expect(settings).toEqual(
      expect.arrayContaining([
        'port=5433',
        'listen_addresses=127.0.0.1',
        'unix_socket_directories=',
        'wal_level=logical',
        'max_replication_slots=20',
        'max_wal_senders=20',
      ]),
    );
  });
});

describe('external databases', () => {
  it('reads the URL with credentials from the URL or the variables, and keeps them out of the URL', () => {
    expect(
      externalEntry('postgres', { POSTGRES_URL: 'postgresql://app:s%40cret@db.example:6543/shop' }),
    ).toEqual({
      url: 'postgresql://db.example:6543/shop',
      host: 'db.example',
      port: 6543,
      user: 'app',
      password: 's@cret',
      database: 'shop',
    });
    expect(
      externalEntry('mysql', {
        MYSQL_URL: 'mysql://db.example',
        MYSQL_USER: 'debezium',
        MYSQL_PASSWORD: 'dbz',
      }),
    ).toEqual({
      url: 'mysql://db.example:3306',
      host: 'db.example',
      port: 3306,
      user: 'debezium',
      password: 'dbz',
    });
    expect(externalEntry('mysql', {})).toBeUndefined();
    expect(() => externalEntry('mysql', { MYSQL_URL: 'mysql://db.example' })).toThrow(/names no user/);
  });

  it('hands the stack entries to workers as the same variables', () => {
    const env = databaseEnvironment({
      mysql: { url: 'mysql://127.0.0.1:3307', host: '127.0.0.1', port: 3307, user: 'hack', password: 'pw' },
    });
    expect(env).toEqual({
      MYSQL_URL: 'mysql://127.0.0.1:3307',
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: '3307',
      MYSQL_USER: 'hack',
      MYSQL_PASSWORD: 'pw',
    });
    expect(externalEntry('mysql', env)?.password).toBe('pw');
  });
});

describe('start failures', () => {
  const options = {
    layout: databaseLayout('postgres'),
    label: 'PostgreSQL',
    port: 5433,
    damagedPattern: /PANIC/,
  };

  it('names a port taken during the start and the command that picks another', () => {
    const error = exitedError(
      options,
      'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
    );
    expect(error.message).toBe(
      'PostgreSQL could not listen on port 5433: another process took it during the start.',
    );
    expect(error.fix).toBe('Run `npx hack up postgres` again: it picks a free port.');
  });

  it('calls a data dir damaged only when the server says so, else quotes its last error', () => {
    expect(exitedError(options, 'PANIC:  could not locate a valid checkpoint record').message).toMatch(
      /data dir .* is damaged: PostgreSQL says "PANIC/,
    );
    expect(exitedError(options, 'LOG: starting\nFATAL:  out of memory\nLOG: bye').message).toBe(
      'PostgreSQL exited during start: FATAL:  out of memory.',
    );
  });
});

describe('hack sql output', () => {
  it('prints rows as a table with NULLs marked, and statements without rows as their row count', () => {
    const table = stripAnsi(
      renderResult({
        columns: ['id', 'name'],
        rows: [
          [1, 'a'],
          [2, null],
        ],
      }),
    );
    expect(table.split('\n')).toEqual(['id  name', '──  ────', '1   a', '2   NULL', '(2 rows)']);
    expect(renderResult({ columns: [], rows: [], affected: 3, command: 'INSERT' })).toBe(
      'INSERT, 3 row(s) affected',
    );
  });
});
