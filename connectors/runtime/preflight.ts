import { UsageError } from '../../infra/errors.ts';
import type { Props } from './api/plugins.ts';
import { ConnectApiError, type ConnectClient } from './connect-client.ts';

/** One row of `GET /connector-plugins?connectorsOnly=false`. */
export interface PluginInfo {
  class: string;
  type: string;
  version?: string;
}

/** The parts of Apache's ConfigInfos (`PUT /connector-plugins/{class}/config/validate`) a person needs. */
export interface ConfigInfos {
  name: string;
  error_count: number;
  /** `value` is null for some keys (Debezium's internal ones). */
  configs: Array<{ definition?: { name: string }; value: { name: string; errors: string[] } | null }>;
}

/** Each key with errors and what the plugin says about it. */
export function fieldErrors(infos: ConfigInfos): Array<{ key: string; errors: string[] }> {
  return infos.configs.flatMap(({ value }) =>
    value && value.errors.length > 0 ? [{ key: value.name, errors: [...new Set(value.errors)] }] : [],
  );
}

/**
 * Matches a `connector.class` as Kafka Connect does: the full class name, the simple name, or the simple name
 * without its `Connector` suffix (`FileStreamSink`).
 */
export function findConnectorPlugin(plugins: PluginInfo[], connectorClass: string): PluginInfo | undefined {
  const connectors = plugins.filter((plugin) => plugin.type === 'source' || plugin.type === 'sink');
  const simple = (name: string): string => name.slice(name.lastIndexOf('.') + 1);
  return (
    connectors.find((plugin) => plugin.class === connectorClass) ??
    connectors.find(
      (plugin) =>
        simple(plugin.class) === connectorClass || simple(plugin.class) === `${connectorClass}Connector`,
    )
  );
}

/**
 * Checks a connector config on the worker before it is created: the class must be installed there, and
 * `PUT /connector-plugins/{class}/config/validate` must find no field errors. What comes back is a UsageError that
 * names the file, each bad key and its message — never the worker's raw answer (Apache lists every installed plugin
 * as `PluginDesc{…}` for an unknown class, and answers some invalid Debezium configs with a bare 500
 * NullPointerException on create).
 */
export async function preflight(api: ConnectClient, file: string, config: Props): Promise<void> {
  const connectorClass = config['connector.class'];
  if (!connectorClass) {
    throw new UsageError(`${file} has no connector.class.`, {
      fix: 'Name the connector class, e.g. "connector.class": "io.debezium.connector.postgresql.PostgresConnector". `npx hack connectors plugins` lists what the worker has.',
    });
  }
  const plugins = await api.get<PluginInfo[]>('/connector-plugins');
  const plugin = findConnectorPlugin(plugins, connectorClass);
  if (!plugin) {
    const installed = plugins.map((candidate) => candidate.class).join(', ');
    throw new UsageError(`${file}: connector.class ${connectorClass} is not installed on ${api.url}.`, {
      fix: `Installed here: ${installed || 'none'}. Debezium and MongoDB connectors run on \`--worker apache\` (npx hack up apache-connect); the Azure connectors on ours.`,
    });
  }
  let infos: ConfigInfos;
  try {
    ({ body: infos } = await api.call<ConfigInfos>(
      'PUT',
      `/connector-plugins/${encodeURIComponent(plugin.class)}/config/validate`,
      config,
    ));
  } catch (error) {
    if (!(error instanceof ConnectApiError)) throw error;
    throw new UsageError(
      `${file}: the worker could not validate the config (HTTP ${error.status}: ${firstLine(error.message)}).`,
      {
        fix: `Check the keys against \`npx hack connectors plugins\` and the plugin's docs; the worker's log has the details.`,
      },
    );
  }
  const errors = fieldErrors(infos);
  if (errors.length === 0) return;
  const lines = errors.map(({ key, errors: messages }) => `  ${key}: ${messages.join('; ')}`);
  throw new UsageError(
    `${file} is not a valid ${plugin.class.slice(plugin.class.lastIndexOf('.') + 1)} config (${errors.length} field error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    { fix: 'Fix these keys and apply again; nothing was created or changed.' },
  );
}

/** A Java exception's message without its stack trace. */
export function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
