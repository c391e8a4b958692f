import type { ConnectorPlugin, RegisteredPlugin } from '../runtime/api/plugins.ts';
import { CosmosSinkConnector, CosmosSourceConnector } from './connector.ts';
import { CosmosSinkTask } from './sink-task.ts';
import { CosmosSourceTask } from './source-task.ts';
import { cosmosClassNames } from './spec.ts';

/** The version the official v2 connector had when these keys were taken from it. */
export const cosmosConnectorVersion = '2.0.0';

export const cosmosSourcePlugin: ConnectorPlugin & { type: 'source' } = {
  type: 'source',
  kind: 'source',
  className: cosmosClassNames.source,
  aliases: [cosmosClassNames.v1Source],
  version: cosmosConnectorVersion,
  create: () => new CosmosSourceConnector(),
  createTask: () => new CosmosSourceTask(),
};

export const cosmosSinkPlugin: ConnectorPlugin & { type: 'sink' } = {
  type: 'sink',
  kind: 'sink',
  className: cosmosClassNames.sink,
  aliases: [cosmosClassNames.v1Sink],
  version: cosmosConnectorVersion,
  create: () => new CosmosSinkConnector(),
  createTask: () => new CosmosSinkTask(),
};

/** Register with `registry.register(...cosmosPlugins)`. */
export const cosmosPlugins: RegisteredPlugin[] = [cosmosSourcePlugin, cosmosSinkPlugin];

export {
  connectToJson,
  jsonToConnect,
  isConnectObject,
  type JsonValue,
} from '../runtime/data/connect-json.ts';
export { cosmosClassNames, sinkSpec as cosmosSinkSpec, sourceSpec as cosmosSourceSpec } from './spec.ts';
export { partitionKeyOf } from './partition-key.ts';
export { itemId, sanitizeId } from './id-strategy.ts';
export { lintConnectorConfig, lintConnectorConfigs, connectorKind, type ConnectorLint } from './lint.ts';
