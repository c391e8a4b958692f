import type { RegisteredPlugin } from './api/plugins.ts';
import { converterPlugins } from './converters/index.ts';
import { fileConnectorPlugins } from '../file/index.ts';
import { cosmosPlugins } from '../cosmos/index.ts';
import { azureSearchPlugins } from '../azure-search/index.ts';
import { openSearchPlugins } from '../opensearch/index.ts';
import { PluginRegistry } from './plugins.ts';
import { predicatePlugins, transformPlugins } from './transforms/plugins.ts';

/**
 * Every plugin family the worker ships, one line each. A new connector family (Cosmos, Azure Search) adds its
 * `…Plugins` array here; tests can also `registry.register(...)` extra plugins on a worker they start.
 */
export function installedPlugins(): RegisteredPlugin[] {
  return [
    ...fileConnectorPlugins,
    ...cosmosPlugins,
    ...azureSearchPlugins,
    ...openSearchPlugins,
    ...converterPlugins,
    ...transformPlugins,
    ...predicatePlugins,
  ];
}

/** What Apache's distribution ships (FileStream connectors, converters, SMTs): the differential tests' baseline. */
export function apacheEquivalentRegistry(): PluginRegistry {
  return new PluginRegistry().register(
    ...fileConnectorPlugins,
    ...converterPlugins,
    ...transformPlugins,
    ...predicatePlugins,
  );
}

export function defaultRegistry(extra: RegisteredPlugin[] = []): PluginRegistry {
  return new PluginRegistry().register(...installedPlugins(), ...extra);
}
