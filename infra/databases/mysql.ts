import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { ServiceError } from '../errors.ts';
import type { StartContext } from '../stack/service.ts';
import type { DatabaseEntry } from '../stack/stack-file.ts';
import { withSession } from './clients.ts';
import { mariadbBinaries, type MariadbBinaries } from './mariadb-binaries.ts';
import {
  choosePort,
  databaseLayout,
  finishFirstStart,
  launchServer,
  loadState,
  localEntry,
  saveState,
  type DatabaseLayout,
  type DatabaseState,
} from './server.ts';
import { databaseService } from './service.ts';

const run = promisify(execFile);

export const defaultMysqlPort = 3307;
/** The server's own id in the binlog; a Debezium connector's `database.server.id` must differ from it. */
export const mysqlServerId = 1;
/**
 * The version the server reports. Debezium's MySQL connector (3.x) has no MariaDB mode of its own: it reads
 * MariaDB's `10.11.x-MariaDB`/`11.4.x-MariaDB` as MySQL ≥ 8.4 and asks for `SHOW BINARY LOG STATUS`, which
 * MariaDB does not know, and the snapshot fails. As a MySQL 5.7 it uses `SHOW MASTER STATUS`, which MariaDB
 * answers, and snapshot and binlog streaming work. `@@version_comment` still says MariaDB.
 */
export const reportedMysqlVersion = '5.7.19-log';

/** Unix sockets are limited to ~107 bytes; a long HACK_HOME moves ours to the temp dir. */
function socketPath(layout: DatabaseLayout): string {
  const inDataDir = join(layout.root, 'mariadbd.sock');
  if (inDataDir.length < 100) return inDataDir;
  return join(
    tmpdir(),
    `connect-hack-${createHash('sha256').update(layout.root).digest('hex').slice(0, 12)}.sock`,
  );
}

/**
 * The option file, written on every start and read alone (`--defaults-file`: never /etc/mysql/my.cnf, which
 * belongs to the machine's own server). The binlog is what Debezium needs: ROW format, FULL row images, a server
 * id; TCP on 127.0.0.1 only.
 */
export function mariadbOptions(binaries: MariadbBinaries, layout: DatabaseLayout, port: number): string {
  const options: Record<string, string | number> = {
    datadir: layout.dataDir,
    basedir: binaries.root,
    port,
    'bind-address': '127.0.0.1',
    socket: socketPath(layout),
    'pid-file': join(layout.root, 'mariadbd.pid'),
    'log-bin': 'binlog',
    'binlog-format': 'ROW',
    'binlog-row-image': 'FULL',
    'server-id': mysqlServerId,
    'expire-logs-days': 7,
    version: reportedMysqlVersion,
    'character-set-server': 'utf8mb4',
    'collation-server': 'utf8mb4_unicode_ci',
    'skip-name-resolve': 'ON',
    'performance-schema': 'OFF',
    'innodb-buffer-pool-size': '64M',
  };
  if (binaries.source !== 'system') options['lc-messages-dir'] = join(binaries.root, 'share');
  if (process.getuid?.() === 0) options.user = 'root'; // mariadbd refuses root unless told so
  return `# Written by connect-hack on every start; edits here are overwritten.\n[mariadbd]\n${Object.entries(
    options,
  )
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

async function installDb(binaries: MariadbBinaries, layout: DatabaseLayout): Promise<void> {
  const args = [
    '--no-defaults',
    `--datadir=${layout.dataDir}`,
    `--basedir=${binaries.root}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
  ];
  try {
    await run(binaries.installDb, args, {
      env: { ...process.env, ...binaries.env },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    throw new ServiceError(
      `mariadb-install-db could not create the MariaDB data dir ${layout.dataDir}: ${output.trim().split('\n').slice(-6).join('\n')}`,
      {
        fix: `Check that ${layout.root} is writable and has free space; \`npx hack doctor\` checks the binaries.`,
        cause: error,
      },
    );
  }
}

/** First start: our user, with every privilege (Debezium's REPLICATION SLAVE/CLIENT, RELOAD, … among them). */
async function createUser(layout: DatabaseLayout, state: DatabaseState): Promise<void> {
  const connection = await mysql.createConnection({
    socketPath: socketPath(layout),
    user: 'root',
    password: '',
  });
  try {
    for (const statement of [
      `CREATE USER IF NOT EXISTS '${state.user}'@'%' IDENTIFIED BY '${state.password}'`,
      `GRANT ALL PRIVILEGES ON *.* TO '${state.user}'@'%' WITH GRANT OPTION`,
      // root keeps only the socket, now with the same password as our user.
      `ALTER USER 'root'@'localhost' IDENTIFIED BY '${state.password}'`,
    ])
      await connection.query(statement);
    // mariadb-install-db also made root@<hostname>, which skip-name-resolve ignores with a warning per connection.
    const [others] = await connection.query(
      "SELECT User AS user, Host AS host FROM mysql.user WHERE Host NOT IN ('localhost', '%')",
    );
    for (const { user, host } of others as Array<{ user: string; host: string }>)
      await connection.query('DROP USER ?@?', [user, host]);
  } finally {
    await connection.end();
  }
}

export const mariadbDamage =
  /\[ERROR\] (InnoDB|Aria|mariadbd: Can't open|Could not open mysql\.plugin|Fatal error: Can't open and lock privilege tables)|Incorrect file format|is marked as crashed|Database page corruption|Plugin 'InnoDB' (init function returned error|registration as a STORAGE ENGINE failed)/;

/** Starts our MariaDB on its data dir (initialising it on first start) and returns its stack entry. */
export async function startMysql(context: StartContext): Promise<DatabaseEntry> {
  const layout = databaseLayout('mysql');
  const binaries = await mariadbBinaries(context.env, context.progress);
  const state = loadState(layout);
  const port = await choosePort(layout, state, defaultMysqlPort, context);
  const firstStart = !state.initialized;
  if (firstStart) {
    saveState(layout, state);
    context.progress(`Initialising a MariaDB data dir in ${layout.dataDir}…`);
    await installDb(binaries, layout);
  }
  state.port = port;
  saveState(layout, state);
  const optionsFile = join(layout.root, 'my.cnf');
  writeFileSync(optionsFile, mariadbOptions(binaries, layout, port));

  const entry = localEntry('mysql', 0, port, state);
  context.progress(`Starting MariaDB on port ${port}…`);
  const pid = await launchServer({
    layout,
    label: 'MariaDB',
    port,
    command: binaries.server,
    args: [`--defaults-file=${optionsFile}`],
    env: { ...process.env, ...binaries.env },
    ready: async () =>
      firstStart
        ? existsSync(socketPath(layout)) && (await rootAnswers(layout))
        : withSession('mysql', entry, async (session) => (await session.run('SELECT 1')).length > 0),
    damagedPattern: mariadbDamage,
  });
  if (firstStart) {
    await finishFirstStart(pid, () => createUser(layout, state));
    state.initialized = true;
    saveState(layout, state);
  }
  return localEntry('mysql', pid, port, state);
}

async function rootAnswers(layout: DatabaseLayout): Promise<boolean> {
  const connection = await mysql.createConnection({
    socketPath: socketPath(layout),
    user: 'root',
    password: '',
  });
  await connection.end();
  return true;
}

export const mysqlService = databaseService('mysql', startMysql);
