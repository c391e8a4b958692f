import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { pomProperty, resolveClasspath, type Classpath } from '../java/maven.ts';

export const apacheConnectPom = join(projectRoot, 'infra', 'connect', 'pom.xml');

/**
 * Apache Kafka Connect's jars (runtime, json, file, transforms), resolved with Maven into the cache on first use.
 * Test and bench tooling only: the judge our worker and transforms are compared against.
 */
export function installApacheConnect(
  options: { force?: boolean; onProgress?: (message: string) => void } = {},
): Promise<Classpath> {
  return resolveClasspath(
    apacheConnectPom,
    `apache-connect-${pomProperty(apacheConnectPom, 'kafka.version')}`,
    options,
  );
}
