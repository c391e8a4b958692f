import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  renameSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheHome } from '../paths.ts';
import { HackError, PrerequisiteError } from '../errors.ts';
import { stripAnsi } from '../console/style.ts';
import { mavenExecutable, probeMaven } from './index.ts';

/**
 * Java artifacts (the Kafka broker, Kafka Connect for differential tests) are declared in a pom per purpose and
 * resolved from Maven Central with `mvn dependency:copy-dependencies` into a cache outside the repository. A
 * manifest records each jar's size; a jar that is missing, truncated or not a zip makes the cache "corrupt", and
 * the resolver then fetches it again instead of letting the JVM fail with a ClassNotFoundException.
 */
export interface Classpath {
  /** `<cache>/<name>`; jars live in `libs/`. */
  dir: string;
  libDir: string;
  jars: string[];
  /** `libs/*`, the form `java -cp` takes. */
  classpath: string;
}

interface Manifest {
  pom: string;
  /** Each jar's size, by its path under `libs/` (`a.jar`, or `<plugin>/a.jar` for plugin folders). */
  jars: Record<string, number>;
}

export function pomProperty(pomFile: string, property: string): string {
  const match = new RegExp(`<${property.replace(/\./g, '\\.')}>([^<]+)</`).exec(
    readFileSync(pomFile, 'utf8'),
  );
  if (!match?.[1]) throw new HackError(`${pomFile} has no <${property}>.`);
  return match[1].trim();
}

/** The `<module>`s of a reactor pom (one per plugin folder); none for a plain pom. */
export function pomModules(pomFile: string): string[] {
  return [...readFileSync(pomFile, 'utf8').matchAll(/<module>([^<]+)<\/module>/g)].map((match) =>
    match[1]!.trim(),
  );
}

/** The pom's text with its modules' poms: what a cache was resolved from, so an edit to any of them is noticed. */
function pomText(pomFile: string): string {
  return [pomFile, ...pomModules(pomFile).map((module) => join(dirname(pomFile), module, 'pom.xml'))]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/** Why a cached classpath cannot be used, or undefined when it is complete. */
export function cacheProblem(dir: string, pomFile: string): string | undefined {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) return 'not installed';
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch {
    return 'its manifest is unreadable';
  }
  if (manifest.pom !== pomText(pomFile)) return 'the pom changed since it was resolved';
  for (const [jar, size] of Object.entries(manifest.jars)) {
    const file = join(dir, 'libs', jar);
    if (!existsSync(file)) return `${jar} is missing`;
    if (statSync(file).size !== size) return `${jar} has the wrong size`;
    if (!hasZipTrailer(file, size)) return `${jar} is not a valid jar`;
  }
  return undefined;
}
/** A jar ends with a zip end-of-central-directory record (PK\x05\x06) within its last 64 KiB + 22 bytes. */
function hasZipTrailer(file: string, size: number): boolean {
  const length = Math.min(size, 65_557);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
}

export function classpathOf(dir: string): Classpath {
  const libDir = join(dir, 'libs');
  const jars = readdirSync(libDir).filter((file) => file.endsWith('.jar'));
  return { dir, libDir, jars, classpath: join(libDir, '*') };
}

/** Kafka Connect plugins resolved from a reactor pom: one folder of jars per module, for `plugin.path`. */
export interface PluginPath {
  dir: string;
  /** The folder whose subfolders are the plugins: what `plugin.path` names. */
  pluginPath: string;
  plugins: string[];
}

export function pluginPathOf(dir: string): PluginPath {
  const pluginPath = join(dir, 'libs');
  const plugins = readdirSync(pluginPath, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return { dir, pluginPath, plugins };
}

export interface ResolveOptions {
  force?: boolean;
  onProgress?: (message: string) => void;
}

/**
 * Returns the cached classpath for `pomFile`, resolving it with Maven first when it is missing or corrupt.
 * `onProgress` hears what happens (a download takes a while on a fresh machine).
 */
export async function resolveClasspath(
  pomFile: string,
  name: string,
  options: ResolveOptions = {},
): Promise<Classpath> {
  const dir = await resolveCache(pomFile, name, options, (libs) => [`-DoutputDirectory=${libs}`]);
  return classpathOf(dir);
}

/**
 * Returns the cached plugin folders of a reactor pom whose modules copy their dependencies to
 * `${plugins.outputDirectory}/${project.artifactId}` (see infra/connect/plugins/pom.xml), resolving them first
 * when missing or corrupt.
 */
export async function resolvePluginPath(
  pomFile: string,
  name: string,
  options: ResolveOptions = {},
): Promise<PluginPath> {
  const dir = await resolveCache(pomFile, name, options, (libs) => [`-Dplugins.outputDirectory=${libs}`]);
  return pluginPathOf(dir);
}

async function resolveCache(
  pomFile: string,
  name: string,
  options: ResolveOptions,
  outputArgs: (libs: string) => string[],
): Promise<string> {
  const dir = join(cacheHome(), name);
  const problem = options.force ? 'reinstall requested' : cacheProblem(dir, pomFile);
  if (!problem) return dir;
  if (problem !== 'not installed')
    options.onProgress?.(`The cache in ${dir} is unusable (${problem}); resolving it again.`);
  await probeMaven();
  options.onProgress?.(`Resolving ${name} from Maven Central with Maven…`);
  const staging = `${dir}.staging-${process.pid}`;
  const libs = join(staging, 'libs');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  await runMaven(
    ['-B', '-f', pomFile, 'dependency:copy-dependencies', ...outputArgs(libs), '-DincludeScope=runtime'],
    name,
    options.onProgress,
  );
  const jars: Record<string, number> = {};
  for (const jar of listJars(libs)) jars[jar] = statSync(join(libs, jar)).size;
  writeFileSync(join(staging, 'manifest.json'), JSON.stringify({ pom: pomText(pomFile), jars }, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}

/** Jars under `dir`, as paths relative to it (one level of plugin folders). */
function listJars(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.jar'))
    .sort();
}

/**
 * Runs Maven, telling `onProgress` which module it is on and how many files it has downloaded (a first resolve
 * of Debezium fetches a few hundred), at most every few seconds; on failure, the error carries Maven's last lines.
 */
function runMaven(args: string[], name: string, onProgress?: (message: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(mavenExecutable(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let downloads = 0;
    let module = '';
    let lastReport = Date.now();
    const onLine = (raw: string): void => {
      const line = stripAnsi(raw);
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (line.includes('Downloaded from')) downloads++;
      const building = /copy-dependencies \([^)]*\) @ ([\w.-]+) ---/.exec(line);
      if (building?.[1] && building[1] !== module) {
        module = building[1];
        onProgress?.(`  ${module}${downloads > 0 ? ` (${downloads} files downloaded so far)` : ''}`);
        lastReport = Date.now();
      } else if (downloads > 0 && Date.now() - lastReport > 5000) {
        onProgress?.(`  … ${downloads} files downloaded`);
        lastReport = Date.now();
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('error', (error) =>
      reject(new PrerequisiteError(`Maven could not be started: ${error.message}`, { cause: error })),
    );
    child.once('close', (code) => {
      if (code === 0) return resolve();
      const errors = tail.filter((line) => /ERROR|FAIL/.test(line)).slice(-12);
      reject(
        new PrerequisiteError(
          `Maven could not resolve ${name}:\n${(errors.length ? errors : tail.slice(-12)).join('\n')}`,
          {
            fix: 'Check that Maven Central is reachable (or your Maven mirror in ~/.m2/settings.xml), then run `npx hack install`.',
          },
        ),
      );
    });
  });
}
