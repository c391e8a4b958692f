export { openSearchClient } from './client.ts';
export { installOpenSearch, openSearchVersion } from './install.ts';
export {
  defaultOpenSearchPort,
  openSearchAnswers,
  openSearchService,
  type OpenSearchEntry,
} from './service.ts';
