import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installApacheConnect } from '../../../../infra/connect/install.ts';
import { pomProperty, resolveClasspath } from '../../../../infra/java/maven.ts';
import type { PipelineResult, SerializedRecord } from '../pipeline.ts';

/**
 * Runs conformance cases (or a benchmark) through Apache's implementation: `Driver.java` as a single-file
 * program on the Apache Connect classpath plus Debezium's transforms, all cases in one JVM.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const driverSource = join(here, 'Driver.java');
export const debeziumPom = join(here, 'pom.xml');

export interface ConformanceCase {
  id: string;
  config: Record<string, string>;
  record: SerializedRecord;
}

export type DriverResult = { id: string } & PipelineResult;

export async function conformanceClasspath(onProgress?: (message: string) => void): Promise<string> {
  const apache = await installApacheConnect({ onProgress });
  const debezium = await resolveClasspath(
    debeziumPom,
    `debezium-transforms-${pomProperty(debeziumPom, 'debezium.version')}`,
    { onProgress },
  );
  return [apache.classpath, debezium.classpath].join(':');
}

function runJava(classpath: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // UTC: Apache formats dates in the JVM's default zone; ours are UTC.
    const child = spawn(
      'java',
      ['-Duser.timezone=UTC', '-Dlog4j2.level=OFF', '-cp', classpath, driverSource, ...args],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`Driver.java exited with ${code}:\n${err.slice(-4000)}`));
    });
    child.stdin.end(input);
  });
}

export async function runApacheCases(
  cases: ConformanceCase[],
  classpath: string,
): Promise<Map<string, DriverResult>> {
  const output = await runJava(classpath, [], cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  const results = new Map<string, DriverResult>();
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = JSON.parse(line) as DriverResult;
    results.set(parsed.id, parsed);
  }
  return results;
}

/** Apache's cost per record for one case (warmed up), in nanoseconds. */
export async function benchApache(
  testCase: ConformanceCase,
  records: number,
  classpath: string,
): Promise<{ nsPerRecord: number; cpuNsPerRecord: number }> {
  const output = await runJava(classpath, ['--bench', String(records)], JSON.stringify(testCase) + '\n');
  return JSON.parse(output.trim()) as { nsPerRecord: number; cpuNsPerRecord: number };
}
