export { CosmosStore, type DatabaseResource, type DatabaseState } from './store.ts';
export {
  ContainerState,
  type ContainerResource,
  type Document,
  type Transaction,
  maxDocumentBytes,
} from './container.ts';
export { parsePartitionKeyHeader, partitionKeyString, type PartitionKeyDefinition } from './partition-key.ts';
