import { execFile } from 'node:child_process';
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
import { join } from 'node:path';
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
  jars: Record<string, number>;
}

export function pomProperty(pomFile: string, property: string): string {
  const match = new RegExp(`<${property.replace(/\./g, '\\.')}>([^<]+)</`).exec(
    readFileSync(pomFile, 'utf8'),
  );
  if (!match?.[1]) throw new HackError(`${pomFile} has no <${property}>.`);
  return match[1].trim();
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
  if (manifest.pom !== readFileSync(pomFile, 'utf8')) return 'the pom changed since it was resolved';
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

/**
 * Returns the cached classpath for `pomFile`, resolving it with Maven first when it is missing or corrupt.
 * `onProgress` hears what happens (a download takes a while on a fresh machine).
 */
export async function resolveClasspath(
  pomFile: string,
  name: string,
  options: { force?: boolean; onProgress?: (message: string) => void } = {},
): Promise<Classpath> {
  const dir = join(cacheHome(), name);
  const problem = options.force ? 'reinstall requested' : cacheProblem(dir, pomFile);
  if (!problem) return classpathOf(dir);
  if (problem !== 'not installed')
    options.onProgress?.(`The cache in ${dir} is unusable (${problem}); resolving it again.`);
  await probeMaven();
  options.onProgress?.(`Resolving ${name} from Maven Central with Maven…`);
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'libs'), { recursive: true });
  const args = [
    '-B',
    '-q',
    '-f',
    pomFile,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${join(staging, 'libs')}`,
    '-DincludeScope=runtime',
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(mavenExecutable(), args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const tail = stripAnsi(`${stdout}${stderr}`).trim().split('\n').slice(-12).join('\n');
      reject(
        new PrerequisiteError(`Maven could not resolve ${name}:\n${tail}`, {
          fix: 'Check that Maven Central is reachable (or your Maven mirror in ~/.m2/settings.xml), then run `npx hack install`.',
          cause: error,
        }),
      );
    });
  });
  const jars: Record<string, number> = {};
  for (const jar of readdirSync(join(staging, 'libs'))) jars[jar] = statSync(join(staging, 'libs', jar)).size;
  writeFileSync(
    join(staging, 'manifest.json'),
    JSON.stringify({ pom: readFileSync(pomFile, 'utf8'), jars }, null, 2),
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return classpathOf(dir);
}
