import { existsSync, statfsSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { cacheHome, hackHome } from '../paths.ts';
import { errorMessage, HackError } from '../errors.ts';
import { mark, style } from '../console/style.ts';
import { probeJava, probeMaven } from '../java/index.ts';
import { cacheProblem, pomModules, pomProperty } from '../java/maven.ts';
import {
  apacheConnectCacheName,
  apacheConnectPom,
  connectPluginsCacheName,
  connectPluginsPom,
} from '../connect/install.ts';
import { join } from 'node:path';
import { jmxExporterCacheName, jmxExporterPom, jmxExporterVersion } from '../jmx/exporter.ts';
import { otelAgentCacheName, otelAgentPom, otelAgentVersion } from '../otel/service.ts';
import { kafkaPom, kafkaVersion } from '../kafka/install.ts';
import { canBind } from '../process/index.ts';
import { readStack } from '../stack/stack-file.ts';
import { dockerUnavailable } from '../kafka/container.ts';
import { databaseChecks } from '../databases/doctor.ts';
import type { Check } from './check.ts';
import { openSearchCacheCheck } from '../opensearch/doctor.ts';

export type { Check } from './check.ts';

const minimumNode = [20, 19] as const;
/** Well-known ports participants' configs name; a busy one only moves that service to a free port. */
export const wellKnownPorts: Record<string, number> = {
  kafka: 9092,
  cosmos: 8081,
  connect: 8083,
  search: 8084,
  mysql: 3307,
  postgres: 5433,
  'apache-connect': 8093,
  metrics: 8091,
  opensearch: 9200,
  otel: 4318,
};
const minimumFreeBytes = 2 * 1024 ** 3;

export function checkNode(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1]);
  return ok
    ? { name: 'Node.js', level: 'ok', detail: `v${version}` }
    : {
        name: 'Node.js',
        level: 'fail',
        detail: `v${version} is older than ${minimumNode.join('.')}`,
        fix: 'Install Node.js 20.19 or newer (e.g. `nvm install 22`).',
      };
}

async function toolCheck(name: string, probe: () => Promise<{ version: string }>): Promise<Check> {
  try {
    return { name, level: 'ok', detail: (await probe()).version };
  } catch (error) {
    return {
      name,
      level: 'fail',
      detail: errorMessage(error),
      fix: error instanceof HackError ? error.fix : undefined,
    };
  }
}

function diskCheck(label: string, dir: string): Check {
  mkdirSync(dir, { recursive: true });
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  const gib = (free / 1024 ** 3).toFixed(1);
  return free >= minimumFreeBytes
    ? { name: `disk (${label})`, level: 'ok', detail: `${gib} GiB free in ${dir}` }
    : {
        name: `disk (${label})`,
        level: 'fail',
        detail: `only ${gib} GiB free in ${dir}`,
        fix: 'Free at least 2 GiB, or move it with HACK_HOME / HACK_CACHE_DIR.',
      };
}

async function portChecks(): Promise<Check[]> {
  const stack = readStack();
  const checks: Check[] = [];
  for (const [service, port] of Object.entries(wellKnownPorts)) {
    const ours = JSON.stringify(stack?.services[service] ?? {}).includes(`:${port}`);
    if (ours) checks.push({ name: `port ${port}`, level: 'ok', detail: `used by our ${service}` });
    else if (await canBind(port))
      checks.push({ name: `port ${port}`, level: 'ok', detail: `free for ${service}` });
    else {
      checks.push({
        name: `port ${port}`,
        level: 'warn',
        detail: `busy: ${service} will start on a free port instead`,
        fix: `Configs that name ${port} should use \${stack:…} instead, or stop what holds the port (\`lsof -i :${port}\`).`,
      });
    }
  }
  return checks;
}

function kafkaCacheCheck(): Check {
  const dir = join(cacheHome(), `kafka-${kafkaVersion()}`);
  // The JMX exporter agent the broker runs with (the metrics service reads its bytes in and out per topic).
  const exporterDir = join(cacheHome(), jmxExporterCacheName());
  const problems = [
    [cacheProblem(dir, kafkaPom), dir],
    [cacheProblem(exporterDir, jmxExporterPom), exporterDir],
  ].flatMap(([problem, where]) => (problem ? [`${problem} (${where})`] : []));
  if (problems.length === 0)
    return {
      name: 'Kafka jars',
      level: 'ok',
      detail: `Apache Kafka ${kafkaVersion()} and the Prometheus JMX exporter agent ${jmxExporterVersion()} cached in ${cacheHome()}`,
    };
  return {
    name: 'Kafka jars',
    level: 'warn',
    detail: problems.join('; '),
    fix: '`npx hack up` resolves them with Maven on first start; `npx hack install` does it now.',
  };
}

/**
 * The `apache-connect` service's jars: Apache Kafka Connect and its plugin folders. Missing is only a warning —
 * `hack up apache-connect` resolves them — but a first resolve downloads ~70 MB, so say how long it takes.
 */
function apacheConnectCacheCheck(): Check {
  const caches = [
    { dir: join(cacheHome(), apacheConnectCacheName()), pom: apacheConnectPom },
    { dir: join(cacheHome(), connectPluginsCacheName()), pom: connectPluginsPom },
    // The OpenTelemetry Java agent the worker runs with when the otel receiver is in the stack.
    { dir: join(cacheHome(), otelAgentCacheName()), pom: otelAgentPom },
  ];
  const problems = caches.flatMap(({ dir, pom }) => {
    const problem = cacheProblem(dir, pom);
    return problem ? [`${problem} (${dir})`] : [];
  });
  if (problems.length === 0)
    return {
      name: 'Apache Connect',
      level: 'ok',
      detail: `Kafka Connect ${pomProperty(apacheConnectPom, 'kafka.version')} with ${pomModules(connectPluginsPom).join(', ')} and the OpenTelemetry Java agent ${otelAgentVersion()} cached`,
    };
  return {
    name: 'Apache Connect',
    level: 'warn',
    detail: problems.join('; '),
    fix: '`npx hack install --apache-connect` resolves it now (~70 MB from Maven Central: about a minute on a fresh machine, seconds from ~/.m2); `npx hack up apache-connect` does it on first start.',
  };
}

async function dockerCheck(): Promise<Check> {
  const problem = await dockerUnavailable();
  return problem
    ? { name: 'Docker', level: 'warn', detail: `${problem}: only needed for --profile containers` }
    : { name: 'Docker', level: 'ok', detail: 'available for --profile containers' };
}

/** Optional: Debian's Chromium drives challenge 05's dashboard test and benchmark (playwright-core, no download). */
export function chromiumCheck(path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'): Check {
  return existsSync(path)
    ? { name: 'Chromium', level: 'ok', detail: `${path}, for the dashboard's browser test (challenge 05)` }
    : {
        name: 'Chromium',
        level: 'warn',
        detail: `no ${path}: only the dashboard's browser test and benchmark need it`,
        fix: '`sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROMIUM_PATH.',
      };
}

export async function runDoctor(): Promise<Check[]> {
  const [java, maven, docker, ports] = await Promise.all([
    toolCheck('Java ≥ 17', probeJava),
    toolCheck('Maven', probeMaven),
    dockerCheck(),
    portChecks(),
  ]);
  return [
    checkNode(),
    java,
    maven,
    kafkaCacheCheck(),
    apacheConnectCacheCheck(),
    openSearchCacheCheck(),
    diskCheck('stack', hackHome()),
    diskCheck('cache', cacheHome()),
    ...databaseChecks(),
    ...ports,
    docker,
    chromiumCheck(),
  ];
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check the prerequisites of the local stack and say how to fix what is missing')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { json?: boolean }) => {
      const checks = await runDoctor();
      if (options.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else {
        for (const check of checks) {
          const icon = check.level === 'ok' ? mark.ok() : check.level === 'warn' ? mark.warn() : mark.fail();
          process.stdout.write(`${icon} ${check.name.padEnd(14)} ${check.detail}\n`);
          if (check.fix && check.level !== 'ok') process.stdout.write(`  ${style.dim('→')} ${check.fix}\n`);
        }
        const failed = checks.filter((check) => check.level === 'fail').length;
        process.stdout.write(
          failed === 0
            ? `\n${mark.ok()} Ready for the local stack: ${style.bold('npm run challenge:03')}\n`
            : `\n${mark.fail()} ${failed} prerequisite(s) missing. Alternatives: --profile containers (Docker) or --profile external (your own Kafka).\n`,
        );
      }
      if (checks.some((check) => check.level === 'fail')) process.exitCode = 1;
    });
}
