import { spawn, execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { projectRoot } from '../../paths.ts';
import { javaExecutable } from '../../java/index.ts';
import { pomProperty, resolveClasspath, type Classpath } from '../../java/maven.ts';

const run = promisify(execFile);
const here = join(projectRoot, 'infra', 'cosmos', 'java-conformance');
export const cosmosJavaSdkPom = join(here, 'pom.xml');
const driverSource = join(here, 'Conformance.java');

/**
 * The official Azure Cosmos DB Java SDK (what Microsoft's Kafka connector is built on), resolved with Maven into
 * the cache on first use. Test tooling: `Conformance.java` drives the emulator with it.
 */
export function installCosmosJavaSdk(
  options: { force?: boolean; onProgress?: (message: string) => void } = {},
): Promise<Classpath> {
  return resolveClasspath(
    cosmosJavaSdkPom,
    `azure-cosmos-java-${pomProperty(cosmosJavaSdkPom, 'azure-cosmos.version')}`,
    options,
  );
}

/**
 * A PKCS#12 trust store holding the emulator's certificate, next to it: how a JVM client trusts the emulator
 * (`-Djavax.net.ssl.trustStore=…`), as Microsoft documents for its own emulator.
 */
export async function trustStoreFor(certificateFile: string): Promise<{ file: string; password: string }> {
  const file = join(dirname(certificateFile), 'cosmos-emulator-truststore.p12');
  const password = 'changeit';
  rmSync(file, { force: true });
  const keytool = join(dirname(javaExecutable()), 'keytool');
  await run(existsSync(keytool) ? keytool : 'keytool', [
    '-importcert',
    '-noprompt',
    '-alias',
    'cosmos-emulator',
    '-file',
    certificateFile,
    '-keystore',
    file,
    '-storetype',
    'PKCS12',
    '-storepass',
    password,
  ]);
  return { file, password };
}

export interface CheckResult {
  check: string;
  ok: boolean;
  error?: string;
}

/**
 * Runs `Conformance.java` against `endpoint` (the key travels in the environment, never on the command line).
 * When the driver asks for a restart, `restart` runs and the driver continues against the restarted endpoint.
 */
export function runJavaConformance(options: {
  classpath: Classpath;
  endpoint: string;
  key: string;
  trustStore: { file: string; password: string };
  restart: () => Promise<void>;
}): Promise<{ results: CheckResult[]; stderr: string; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      javaExecutable(),
      [
        '-Xmx512m',
        `-Djavax.net.ssl.trustStore=${options.trustStore.file}`,
        `-Djavax.net.ssl.trustStorePassword=${options.trustStore.password}`,
        '-cp',
        options.classpath.classpath,
        driverSource,
        options.endpoint,
      ],
      { env: { ...process.env, COSMOS_KEY: options.key }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const results: CheckResult[] = [];
    let stderr = '';
    child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let parsed: CheckResult | { restart: true };
      try {
        parsed = JSON.parse(line) as CheckResult | { restart: true };
      } catch {
        stderr += `${line}\n`;
        return;
      }
      if ('restart' in parsed) {
        options.restart().then(
          () => child.stdin.write('go\n'),
          (error: unknown) => {
            child.kill();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      } else results.push(parsed);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ results, stderr, exitCode }));
  });
}
