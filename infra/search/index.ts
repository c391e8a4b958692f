export {
  startSearchEmulator,
  defaultSearchPort,
  type SearchEmulator,
  type SearchEmulatorOptions,
} from './emulator.ts';
export { searchService } from './service.ts';
export { searchClient, searchIndexClient } from './client.ts';
export { createSearchApp, type SearchKeys } from './server.ts';
export { SearchStore } from './store.ts';
export { SearchRequestError } from './errors.ts';
