export {
  startCosmosEmulator,
  defaultCosmosPort,
  type CosmosEmulator,
  type CosmosEmulatorOptions,
} from './server.ts';
export { createCosmosApp, type ThrottleOptions } from './app.ts';
export { cosmosClient } from './client.ts';
export { cosmosService } from './service.ts';
export { emulatorKey } from './auth.ts';
export { CosmosError, QueryError } from './errors.ts';
export { parseQuery, executeQuery } from './query/index.ts';
