import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../paths.ts';
import { javaExecutable } from '../../java/index.ts';
import { emulatorTruststore, truststorePassword } from '../truststore.ts';
import { pomProperty, resolveClasspath, type Classpath } from '../../java/maven.ts';

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
 * The emulator's certificate in a PKCS#12 trust store: how a JVM client trusts the emulator
 * (`-Djavax.net.ssl.trustStore=…`), as Microsoft documents for its own emulator.
 */
export async function trustStoreFor(certificateFile: string): Promise<{ file: string; password: string }> {
  return { file: await emulatorTruststore(certificateFile), password: truststorePassword };
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
