import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '../errors.ts';

/** True when a process with this pid exists (and we may signal it). */
export function isAlive(pid: number | undefined | null): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
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

/** A port the OS says is free now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The preferred (well-known) port when it is free, otherwise any free port. */
export async function preferredPort(preferred: number | undefined, host = '127.0.0.1'): Promise<number> {
  if (preferred && (await canBind(preferred, host))) return preferred;
  return freePort(host);
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
 * The command that runs one of our TypeScript services as its own Node process (through tsx's loader, resolved
 * from this package so it works whatever the cwd).
 */
export function typescriptServiceCommand(
  script: string,
  args: string[] = [],
): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', import.meta.resolve('tsx'), script, ...args] };
}
