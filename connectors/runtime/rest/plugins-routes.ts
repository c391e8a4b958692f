import type { Hono } from 'hono';
import type { Herder } from '../herder/herder.ts';
import { badRequest, notFound } from '../herder/errors.ts';
import { configKeyInfo } from '../config-infos.ts';
import { frameworkSpec } from '../connector-config.ts';
import type { PluginRegistry } from '../plugins.ts';
import { configMap, jsonBody } from './body.ts';

const withoutConnectorSuffix = (name: string): string => name.replace(/Connector$/, '');

/** `/connector-plugins…`: Apache's ConnectorPluginsResource. */
export function registerPluginRoutes(app: Hono, herder: Herder, registry: PluginRegistry): void {
  app.get('/connector-plugins', (c) => {
    const connectorsOnly = (c.req.query('connectorsOnly') ?? 'true').toLowerCase() !== 'false';
    return c.json(
      registry.list(connectorsOnly).map((plugin) => ({
        class: plugin.className,
        type: plugin.type,
        ...(plugin.version && plugin.version !== 'undefined' ? { version: plugin.version } : {}),
      })),
    );
  });

  app.get('/connector-plugins/:plugin/config', (c) => {
    const name = c.req.param('plugin');
    const connector = registry.findConnector(name);
    const plugin =
      connector ?? registry.find(name, ['converter', 'header_converter', 'transformation', 'predicate']);
    if (!plugin) throw notFound(`Unknown plugin ${name}.`);
    // A connector lists its own keys, then the framework's (Apache 4.x).
    const keys = connector
      ? [...connector.create().config().keys, ...frameworkSpec(connector).keys]
      : 'config' in plugin && typeof plugin.config === 'function'
        ? plugin.config().keys
        : [];
    return c.json(keys.map(configKeyInfo));
  });

  app.put('/connector-plugins/:plugin/config/validate', async (c) => {
    const plugin = c.req.param('plugin');
    const config = configMap(await jsonBody(c));
    const connectorClass = config['connector.class'];
    if (!connectorClass) throw badRequest('Connector config contains no connector type');
    if (!withoutConnectorSuffix(connectorClass).endsWith(withoutConnectorSuffix(plugin))) {
      throw badRequest(`Included connector type ${connectorClass} does not match request type ${plugin}`);
    }
    return c.json(herder.validate(config));
  });
}
