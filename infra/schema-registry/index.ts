export { startSchemaRegistry, defaultSchemaRegistryPort, type SchemaRegistry } from './registry.ts';
export { createRegistryApp, registryContentType, type RegistryCredentials } from './server.ts';
export { RegistryStore } from './store.ts';
export { schemaRegistryService, registryAuthHeaders } from './service.ts';
export { compatibilityLevels, type CompatibilityLevel } from './compatibility.ts';
export { RegistryError, errorCodes } from './errors.ts';
