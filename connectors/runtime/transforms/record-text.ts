import type { ConnectRecord } from '../api/records.ts';
import { isSinkRecord } from '../api/records.ts';
import { javaToString } from '../data/java-values.ts';

/** A record's Java `toString()`, as some DataException messages include it (e.g. TimestampRouter's). */
export function javaRecordText(record: ConnectRecord): string {
  const headers = `ConnectHeaders(headers=${record.headers.length === 0 ? '' : record.headers.map((h) => `ConnectHeader(key=${h.key}, value=${javaToString(h.value, h.schema)}, schema=${h.schema === null ? 'null' : 'Schema{…}'})`).join(', ')})`;
  const base =
    `topic='${record.topic}', kafkaPartition=${record.kafkaPartition ?? 'null'}, key=${javaToString(record.key, record.keySchema)}, ` +
    `keySchema=${record.keySchema === null ? 'null' : 'Schema{…}'}, value=${javaToString(record.value, record.valueSchema)}, ` +
    `valueSchema=${record.valueSchema === null ? 'null' : 'Schema{…}'}, timestamp=${record.timestamp ?? 'null'}, headers=${headers}`;
  if (isSinkRecord(record)) {
    return `SinkRecord{kafkaOffset=${record.kafkaOffset}, timestampType=${record.timestampType}, originalTopic=${record.originalTopic}, originalKafkaPartition=${record.originalKafkaPartition}, originalKafkaOffset=${record.originalKafkaOffset}} ConnectRecord{${base}}`;
  }
  return `SourceRecord{sourcePartition=…, sourceOffset=…} ConnectRecord{${base}}`;
}
