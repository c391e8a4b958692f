import type { SinkRecord } from '../runtime/api/records.ts';
import type { JsonValue } from '../runtime/data/connect-json.ts';
import type { IdStrategy } from './spec.ts';

export interface IdStrategyConfig {
  strategy: IdStrategy;
  template: string;
  jsonPath: string;
  delimiter: string;
}

/** Cosmos DB rejects `/ \ ? #` in ids; the v1 connector's strategies replace them with `_`, and so do we. */
export function sanitizeId(id: string): string {
  return id.replace(/[/\\?#]/g, '_');
}

function atPath(value: JsonValue, jsonPath: string): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const segment of jsonPath
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[segment];
  }
  return current;
}

function text(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The id a record's item gets, or undefined when the record does not carry one (the caller reports the record).
 * `key` and `value` are already plain JSON (see `connectToJson`).
 */
export function itemId(
  record: Pick<SinkRecord, 'topic' | 'kafkaPartition' | 'kafkaOffset'>,
  key: JsonValue,
  value: JsonValue,
  config: IdStrategyConfig,
): string | undefined {
  let id: string | undefined;
  switch (config.strategy) {
    case 'ProvidedInValueStrategy':
      id = text(atPath(value, config.jsonPath));
      break;
    case 'ProvidedInKeyStrategy':
      id =
        key !== null && typeof key === 'object' && !Array.isArray(key)
          ? text(atPath(key, config.jsonPath))
          : text(key);
      break;
    case 'FullKeyStrategy':
      id = text(key);
      break;
    case 'KafkaMetadataStrategy':
      id = [record.topic, record.kafkaPartition ?? 0, record.kafkaOffset].join(config.delimiter);
      break;
    case 'TemplateStrategy':
      id = config.template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name === 'topic') return record.topic;
        if (name === 'partition') return String(record.kafkaPartition ?? 0);
        if (name === 'offset') return String(record.kafkaOffset);
        if (name === 'key') return text(key) ?? '';
        if (name.startsWith('key.')) return text(atPath(key, `$.${name.slice(4)}`)) ?? '';
        if (name.startsWith('value.')) return text(atPath(value, `$.${name.slice(6)}`)) ?? '';
        return '';
      });
      break;
  }
  return id === undefined || id === '' ? undefined : sanitizeId(id);
}
