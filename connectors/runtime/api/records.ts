import type { Schema } from '../data/schema.ts';

/** A header of a Connect record: key, schema (null when schemaless) and value. */
export interface Header {
  key: string;
  schema: Schema | null;
  value: unknown;
}

/**
 * `ConnectRecord`: what converters produce and transforms receive. Records are immutable by convention:
 * transforms return a new record (`newRecord`-style spread) rather than editing one.
 */
export interface ConnectRecord {
  topic: string;
  kafkaPartition: number | null;
  keySchema: Schema | null;
  key: unknown;
  valueSchema: Schema | null;
  value: unknown;
  /** epoch ms, or null when unknown */
  timestamp: number | null;
  headers: Header[];
}

/** A record read from Kafka for a sink task. */
export interface SinkRecord extends ConnectRecord {
  kind: 'sink';
  kafkaOffset: number;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  /** Where it was consumed from, before any transform renamed the topic (KIP-793). */
  originalTopic: string;
  originalKafkaPartition: number;
  originalKafkaOffset: number;
}

/** Source partition and offset maps: primitive values only (they are stored as JSON in the offsets topic). */
export type SourceOffsetMap = Record<string, string | number | boolean | null>;

/** A record a source task returns from `poll`. */
export interface SourceRecord extends ConnectRecord {
  kind: 'source';
  sourcePartition: SourceOffsetMap;
  sourceOffset: SourceOffsetMap;
}

export function isSinkRecord(record: ConnectRecord): record is SinkRecord {
  return (record as SinkRecord).kind === 'sink';
}
