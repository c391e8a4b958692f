import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { mark, style } from '../../infra/console/style.ts';
import { renderTable } from '../../infra/console/table.ts';
import { describeJsonError } from '../../infra/console/json-error.ts';
import { UsageError } from '../../infra/errors.ts';
import { loadEnvFile } from '../../infra/stack/env-file.ts';
import { readStack } from '../../infra/stack/stack-file.ts';
import type { Props } from './api/plugins.ts';
import { readProperties } from './config-providers.ts';
import { ConnectApiError, ConnectClient, connectorPath } from './connect-client.ts';
import type { ConnectorInfo, ConnectorOffsets, ConnectorStateInfo } from './herder/shapes.ts';

interface GlobalOptions {
  url?: string;
  env?: string;
}

/** The worker: `--url`, else CONNECT_URL (from `--env` or the environment), else the running stack's. */
export function connectUrl(options: GlobalOptions): string {
  if (options.url) return options.url;
  const env = loadEnvFile(options.env);
  if (env.CONNECT_URL) return env.CONNECT_URL;
  const url = readStack()?.services.connect?.url;
  if (url) return url;
  throw new UsageError('No Kafka Connect worker is known.', {
    fix: 'Start the stack with `npx hack up --detach`, or pass --url http://host:8083 (or CONNECT_URL in --env FILE).',
  });
}

export interface ConnectorFile {
  file: string;
  name: string;
  config: Props;
}

/**
 * Connector files as `kcctl apply` and Apache's standalone mode read them: `{"name","config"}` JSON, a flat JSON
 * config map (name from its `name` key or the file name), or a .properties file.
 */
export function readConnectorFiles(path: string): ConnectorFile[] {
  if (!existsSync(path))
    throw new UsageError(`${path} does not exist.`, {
      fix: 'Pass a connector JSON file or a folder of them.',
    });
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((file) => ['.json', '.properties'].includes(extname(file)))
        .sort()
        .map((file) => join(path, file))
    : [path];
  return files.map((file) => {
    const fallbackName = basename(file, extname(file));
    if (extname(file) === '.properties') {
      const config = readProperties(file);
      return {
        file,
        name: config.name ?? fallbackName,
        config: { ...config, name: config.name ?? fallbackName },
      };
    }
    let parsed: unknown;
    const text = readFileSync(file, 'utf8');
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${describeJsonError(text, error)}`, {
        fix: 'Fix the JSON syntax.',
      });
    }
    const object = (parsed ?? {}) as { name?: unknown; config?: unknown };
    const wrapped = typeof object.config === 'object' && object.config !== null;
    const rawConfig = (wrapped ? object.config : parsed) as Record<string, unknown>;
    const config: Props = {};
    for (const [key, value] of Object.entries(rawConfig)) config[key] = String(value);
    const name = String((wrapped ? object.name : undefined) ?? config.name ?? fallbackName);
    return { file, name, config: { ...config, name } };
  });
}

/**
 * Creates or updates one connector from its file, idempotently (`kcctl apply`): an identical config is left alone,
 * so applying a folder twice restarts nothing.
 */
export async function applyConnector(
  api: ConnectClient,
  { name, config }: Pick<ConnectorFile, 'name' | 'config'>,
): Promise<'created' | 'updated' | 'unchanged'> {
  const current = await api.get<Props>(connectorPath(name, '/config')).catch((error: unknown) => {
    if (error instanceof ConnectApiError && error.status === 404) return undefined;
    throw error;
  });
  const same = (a: Props, b: Props): boolean =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  if (current && same(current, config)) return 'unchanged';
  const { status } = await api.call('PUT', connectorPath(name, '/config'), config);
  return status === 201 ? 'created' : 'updated';
}

/** Values of PASSWORD keys (per the plugin's own spec) shown as `[hidden]`. */
async function maskPasswords(client: ConnectClient, config: Props): Promise<Props> {
  const keys = await client
    .get<Array<{ name: string; type: string }>>(
      `/connector-plugins/${encodeURIComponent(config['connector.class'] ?? '')}/config`,
    )
    .catch(() => []);
  const masked = { ...config };
  for (const key of keys)
    if (key.type === 'PASSWORD' && masked[key.name] !== undefined && !masked[key.name]!.startsWith('${'))
      masked[key.name] = '[hidden]';
  return masked;
}

const stateText = (state: string): string =>
  state === 'RUNNING' ? style.green(state) : state === 'FAILED' ? style.red(state) : style.yellow(state);

export function registerConnectorsCommands(program: Command): void {
  const connectors = program
    .command('connectors')
    .description('Manage connectors on the Kafka Connect worker (ours or a real cluster)')
    .option('--url <url>', 'the Connect REST URL (default: the running stack, or CONNECT_URL)')
    .option('--env <file>', 'an env file with CONNECT_URL');
  const client = (): ConnectClient => new ConnectClient(connectUrl(connectors.opts<GlobalOptions>()));
  const out = (text: string): void => void process.stdout.write(`${text}\n`);

  connectors
    .command('apply <path>')
    .description(
      'Create or update connectors from a JSON/properties file or a folder of them (idempotent, like kcctl apply)',
    )
    .action(async (path: string) => {
      const api = client();
      for (const file of readConnectorFiles(path))
        out(`${mark.ok()} ${file.name} ${await applyConnector(api, file)}`);
    });

  connectors
    .command('get [name]')
    .description('List connectors with their state and tasks')
    .action(async (name?: string) => {
      const api = client();
      const all = await api.get<Record<string, { status: ConnectorStateInfo; info: ConnectorInfo }>>(
        '/connectors?expand=status&expand=info',
      );
      const rows = Object.values(all)
        .filter((entry) => !name || entry.info.name === name)
        .sort((a, b) => a.info.name.localeCompare(b.info.name));
      if (name && rows.length === 0) throw new ConnectApiError(404, `Connector ${name} not found`);
      out(
        renderTable(
          [
            { header: 'name', value: (row) => row.info.name },
            { header: 'type', value: (row) => row.info.type },
            { header: 'state', value: (row) => stateText(row.status.connector.state) },
            {
              header: 'tasks',
              value: (row) =>
                row.status.tasks.map((task) => `${task.id}:${stateText(task.state)}`).join(' ') || '-',
            },
            { header: 'class', value: (row) => row.info.config['connector.class'] ?? '' },
          ],
          rows,
        ),
      );
    });

  connectors
    .command('describe <name>')
    .description('Show a connector: config (secrets hidden), status, tasks and failure traces')
    .action(async (name: string) => {
      const api = client();
      const [info, status, topics] = await Promise.all([
        api.get<ConnectorInfo>(connectorPath(name)),
        api.get<ConnectorStateInfo>(connectorPath(name, '/status')),
        api.get<Record<string, { topics: string[] }>>(connectorPath(name, '/topics')).catch(() => undefined),
      ]);
      const config = await maskPasswords(api, info.config);
      out(
        `${style.bold(name)} (${info.type}) ${stateText(status.connector.state)} on ${status.connector.worker_id}`,
      );
      if (status.connector.trace) out(style.red(status.connector.trace));
      out(`\n${style.bold('config')}`);
      for (const [key, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b)))
        out(`  ${key} = ${value}`);
      out(`\n${style.bold('tasks')}`);
      for (const task of status.tasks) {
        out(`  ${task.id}: ${stateText(task.state)} on ${task.worker_id}`);
        if (task.trace)
          out(
            style.red(
              task.trace
                .split('\n')
                .map((line) => `     ${line}`)
                .join('\n'),
            ),
          );
      }
      if (topics?.[name]) out(`\n${style.bold('topics')} ${topics[name].topics.join(', ') || '-'}`);
    });

  connectors
    .command('delete <name>')
    .description('Delete a connector')
    .action(async (name: string) => {
      await client().call('DELETE', connectorPath(name));
      out(`${mark.ok()} ${name} deleted`);
    });

  connectors
    .command('restart <name>')
    .description('Restart a connector (and its tasks with --include-tasks)')
    .option('--include-tasks', 'restart the tasks too')
    .option('--only-failed', 'restart only what failed')
    .action(async (name: string, options: { includeTasks?: boolean; onlyFailed?: boolean }) => {
      const query = `?includeTasks=${Boolean(options.includeTasks)}&onlyFailed=${Boolean(options.onlyFailed)}`;
      await client().call('POST', connectorPath(name, `/restart${query}`));
      out(`${mark.ok()} ${name} restarting`);
    });

  for (const verb of ['pause', 'resume', 'stop'] as const) {
    connectors
      .command(`${verb} <name>`)
      .description(`${verb[0]!.toUpperCase()}${verb.slice(1)} a connector`)
      .action(async (name: string) => {
        await client().call('PUT', connectorPath(name, `/${verb}`));
        out(`${mark.ok()} ${name}: ${verb} requested`);
      });
  }

  connectors
    .command('offsets <name>')
    .description(
      "Show a connector's offsets (source partitions, or the sink consumer group); --reset clears them (connector must be stopped)",
    )
    .option('--reset', 'reset the offsets (after `connectors stop <name>`)')
    .action(async (name: string, options: { reset?: boolean }) => {
      const api = client();
      if (options.reset) {
        const { body } = await api.call<{ message: string }>('DELETE', connectorPath(name, '/offsets'));
        out(`${mark.ok()} ${body.message}`);
        return;
      }
      const { offsets } = await api.get<ConnectorOffsets>(connectorPath(name, '/offsets'));
      out(
        renderTable(
          [
            { header: 'partition', value: (row) => JSON.stringify(row.partition) },
            { header: 'offset', value: (row) => JSON.stringify(row.offset) },
          ],
          offsets,
        ),
      );
    });
}
