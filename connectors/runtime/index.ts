/**
 * The Kafka-Connect-compatible worker. Other parts use: `startWorker` (a worker in this process, for connector
 * integration tests), `connectService` (the stack service), `ConnectClient` (any Connect REST API), the plugin
 * registry (`installedPlugins` lists the families; a new one adds its array there), and the plugin contracts.
 */
export * from './api/index.ts';
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.ts';
export { connectService, defaultConnectPort } from './service.ts';
export { ConnectClient, ConnectApiError, connectorPath } from './connect-client.ts';
export { PluginRegistry, PluginNotFoundException } from './plugins.ts';
export { apacheEquivalentRegistry, defaultRegistry, installedPlugins } from './installed-plugins.ts';
export { resolveConfig, defaultProviders, maskSecrets, readProperties } from './config-providers.ts';
export { readConnectorFiles, registerConnectorsCommands, connectUrl } from './cli.ts';
export type * from './herder/shapes.ts';
