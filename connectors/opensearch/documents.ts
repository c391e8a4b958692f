import { DataException } from '../runtime/api/errors.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { connectToJson, isConnectObject, type JsonValue } from '../runtime/data/connect-json.ts';

export type IdStrategy = 'none' | 'record.key' | 'topic.partition.offset';

/** How records become bulk operations: the parsed config of the document-shaping keys. */
export interface DocumentSettings {
  keyIgnore: boolean;
  idStrategy: IdStrategy;
  onNullValues: 'ignore' | 'delete' | 'fail';
  documentField: string;
  versionField: string;
  deleteOpField: string;
}

/** One `_bulk` operation, with the record it came from (for the dead letter queue). */
export interface Operation {
  record: SinkRecord;
  action: 'index' | 'delete';
  index: string;
  id: string | undefined;
  version: number | undefined;
  document?: Record<string, JsonValue>;
}

/** The value at a dotted path (`after.value`) of a JSON value, or undefined when any step is missing. */
export function fieldAt(value: JsonValue, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object' || Array.isArray(current))
      return undefined;
    current = current[part];
  }
  return current;
}

/** The document id of a record: its key (string, or the JSON of a structured key), its coordinates, or none. */
export function documentId(record: SinkRecord, settings: DocumentSettings): string | undefined {
  const strategy: IdStrategy = settings.keyIgnore ? settings.idStrategy : 'record.key';
  if (strategy === 'none') return undefined;
  if (strategy === 'topic.partition.offset')
    return `${record.topic}+${record.kafkaPartition ?? 0}+${record.kafkaOffset}`;
  const key = connectToJson(record.key);
  if (key === null || key === '')
    throw new DataException(
      'Key is used as document id and can not be null: the record has no key. Give it one (e.g. ValueToKey and ExtractField$Key on the sink) or set key.ignore=true.',
    );
  return typeof key === 'object' ? JSON.stringify(key) : String(key);
}

/** The external version of a value at `versionField`, undefined when none is configured; DataException if unusable. */
export function versionOf(
  json: JsonValue,
  settings: Pick<DocumentSettings, 'versionField'>,
): number | undefined {
  if (!settings.versionField) return undefined;
  const raw = fieldAt(json, settings.versionField);
  const version = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
    throw new DataException(
      `The value has no usable version at ${settings.versionField} (found ${JSON.stringify(raw) ?? 'nothing'}): an external version must be a non-negative integer`,
    );
  return version;
}

/**
 * The bulk operation of one record, or undefined when it is skipped (a tombstone with `behavior.on.null.values=
 * ignore`). Throws DataException for a record that cannot become one — no key, not an object, no document or
 * version at the configured paths — so the caller reports it as a bad record.
 */
export function operationFor(record: SinkRecord, settings: DocumentSettings): Operation | undefined {
  const index = record.topic;
  if (record.value === null || record.value === undefined) {
    if (settings.onNullValues === 'ignore') return undefined;
    if (settings.onNullValues === 'fail')
      throw new DataException('A record with a null value (a tombstone), and behavior.on.null.values=fail');
    const id = documentId(record, settings);
    if (id === undefined) throw new DataException('A tombstone without a document id cannot delete anything');
    return { record, action: 'delete', index, id, version: undefined };
  }
  if (!isConnectObject(record.value))
    throw new DataException(
      `The value of a record for OpenSearch must be an object, got ${typeof record.value}`,
    );
  const json = connectToJson(record.value);
  const id = documentId(record, settings);
  const version = versionOf(json, settings);
  if (settings.deleteOpField && fieldAt(json, settings.deleteOpField) === 'd') {
    if (id === undefined) throw new DataException('A delete without a document id cannot delete anything');
    return { record, action: 'delete', index, id, version };
  }
  const document = settings.documentField ? fieldAt(json, settings.documentField) : json;
  if (document === null || document === undefined || typeof document !== 'object' || Array.isArray(document))
    throw new DataException(
      `The value has no document object at ${settings.documentField || 'its root'} (found ${JSON.stringify(document) ?? 'nothing'})`,
    );
  return { record, action: 'index', index, id, version, document };
}

/** The `_bulk` body of some operations: an action line per operation, and its document after an index action. */
export function bulkBody(operations: Operation[]): Array<Record<string, unknown>> {
  const body: Array<Record<string, unknown>> = [];
  for (const operation of operations) {
    const meta: Record<string, unknown> = { _index: operation.index };
    if (operation.id !== undefined) meta._id = operation.id;
    if (operation.version !== undefined) {
      meta.version = operation.version;
      meta.version_type = 'external';
    }
    body.push({ [operation.action]: meta });
    if (operation.action === 'index') body.push(operation.document!);
  }
  return body;
}
