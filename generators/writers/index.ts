export type { RecordWriter } from './record-writer.ts';
export { jsonlWriter } from './jsonl.ts';
export { ensureTopics, kafkaWriter, type KafkaWriterOptions } from './kafka.ts';
export { catalogTargets, cosmosWriter, CATALOG_DATABASE, type CosmosTarget } from './cosmos.ts';
