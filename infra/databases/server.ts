import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HackError, ServiceError } from '../errors.ts';
import { serviceDataDir, serviceLogFile } from '../paths.ts';
import {
  isAlive,
  logSince,
  logSize,
  reusePort,
  spawnDetached,
  stopProcess,
  stopStaleProcess,
  waitUntil,
} from '../process/index.ts';
import type { StartContext } from '../stack/service.ts';
import type { DatabaseEntry } from '../stack/stack-file.ts';

/**
 * What the two databases (`mysql`, `postgres`) share: a data dir of their own under `.hack/data/<service>`, a state
 * file that remembers the port and the credentials between starts, a server process started detached and watched
 * until it answers, and the messages for what goes wrong (a port taken, a damaged data dir).
 */
export const databaseUser = 'hack';

export interface DatabaseLayout {
  service: string;
  /** `.hack/data/<service>`: the state file, the pid file, the config; the server's own files in `db/`. */
  root: string;
  dataDir: string;
  stateFile: string;
  pidFile: string;
  logFile: string;
}

export function databaseLayout(service: string): DatabaseLayout {
  const root = serviceDataDir(service);
  return {
    service,
    root,
    dataDir: join(root, 'db'),
    stateFile: join(root, 'state.json'),
    pidFile: join(root, 'server.pid'),
    logFile: serviceLogFile(service),
  };
}

export interface DatabaseState {
  /** False until the data dir is initialised and its user created: a first start cut short is redone. */
  initialized: boolean;
  port: number;
  user: string;
  password: string;
}

/**
 * The data dir's state, or a fresh one (a new password, no data dir) when there is none yet. A data dir whose
 * state file is gone cannot be used — its password is unknown — and is never deleted for the user.
 */
export function loadState(layout: DatabaseLayout): DatabaseState {
  mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  if (existsSync(layout.stateFile)) {
    try {
      const state = JSON.parse(readFileSync(layout.stateFile, 'utf8')) as DatabaseState;
      if (!state.initialized) rmSync(layout.dataDir, { recursive: true, force: true });
      return state;
    } catch (error) {
      throw damaged(layout, `its state file ${layout.stateFile} is unreadable`, error);
    }
  }
  if (existsSync(layout.dataDir) && readdirSync(layout.dataDir).length > 0) {
    throw damaged(layout, `its state file ${layout.stateFile} (port and credentials) is missing`);
  }
  return { initialized: false, port: 0, user: databaseUser, password: randomBytes(18).toString('base64url') };
}

/** Written before initialisation (with `initialized: false`) and again after; readable by its owner only. */
export function saveState(layout: DatabaseLayout, state: DatabaseState): void {
  writeFileSync(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The error for a data dir the server cannot use; the fix keeps the old one for the user to look at. */
export function damaged(layout: DatabaseLayout, why: string, cause?: unknown): HackError {
  return new HackError(`The ${layout.service} data dir ${layout.root} is damaged: ${why}.`, {
    fix: `Move it aside (\`mv ${layout.root} ${layout.root}.broken\`) and run \`npx hack up ${layout.service}\` to start from an empty one; then apply your schema again.`,
    cause,
  });
}

/**
 * The port to listen on: last start's when free, else the well-known one, else (or with ephemeral ports) any. A
 * move away from the port clients know is said, with what to do about it.
 */
export async function choosePort(
  layout: DatabaseLayout,
  state: DatabaseState,
  wellKnown: number,
  context: Pick<StartContext, 'ephemeralPorts' | 'progress'>,
): Promise<number> {
  const port = await reusePort(state.port || undefined, context.ephemeralPorts ? 0 : wellKnown);
  const expected = state.port || (context.ephemeralPorts ? undefined : wellKnown);
  if (expected && port !== expected) {
    context.progress(
      `Port ${expected} is busy (\`ss -ltnp 'sport = :${expected}'\` shows who holds it): ${layout.service} listens on ${port} instead. Configs should name \${stack:${layout.service}.port} rather than a number.`,
    );
  }
  return port;
}

export interface LaunchOptions {
  layout: DatabaseLayout;
  /** `MariaDB`, `PostgreSQL`: for messages. */
  label: string;
  port: number;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** True once the server accepts our user's connections. */
  ready: () => Promise<boolean>;
  /** Lines of this start's log that mean the data dir is damaged. */
  damagedPattern: RegExp;
  timeoutMs?: number;
}

/**
 * Starts the server as its own process (a stale one of the same data dir, left by a crashed `hack`, is stopped
 * first) and waits until it answers. When it exits instead, its log says why: a port taken meanwhile, a damaged
 * data dir, or the last error line.
 */
export async function launchServer(options: LaunchOptions): Promise<number> {
  const { layout } = options;
  await stopStaleProcess(layout.pidFile, layout.dataDir);
  const offset = logSize(layout.logFile);
  const child = spawnDetached(options.command, options.args, { logFile: layout.logFile, env: options.env });
  writeFileSync(layout.pidFile, String(child.pid));
  // A refused login will not pass by waiting: say so now rather than after the timeout.
  let refusal: HackError | undefined;
  const probe = (): Promise<boolean> =>
    options.ready().catch((error: unknown) => {
      if (error instanceof HackError && !error.retriable) refusal = error;
      throw error;
    });
  await waitUntil(probe, {
    what: `${options.label} on port ${options.port}`,
    // A first start initialises the data dir; on a loaded two-core machine MariaDB took over 60 s.
    timeoutMs: options.timeoutMs ?? 120_000,
    intervalMs: 150,
    abort: () => {
      if (refusal) {
        void stopProcess(child.pid);
        throw new HackError(
          `${options.label} started but refused our user: its password is no longer the one ${layout.stateFile} records (changed with ALTER USER?).`,
          {
            fix: `Write the current password into the "password" field of ${layout.stateFile} and run \`npx hack up ${layout.service}\` again, or move the data dir aside (\`mv ${layout.root} ${layout.root}.old\`) to start from an empty one.`,
            cause: refusal,
          },
        );
      }
      if (isAlive(child.pid)) return undefined;
      throw exitedError(options, logSince(layout.logFile, offset));
    },
    fix: `Look at its log: \`npx hack logs ${layout.service}\` (${layout.logFile}).`,
  });
  return child.pid;
}

/**
 * The first start's own setup (our user, our database) once the server answers. When it fails, the server is
 * stopped again — the state still says "not initialised", so the next start begins afresh.
 */
export async function finishFirstStart(pid: number, setup: () => Promise<unknown>): Promise<void> {
  try {
    await setup();
  } catch (error) {
    await stopProcess(pid);
    throw error;
  }
}

/** Why a server that exited during start did so, as an error that names the fix. */
export function exitedError(
  options: Pick<LaunchOptions, 'layout' | 'label' | 'port' | 'damagedPattern'>,
  log: string,
): HackError {
  const { layout } = options;
  const lines = log.split('\n');
  if (/Address already in use|Do you already have another (mysqld|mariadbd) server running/i.test(log)) {
    return new ServiceError(
      `${options.label} could not listen on port ${options.port}: another process took it during the start.`,
      { fix: `Run \`npx hack up ${layout.service}\` again: it picks a free port.`, retriable: true },
    );
  }
  const damage = lines.find((line) => options.damagedPattern.test(line));
  if (damage) return damaged(layout, `${options.label} says "${damage.trim()}"`);
  const lastError =
    lines.filter((line) => /ERROR|FATAL|PANIC/.test(line)).pop() ?? lines.filter((line) => line.trim()).pop();
  return new ServiceError(
    `${options.label} exited during start${lastError ? `: ${lastError.trim()}` : ''}.`,
    { fix: `Its log: \`npx hack logs ${layout.service}\` (${layout.logFile}).` },
  );
}

/** The stack entry of a local server: the URL carries no credentials. */
export function localEntry(
  scheme: 'mysql' | 'postgresql',
  pid: number,
  port: number,
  state: DatabaseState,
  database?: string,
): DatabaseEntry {
  const host = '127.0.0.1';
  return {
    pid,
    url: `${scheme}://${host}:${port}${database ? `/${database}` : ''}`,
    host,
    port,
    user: state.user,
    password: state.password,
    ...(database ? { database } : {}),
  };
}
