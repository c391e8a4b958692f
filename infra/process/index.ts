import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { compile, compileInBackground, freshCompiled } from './compiled.mjs';

/**
 * True when a process with this pid exists (and we may signal it). A zombie — killed, but not yet reaped by a
 * parent that never waits, as a container's init may be — is not alive: it holds no port and no data.
 */
export function isAlive(pid: number | undefined | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // `pid (comm) S …`: the state follows the last ')' (comm may itself contain parentheses).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS) or gone meanwhile
  }
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when we could bind host:port right now. */
export function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Free ports are drawn from here: below the ephemeral range (32768 up), where outgoing connections take ports. */
export const freePortRange = { from: 10_000, to: 32_767 } as const;

/** Where ports handed out by any connect-hack process on this machine are claimed (a file per port). */
export const portClaimsDir = join(tmpdir(), 'connect-hack-port-claims');

/** How long a claim holds: longer than any service takes from being given its port to binding it. */
const portClaimMs = 3 * 60_000;

/**
 * Claims a port for this process, atomically across processes. A port that is free when checked stays free only
 * until its service binds it — seconds for a JVM — and another `hack` checking meanwhile (parallel tests, a second
 * terminal) would be handed the same port; one service would then fail to bind. A claim holds while the process
 * that made it lives, for a few minutes at most; this process may always take its own claims again (a service
 * restarted on its previous port). False when another live process claimed the port recently.
 */
export function claimPort(port: number): boolean {
  const file = join(portClaimsDir, String(port));
  try {
    mkdirSync(portClaimsDir, { recursive: true });
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no claims possible here: the check alone
  }
  try {
    const owner = Number(readFileSync(file, 'utf8'));
    const fresh = Date.now() - statSync(file).mtimeMs < portClaimMs;
    if (owner !== process.pid && fresh && isAlive(owner)) return false;
    writeFileSync(file, String(process.pid)); // ours, or an expired claim: take it (again)
    return true;
  } catch {
    return false; // taken over meanwhile by another process: let it have it
  }
}

/**
 * A port that is free now, below 32768, and claimed for this process (claimPort). The OS's own choice (`listen(0)`)
 * would come from the ephemeral range, where any outgoing connection may take it before the service binds it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const span = freePortRange.to - freePortRange.from + 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = freePortRange.from + Math.floor(Math.random() * span);
    if ((await canBind(port, host)) && claimPort(port)) return port;
  }
  throw new ServiceError(`No free port between ${freePortRange.from} and ${freePortRange.to}.`, {
    fix: 'Stop some of the services listening there (`ss -ltn`).',
  });
}

/** The preferred (well-known) port when it is free, otherwise any free port. */
export async function preferredPort(preferred: number | undefined, host = '127.0.0.1'): Promise<number> {
  if (preferred && (await canBind(preferred, host)) && claimPort(preferred)) return preferred;
  return freePort(host);
}

/**
 * The port a data dir's service used last time when it is still free (clients configured for it keep working),
 * else the preferred one, else a free one (`preferred` 0: any free port).
 */
export async function reusePort(previous: number | undefined, preferred: number): Promise<number> {
  if (previous && (await canBind(previous)) && claimPort(previous)) return previous;
  return preferredPort(preferred || undefined);
}

/**
 * Stops the process a pid file names when it is still ours — a service a crashed `hack` left running — and
 * removes the file. Never kills a process that merely reuses an old pid: its command line must contain `marker`.
 */
export async function stopStaleProcess(pidFile: string, marker: string, timeoutMs = 20_000): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (isAlive(pid) && commandLineContains(pid, marker)) await stopProcess(pid, timeoutMs);
  rmSync(pidFile, { force: true });
}

function commandLineContains(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker);
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid file
  }
}

export interface DetachedProcess {
  pid: number;
  logFile: string;
}

/**
 * Starts a service as its own OS process, detached from ours so that it outlives `hack up --detach`, with
 * stdout and stderr appended to its log file.
 */
export function spawnDetached(
  command: string,
  args: string[],
  options: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): DetachedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new ServiceError(`Could not start ${command}.`);
    child.unref();
    return { pid: child.pid, logFile: options.logFile };
  } finally {
    closeSync(fd);
  }
}

/** The size of a log now: what a service writes from here on is this start's (see `logSince`). */
export function logSize(logFile: string): number {
  try {
    return statSync(logFile).size;
  } catch {
    return 0;
  }
}

/** The last `lines` lines of a log written after `offset` (0: the whole log); '' when there is none. */
export function logSince(logFile: string, offset = 0, lines = 400): string {
  try {
    return readFileSync(logFile).subarray(offset).toString('utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Polls `probe` until it returns a value, the deadline passes, or `abort` says the process has died. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | false>,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    abort?: () => string | undefined;
    what: string;
    fix?: string;
  },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw new ServiceError(aborted, { fix: options.fix });
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new ServiceError(
        `${options.what} did not become ready within ${Math.round(options.timeoutMs / 1000)} s.`,
        {
          fix: options.fix,
          retriable: true,
        },
      );
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/**
 * Stops a process: SIGTERM to its process group, then SIGKILL after the timeout.
 * Returns how it ended so callers can say so.
 */
export async function stopProcess(
  pid: number,
  timeoutMs = 15_000,
): Promise<'not-running' | 'stopped' | 'killed'> {
  if (!isAlive(pid)) return 'not-running';
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  return 'killed';
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name); // the whole group: a service may have children
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      /* already gone */
    }
  }
}

/**
 * The command that runs a TypeScript entry as its own Node process. One of our services (a `main.ts` under
 * infra/, connectors/ or dashboard/) runs compiled when its compiled file is as new as its sources
 * (compiled.mjs), which saves tsx's loader 1–3 s of its start; anything else — a participant's processor, a
 * service whose sources just changed — runs through tsx's loader, resolved from this package so it works
 * whatever the cwd (and a changed service is recompiled in the background for its next start).
 */
export function typescriptServiceCommand(
  script: string,
  args: string[] = [],
): { command: string; args: string[] } {
  if (isOurService(script)) {
    const compiled = freshCompiled(script);
    if (compiled) return { command: process.execPath, args: [compiled, ...args] };
    compileInBackground(script);
  }
  return { command: process.execPath, args: ['--import', import.meta.resolve('tsx'), script, ...args] };
}

/** What `hack install` compiles: the CLI and every service's entry. */
const entryPoints = [
  'bin/hack.ts',
  'infra/cosmos/main.ts',
  'infra/search/main.ts',
  'connectors/runtime/main.ts',
  'infra/metrics/main.ts',
  'infra/otel/main.ts',
  'infra/schema-registry/main.ts',
  'dashboard/main.ts',
];

export async function compileEntryPoints(): Promise<{ built: string[]; failed: string[] }> {
  const results = await Promise.allSettled(entryPoints.map((entry) => compile(join(projectRoot, entry))));
  return {
    built: entryPoints.filter((_, i) => results[i]?.status === 'fulfilled'),
    failed: entryPoints.filter((_, i) => results[i]?.status === 'rejected'),
  };
}

function isOurService(script: string): boolean {
  const path = relative(projectRoot, resolve(script));
  return /^(infra|connectors|dashboard)\//.test(path) && !path.includes('..');
}

/**
 * `import()` of a participant's TypeScript module. The `hack` CLI may be running compiled, without tsx's loader:
 * then the loader is registered on this first need, and the module imported again under another URL (Node keeps
 * a failed import's error for its URL).
 */
export async function importTypeScript(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    const { register } = await import('tsx/esm/api');
    register();
    return import(`${url}${url.includes('?') ? '&' : '?'}typescript`);
  }
}
