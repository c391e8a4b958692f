import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import {
  pomProperty,
  resolveClasspath,
  resolvePluginPath,
  type Classpath,
  type PluginPath,
  type ResolveOptions,
} from '../java/maven.ts';

export const apacheConnectPom = join(projectRoot, 'infra', 'connect', 'pom.xml');
export const connectPluginsPom = join(projectRoot, 'infra', 'connect', 'plugins', 'pom.xml');

export const apacheConnectCacheName = (): string =>
  `apache-connect-${pomProperty(apacheConnectPom, 'kafka.version')}`;
export const connectPluginsCacheName = (): string =>
  `apache-connect-plugins-${pomProperty(connectPluginsPom, 'kafka.version')}`;

/**
 * Apache Kafka Connect's jars (runtime, json, file, transforms), resolved with Maven into the cache on first use:
 * the `apache-connect` service's classpath, and the judge the differential tests and the SMT conformance suite
 * compare our worker and transforms with.
 */
export function installApacheConnect(options: ResolveOptions = {}): Promise<Classpath> {
  return resolveClasspath(apacheConnectPom, apacheConnectCacheName(), options);
}

/** The plugins of the `apache-connect` service, one folder each (infra/connect/plugins/pom.xml). */
export function installConnectPlugins(options: ResolveOptions = {}): Promise<PluginPath> {
  return resolvePluginPath(connectPluginsPom, connectPluginsCacheName(), options);
}
