import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { HackError, PrerequisiteError } from '../errors.ts';
import { javaExecutable } from './index.ts';
import { resolveClasspath, type ResolveOptions } from './maven.ts';

const run = promisify(execFile);

export interface BuiltModule {
  /** `java -cp`: the compiled classes, then the pom's dependencies. */
  classpath: string;
  /** The cache dir the module was resolved into (`<cache>/<name>`). */
  dir: string;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.java'))
    .map((file) => join(dir, file))
    .sort();
}

/**
 * A small Java module of the harness (a `pom.xml` and `src/main/java`): its dependencies resolved with Maven into
 * `<cache>/<name>`, its sources compiled with javac next to them — again only when a source changed (a digest of
 * the sources is kept with the classes). Nothing of it is committed as a jar.
 */
export async function buildJavaModule(
  moduleDir: string,
  name: string,
  options: ResolveOptions = {},
): Promise<BuiltModule> {
  const libs = await resolveClasspath(join(moduleDir, 'pom.xml'), name, options);
  const sources = sourceFiles(join(moduleDir, 'src', 'main', 'java'));
  if (sources.length === 0) throw new HackError(`${moduleDir} has no Java sources under src/main/java.`);
  const hash = createHash('sha256');
  for (const file of sources) hash.update(relative(moduleDir, file)).update(readFileSync(file));
  const digest = hash.digest('hex');
  const classes = join(libs.dir, 'classes');
  const stamp = join(classes, '.sources');
  if (options.force || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
    options.onProgress?.(`Compiling ${sources.length} Java source(s) of ${name}…`);
    rmSync(classes, { recursive: true, force: true });
    mkdirSync(classes, { recursive: true });
    const javac = javaExecutable().replace(/java$/, 'javac');
    try {
      await run(javac, ['-d', classes, '-cp', libs.classpath, ...sources], { maxBuffer: 8 * 1024 * 1024 });
    } catch (error) {
      const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
      throw new PrerequisiteError(
        `javac could not compile ${moduleDir}:\n${output.trim().split('\n').slice(0, 20).join('\n')}`,
        { fix: 'Install a full JDK 17 or newer (javac, not only a JRE).', cause: error },
      );
    }
    writeFileSync(stamp, digest);
  }
  return { classpath: `${classes}:${libs.classpath}`, dir: libs.dir };
}
