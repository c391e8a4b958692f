import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PrerequisiteError } from '../errors.ts';
import { stripAnsi } from '../console/style.ts';

const run = promisify(execFile);

/** Java and Maven are prerequisites of the local profile; these probes serve `hack doctor` and the installers. */
export function javaExecutable(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function mavenExecutable(): string {
  return process.env.MAVEN_HOME ? join(process.env.MAVEN_HOME, 'bin', 'mvn') : 'mvn';
}

export const minimumJavaMajor = 17;

export interface ToolVersion {
  version: string;
  major: number;
}

/** `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15` or `java version "1.8.0_392"`. */
export function parseJavaVersion(output: string): ToolVersion | undefined {
  const match = /version "([^"]+)"/.exec(output);
  if (!match?.[1]) return undefined;
  const version = match[1];
  const parts = version.split(/[._-]/).map(Number);
  const major = parts[0] === 1 ? (parts[1] ?? 0) : (parts[0] ?? 0);
  return { version, major };
}

export async function probeJava(): Promise<ToolVersion> {
  const fix =
    'Install a JDK 17 or newer (e.g. `apt-get install openjdk-17-jdk`, `brew install openjdk@17`, or https://adoptium.net) and put `java` on PATH or set JAVA_HOME.';
  let output: string;
  try {
    const { stdout, stderr } = await run(javaExecutable(), ['-version']);
    output = stderr + stdout;
  } catch (error) {
    throw new PrerequisiteError('Java was not found.', { fix, cause: error });
  }
  const parsed = parseJavaVersion(output);
  if (!parsed) throw new PrerequisiteError(`Could not read the Java version from: ${output.trim()}`, { fix });
  if (parsed.major < minimumJavaMajor) {
    throw new PrerequisiteError(
      `Java ${parsed.version} is too old: Apache Kafka 4 needs Java ${minimumJavaMajor} or newer.`,
      { fix },
    );
  }
  return parsed;
}

export async function probeMaven(): Promise<ToolVersion> {
  const fix =
    'Install Apache Maven 3.6 or newer (e.g. `apt-get install maven`, `brew install maven`, `sdk install maven`) and put `mvn` on PATH.';
  try {
    const { stdout } = await run(mavenExecutable(), ['-v'], { env: { ...process.env, MAVEN_OPTS: '' } });
    const match = /Apache Maven (\d+)\.(\d+)\.?(\d*)/.exec(stripAnsi(stdout));
    if (!match)
      throw new PrerequisiteError(`Could not read the Maven version from: ${stdout.trim().split('\n')[0]}`, {
        fix,
      });
    return { version: `${match[1]}.${match[2]}${match[3] ? `.${match[3]}` : ''}`, major: Number(match[1]) };
  } catch (error) {
    if (error instanceof PrerequisiteError) throw error;
    throw new PrerequisiteError('Maven (`mvn`) was not found.', { fix, cause: error });
  }
}
