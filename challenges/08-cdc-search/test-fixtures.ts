import type { SinkRecord } from '../../connectors/runtime/api/records.ts';
import { jsonToConnect } from '../../connectors/runtime/data/connect-json.ts';
import type { ConnectorView } from '../../verify/connect-state.ts';

/** Shared by challenge 08's tests: the records a sink task gets, and the connectors the checks read. */

/**
 * The record at `offset` of `cdc-events` (partition 0) as a sink task gets it: `value` as schemaless Connect data,
 * under `topic` (the OpenSearch sink names its index after the record's topic).
 */
export function sinkRecord(options: {
  topic: string;
  offset: number;
  key: unknown;
  value: unknown;
}): SinkRecord {
  return {
    kind: 'sink',
    topic: options.topic,
    kafkaPartition: 0,
    kafkaOffset: options.offset,
    key: options.key,
    keySchema: null,
    value: jsonToConnect(options.value),
    valueSchema: null,
    timestamp: null,
    timestampType: 'CreateTime',
    headers: [],
    originalTopic: 'cdc-events',
    originalKafkaPartition: 0,
    originalKafkaOffset: options.offset,
  };
}

/** A connector and its one task RUNNING, as the worker's status reports it (a source when its name says so). */
export const running = (name: string, className: string): ConnectorView => ({
  name,
  type: name.includes('source') ? 'source' : 'sink',
  config: { 'connector.class': className },
  state: 'RUNNING',
  tasks: [{ id: 0, state: 'RUNNING' }],
});
