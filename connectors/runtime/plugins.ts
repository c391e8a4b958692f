import type {
  Converter,
  ConnectorPlugin,
  HeaderConverter,
  PluginType,
  Predicate,
  RegisteredPlugin,
  Transformation,
} from './api/plugins.ts';
import { ConnectException } from './api/errors.ts';

/** A plugin by the names it answers to; what `/connector-plugins` lists. */
export class PluginRegistry {
  private readonly plugins: RegisteredPlugin[] = [];

  register(...plugins: RegisteredPlugin[]): this {
    for (const plugin of plugins) {
      const existing = this.plugins.findIndex(
        (entry) => entry.className === plugin.className && entry.type === plugin.type,
      );
      if (existing >= 0) this.plugins.splice(existing, 1, plugin);
      else this.plugins.push(plugin);
    }
    return this;
  }

  /** Sorted by class name as Apache lists them; `connectorsOnly` (the default) hides converters and SMTs. */
  list(connectorsOnly = true): RegisteredPlugin[] {
    return this.plugins
      .filter((plugin) => !connectorsOnly || plugin.type === 'source' || plugin.type === 'sink')
      .sort((a, b) => a.className.localeCompare(b.className));
  }

  /** By FQCN or alias (exact), for any plugin type. */
  find(name: string, types?: PluginType[]): RegisteredPlugin | undefined {
    return this.plugins.find(
      (plugin) =>
        (!types || types.includes(plugin.type)) &&
        (plugin.className === name || (plugin.aliases ?? []).includes(name)),
    );
  }

  /**
   * `connector.class` as Apache resolves it: the FQCN, the simple class name, or the simple name without the
   * `Connector` suffix (when only one plugin matches).
   */
  findConnector(name: string): ConnectorPlugin | undefined {
    const connectors = this.plugins.filter(
      (plugin): plugin is ConnectorPlugin & { type: 'source' | 'sink' } =>
        plugin.type === 'source' || plugin.type === 'sink',
    );
    const exact = connectors.find(
      (plugin) => plugin.className === name || (plugin.aliases ?? []).includes(name),
    );
    if (exact) return exact;
    const matches = connectors.filter((plugin) =>
      [plugin.className, ...(plugin.aliases ?? [])].some((className) => {
        const simple = className.slice(className.lastIndexOf('.') + 1);
        return simple === name || simple.replace(/Connector$/, '') === name;
      }),
    );
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Like `findConnector`, failing with Apache's message (a 500 on the REST API, as there). */
  connector(name: string): ConnectorPlugin {
    const plugin = this.findConnector(name);
    if (plugin) return plugin;
    const available = this.list(true)
      .map(
        (entry) =>
          `PluginDesc{klass=class ${entry.className}, name='${entry.className}', version='${entry.version}', encodedVersion=${entry.version}, type=${entry.type}, typeName='${entry.type}', location='classpath'}`,
      )
      .join(', ');
    throw new PluginNotFoundException(
      `Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ${available}`,
    );
  }

  converter(name: string): Converter {
    const plugin = this.find(name, ['converter']);
    if (plugin?.type === 'converter') return plugin.create();
    throw classNotFound(name, 'Converter');
  }

  headerConverter(name: string): HeaderConverter {
    const plugin = this.find(name, ['header_converter']);
    if (plugin?.type === 'header_converter') return plugin.create();
    throw classNotFound(name, 'HeaderConverter');
  }

  transformation(name: string): Transformation {
    const plugin = this.find(name, ['transformation']);
    if (plugin?.type === 'transformation') return plugin.create();
    throw classNotFound(name, 'Transformation');
  }

  predicate(name: string): Predicate {
    const plugin = this.find(name, ['predicate']);
    if (plugin?.type === 'predicate') return plugin.create();
    throw classNotFound(name, 'Predicate');
  }
}

/** An unknown plugin class: Apache answers 400 on create and validate. */
export class PluginNotFoundException extends ConnectException {}

function classNotFound(name: string, kind: string): ConnectException {
  return new ConnectException(`Class ${name} could not be found or is not a ${kind}.`);
}
