import { UsageError } from '../../../infra/errors.ts';
import type { Converter, HeaderConverter, Props, RegisteredPlugin } from '../api/plugins.ts';
import { converterPlugins } from './plugins.ts';

/**
 * How a connector config (or a worker config) selects and configures its converters, as Apache's worker does:
 * `key.converter=<class>` plus `key.converter.<k>=<v>` passed as `<k>=<v>`. Defaults follow the worker sample
 * config: JsonConverter with `schemas.enable=true` for keys and values, SimpleHeaderConverter for headers.
 */
export const defaultConverterClass = 'org.apache.kafka.connect.json.JsonConverter';
export const defaultHeaderConverterClass = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** The sub-config under `<prefix>.` (e.g. `value.converter.schemas.enable` → `schemas.enable`). */
export function converterProps(props: Props, prefix: string): Props {
  const result: Props = {};
  const start = `${prefix}.`;
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(start)) result[key.slice(start.length)] = value;
  }
  return result;
}

function findPlugin(className: string, type: 'converter' | 'header_converter'): RegisteredPlugin {
  const plugin = converterPlugins.find(
    (candidate) =>
      candidate.type === type &&
      (candidate.className === className || candidate.aliases?.includes(className)),
  );
  if (!plugin) {
    throw new UsageError(
      `Failed to find any class that implements ${type === 'converter' ? 'Converter' : 'HeaderConverter'} and which name matches ${className}`,
      {
        fix: `Use one of: ${converterPlugins
          .filter((p) => p.type === type)
          .map((p) => p.className)
          .join(', ')}`,
      },
    );
  }
  return plugin;
}

/** The key (`isKey`) or value converter a config names, configured. */
export function configureConverter(props: Props, isKey: boolean): Converter {
  const prefix = isKey ? 'key.converter' : 'value.converter';
  const plugin = findPlugin(props[prefix]?.trim() || defaultConverterClass, 'converter');
  const converter = (plugin as { create(): Converter }).create();
  converter.configure(converterProps(props, prefix), isKey);
  return converter;
}

export function configureHeaderConverter(props: Props): HeaderConverter {
  const plugin = findPlugin(
    props['header.converter']?.trim() || defaultHeaderConverterClass,
    'header_converter',
  );
  const converter = (plugin as { create(): HeaderConverter }).create();
  converter.configure(converterProps(props, 'header.converter'));
  return converter;
}
