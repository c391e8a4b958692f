import type { ConnectorPlugin, RegisteredPlugin } from '../runtime/api/plugins.ts';
import { AzureSearchSinkConnector } from './connector.ts';
import { AzureSearchSinkTask } from './sink-task.ts';
import { searchClassName } from './spec.ts';

export const azureSearchSinkPlugin: ConnectorPlugin & { type: 'sink' } = {
  type: 'sink',
  kind: 'sink',
  className: searchClassName,
  version: '1.1.0',
  create: () => new AzureSearchSinkConnector(),
  createTask: () => new AzureSearchSinkTask(),
};

/** Register with `registry.register(...azureSearchPlugins)`. */
export const azureSearchPlugins: RegisteredPlugin[] = [azureSearchSinkPlugin];

export { searchClassName, searchKeys, searchSinkSpec } from './spec.ts';
export { documentKey, batches } from './sink-task.ts';
