import type { Converter, HeaderConverter, Props } from '../api/plugins.ts';
import { converterProps, defaultConverterClass, defaultHeaderConverterClass } from '../converters/index.ts';
import type { PluginRegistry } from '../plugins.ts';

export interface TaskConverters {
  key: Converter;
  keyClass: string;
  value: Converter;
  valueClass: string;
  header: HeaderConverter;
  headerClass: string;
}

/**
 * Apache's converter inheritance: a connector's `value.converter.<prop>` counts only when the connector also sets
 * `value.converter`; otherwise the worker's converter and its `value.converter.*` props apply.
 */
function pick(
  connector: Props,
  worker: Props,
  role: 'key' | 'value' | 'header',
): { className: string; props: Props } {
  const name = `${role}.converter`;
  const source = connector[name]?.trim() ? connector : worker;
  const fallback = role === 'header' ? defaultHeaderConverterClass : defaultConverterClass;
  return { className: source[name]?.trim() || fallback, props: converterProps(source, name) };
}

export function createConverters(registry: PluginRegistry, connector: Props, worker: Props): TaskConverters {
  const key = pick(connector, worker, 'key');
  const value = pick(connector, worker, 'value');
  const header = pick(connector, worker, 'header');
  const keyConverter = registry.converter(key.className);
  keyConverter.configure({ ...key.props, 'converter.type': 'key' }, true);
  const valueConverter = registry.converter(value.className);
  valueConverter.configure({ ...value.props, 'converter.type': 'value' }, false);
  const headerConverter = registry.headerConverter(header.className);
  headerConverter.configure({ ...header.props, 'converter.type': 'header' });
  return {
    key: keyConverter,
    keyClass: registry.find(key.className, ['converter'])?.className ?? key.className,
    value: valueConverter,
    valueClass: registry.find(value.className, ['converter'])?.className ?? value.className,
    header: headerConverter,
    headerClass: registry.find(header.className, ['header_converter'])?.className ?? header.className,
  };
}
