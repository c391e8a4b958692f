import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PrerequisiteError, ServiceError } from '../errors.ts';
import { isAlive } from '../process/index.ts';
import type { StartContext } from '../stack/service.ts';
import type { DatabaseEntry } from '../stack/stack-file.ts';
import { withSession } from './clients.ts';
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
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

export const defaultPostgresPort = 5433;
/** The database clients land in (the URL's path); created on first start. */
export const postgresDatabase = 'hack';

/**
 * Settings passed on the command line at every start (so they win over postgresql.conf): logical decoding for
 * Debezium and `pg_logical_slot_get_changes`, slots and senders for a few connectors at once, TCP on 127.0.0.1 only
 * and no Unix socket (nothing to collide with the machine's own server in /var/run/postgresql).
 */
export function postgresSettings(port: number): string[] {
  const settings: Record<string, string | number> = {
    port,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    wal_level: 'logical',
    max_replication_slots: 20,
    max_wal_senders: 20,
    max_connections: 100,
    shared_buffers: '64MB',
    password_encryption: 'scram-sha-256',
  };
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

/**
 * PostgreSQL refuses to run as root. As root we run it in a user namespace where our uid is an ordinary one
 * (`unshare --map-user`): the files stay root's, so no chown and no directory the server cannot enter — unlike
 * switching to the `postgres` user, which cannot reach a data dir under /root.
 */
export async function nonRootPrefix(): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  const prefix = ['unshare', '--user', '--map-user=1000', '--map-group=1000', '--'];
  try {
    await run(prefix[0]!, [...prefix.slice(1), 'true']);
  } catch (error) {
    throw new PrerequisiteError(
      'PostgreSQL refuses to run as root, and this machine does not let root start it in a user namespace (unshare --user --map-user).',
      {
        fix: 'Run the harness as an ordinary user, or install util-linux ≥ 2.38 and allow user namespaces (sysctl user.max_user_namespaces > 0).',
        cause: error,
      },
    );
  }
  return prefix;
}

async function initdb(
  binaries: PostgresBinaries,
  layout: DatabaseLayout,
  state: DatabaseState,
  prefix: string[],
): Promise<void> {
  const passwordFile = join(layout.root, 'initdb.password');
  writeFileSync(passwordFile, state.password, { mode: 0o600 });
  const command = [
    ...prefix,
    binaries.initdb,
    `--pgdata=${layout.dataDir}`,
    `--username=${state.user}`,
    `--pwfile=${passwordFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--no-locale',
    '--no-instructions',
  ];
  try {
    await run(command[0]!, command.slice(1), { env: { ...process.env, ...binaries.env } });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    throw new ServiceError(
      `initdb could not create the PostgreSQL data dir ${layout.dataDir}: ${output.trim()}`,
      {
        fix: `Check that ${layout.root} is writable and has free space; \`npx hack doctor\` checks the binaries.`,
        cause: error,
      },
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/**
 * A `postmaster.pid` whose process is gone (kill -9) or a zombie nobody reaped blocks the next start ("lock file
 * already exists"): PostgreSQL cannot tell a zombie from a live server. We can, and remove it.
 */
function removeStaleLock(layout: DatabaseLayout): void {
  const lock = join(layout.dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (!isAlive(pid)) rmSync(lock, { force: true });
}

export const postgresDamage =
  /PANIC|could not locate a valid checkpoint record|invalid (checkpoint|primary checkpoint|data in file)|incorrect checksum in control file|database files are incompatible|is not a valid data directory|could not read file "global\/pg_control"|could not open file "global\/pg_control"|No such file or directory.*PG_VERSION|invalid value for parameter/;

/** Starts our PostgreSQL on its data dir (initialising it on first start) and returns its stack entry. */
export async function startPostgres(context: StartContext): Promise<DatabaseEntry> {
  const layout = databaseLayout('postgres');
  const binaries = await postgresBinaries(context.env, context.progress);
  const prefix = await nonRootPrefix();
  const state = loadState(layout);
  const port = await choosePort(layout, state, defaultPostgresPort, context);
  const firstStart = !state.initialized;
  if (firstStart) {
    saveState(layout, state);
    context.progress(`Initialising a PostgreSQL data dir in ${layout.dataDir}…`);
    await initdb(binaries, layout, state, prefix);
  }
  state.port = port;
  saveState(layout, state);
  removeStaleLock(layout);

  const entry = localEntry('postgresql', 0, port, state, firstStart ? 'postgres' : postgresDatabase);
  context.progress(`Starting PostgreSQL on port ${port}…`);
  const command = [...prefix, binaries.postgres, '-D', layout.dataDir, ...postgresSettings(port)];
  const pid = await launchServer({
    layout,
    label: 'PostgreSQL',
    port,
    command: command[0]!,
    args: command.slice(1),
    env: { ...process.env, ...binaries.env },
    ready: async () =>
      withSession('postgres', entry, async (session) => (await session.run('SELECT 1')).length > 0),
    damagedPattern: postgresDamage,
  });
  if (firstStart) {
    await finishFirstStart(pid, () =>
      withSession('postgres', entry, (session) => session.run(`CREATE DATABASE ${postgresDatabase}`)),
    );
    state.initialized = true;
    saveState(layout, state);
  }
  return localEntry('postgresql', pid, port, state, postgresDatabase);
}

export const postgresService = databaseService('postgres', startPostgres);
