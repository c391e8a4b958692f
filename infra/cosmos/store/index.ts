export {
  CosmosStore,
  type DatabaseResource,
  type DatabaseState,
  type ProvisionOptions,
  type UserState,
  type PermissionResource,
} from './store.ts';
export { type PartitionKeyRange, throughputPerPartition } from './ranges.ts';
export {
  ContainerState,
  type ContainerResource,
  type Document,
  type Transaction,
  maxDocumentBytes,
} from './container.ts';
export { parsePartitionKeyHeader, partitionKeyString, type PartitionKeyDefinition } from './partition-key.ts';
export {
  RequestMetrics,
  type EmulatorMetrics,
  type RequestCount,
  type RequestLatency,
} from './request-metrics.ts';
