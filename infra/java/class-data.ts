import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { javaExecutable, type ToolVersion } from './index.ts';
import type { Classpath } from './maven.ts';

const run = promisify(execFile);

/**
 * Application class-data sharing (AppCDS) for a JVM we start often (the Kafka broker): the classes one run loaded,
 * parsed and verified, dumped into an archive that later JVMs map instead of reading ~3,000 classes from jars.
 * The archive belongs to one Java build and one set of jars (the JVM refuses it otherwise), so its name is a digest
 * of both and a new JDK or a re-resolved classpath simply gets a new one.
 */
export function classDataArchive(name: string, classpath: Classpath, java: ToolVersion): string {
  const hash = createHash('sha256').update(`${javaExecutable()}\n${java.version}\n`);
  for (const jar of [...classpath.jars].sort()) {
    const stat = statSync(jar, { throwIfNoEntry: false });
    hash.update(`${jar} ${stat?.size ?? 0} ${stat?.mtimeMs ?? 0}\n`);
  }
  return join(classpath.dir, 'class-data', `${name}-${hash.digest('hex').slice(0, 16)}.jsa`);
}

/** The JVM options that use the archive when it exists; none otherwise (the JVM then reads its jars as usual). */
export function classDataOptions(archive: string): string[] {
  return existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
}

/**
 * Records the archive: `train` runs the JVM once with the option given to it (`-XX:ArchiveClassesAtExit=…`) and
 * returns after that JVM has exited normally, which is when it writes the archive. Only an archive a JVM then maps
 * with `-Xshare:on` is kept (moved into place in one rename, so a concurrent start sees all of it or nothing).
 * Returns false when this JVM cannot make one (a JDK without a base archive): starts then go on without.
 */
export async function recordClassDataArchive(
  archive: string,
  classpath: Classpath,
  train: (dumpOption: string) => Promise<void>,
): Promise<boolean> {
  mkdirSync(join(archive, '..'), { recursive: true });
  const partial = `${archive}.${process.pid}.partial`;
  rmSync(partial, { force: true });
  try {
    await train(`-XX:ArchiveClassesAtExit=${partial}`);
    if (!existsSync(partial)) return false;
    await run(javaExecutable(), [
      '-Xshare:on',
      `-XX:SharedArchiveFile=${partial}`,
      '-cp',
      classpath.classpath,
      '-version',
    ]);
    renameSync(partial, archive);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(partial, { force: true });
  }
}
