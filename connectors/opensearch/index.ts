import type { ConnectorPlugin, RegisteredPlugin } from '../runtime/api/plugins.ts';
import { OpenSearchSinkConnector } from './connector.ts';
import { OpenSearchSinkTask } from './sink-task.ts';
import { openSearchClassName } from './spec.ts';

export const openSearchSinkPlugin: ConnectorPlugin & { type: 'sink' } = {
  type: 'sink',
  kind: 'sink',
  className: openSearchClassName,
  version: '3.1.1',
  create: () => new OpenSearchSinkConnector(),
  createTask: () => new OpenSearchSinkTask(),
};

/** Register with `registry.register(...openSearchPlugins)`. */
export const openSearchPlugins: RegisteredPlugin[] = [openSearchSinkPlugin];

export { openSearchClassName, openSearchKeys, openSearchSinkSpec } from './spec.ts';
export { bulkBody, documentId, fieldAt, operationFor } from './documents.ts';
