import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: everything the harness ships is found relative to it, never relative to the cwd. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The stack's state directory (`.hack/`): stack.json, service data dirs and logs.
 * `HACK_HOME` moves it, which is how tests run a stack of their own beside a participant's.
 */
export function hackHome(): string {
  return resolve(process.env.HACK_HOME ?? join(projectRoot, '.hack'));
}

/** Downloads (Maven artifacts) live outside the repository so that a fresh clone reuses them. */
export function cacheHome(): string {
  const base =
    process.env.HACK_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'connect-hack');
  return resolve(base);
}

export function serviceDataDir(service: string): string {
  return join(hackHome(), 'data', service);
}

export function serviceLogFile(service: string): string {
  return join(hackHome(), 'logs', `${service}.log`);
}
