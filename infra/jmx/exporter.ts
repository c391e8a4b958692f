import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheHome, projectRoot } from '../paths.ts';
import { probeJava } from '../java/index.ts';
import { cacheProblem, pomProperty, resolveClasspath, type ResolveOptions } from '../java/maven.ts';
import { reusePort } from '../process/index.ts';

/**
 * The Prometheus JMX exporter's Java agent on the stack's own JVMs (the broker, Apache Kafka Connect): an HTTP
 * page of Prometheus text with only the MBeans of a small rules file, which the metrics service scrapes. On by
 * default (HACK_JMX_EXPORTER=0 leaves it off); its port is recorded in stack.json as `jmxExporterUrl`.
 */
export const jmxExporterPom = join(projectRoot, 'infra', 'jmx', 'pom.xml');
export const jmxExporterVersion = (): string => pomProperty(jmxExporterPom, 'jmx.exporter.version');
export const jmxExporterCacheName = (): string => `jmx-exporter-${jmxExporterVersion()}`;

/** Which JVM the agent goes on: each has its rules file next to this module. */
export type JmxExporterRules = 'broker' | 'connect';

export const jmxExporterRulesFile = (rules: JmxExporterRules): string =>
  join(import.meta.dirname, `${rules}-rules.yaml`);

/** The agent's jar, resolved from Maven Central into the cache on first use. */
export async function installJmxExporter(options: ResolveOptions = {}): Promise<string> {
  const classpath = await resolveClasspath(jmxExporterPom, jmxExporterCacheName(), options);
  const jar = classpath.jars.find((name) => name.startsWith('jmx_prometheus_javaagent'));
  return join(classpath.libDir, jar ?? 'jmx_prometheus_javaagent.jar');
}

/** The JVM option that starts the agent serving `http://127.0.0.1:{port}/metrics` with the given rules. */
export function jmxExporterArgs(agentJar: string, port: number, rules: JmxExporterRules): string[] {
  return [`-javaagent:${agentJar}=127.0.0.1:${port}:${jmxExporterRulesFile(rules)}`];
}

export interface JmxExporter {
  jvmArgs: string[];
  /** The agent's page: `{url}/metrics`. */
  url: string;
}

/**
 * The agent for a service whose data dir is `dataDir`, or undefined when HACK_JMX_EXPORTER=0. The port is a free
 * one, the previous one again after a restart (kept in `<dataDir>/jmx-exporter-port`).
 */
export async function jmxExporterFor(
  dataDir: string,
  rules: JmxExporterRules,
  env: NodeJS.ProcessEnv,
  options: ResolveOptions = {},
): Promise<JmxExporter | undefined> {
  if (env.HACK_JMX_EXPORTER === '0') return undefined;
  const portFile = join(dataDir, 'jmx-exporter-port');
  const previous = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
  const port = await reusePort(previous, 0);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(portFile, String(port));
  // Resolving runs Maven, which needs Java: a missing Java is named as such rather than as a failed Maven run.
  if (cacheProblem(join(cacheHome(), jmxExporterCacheName()), jmxExporterPom)) await probeJava();
  const jar = await installJmxExporter(options);
  return { jvmArgs: jmxExporterArgs(jar, port, rules), url: `http://127.0.0.1:${port}` };
}
