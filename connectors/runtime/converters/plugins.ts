import type { RegisteredPlugin } from '../api/plugins.ts';
import { ByteArrayConverter } from './byte-array-converter.ts';
import { JsonConverter } from './json-converter.ts';
import { numberConverter, numberFormats } from './number-converters.ts';
import { SimpleHeaderConverter } from './simple-header-converter.ts';
import { StringConverter } from './string-converter.ts';

/** Apache's version string for the built-in plugins: the Kafka release our behaviour follows. */
export const builtinPluginVersion = '4.1.2';

const version = builtinPluginVersion;

/**
 * The converter classes the worker can instantiate, under Apache's class names. Converters that also implement
 * HeaderConverter are listed twice, once per type, as `/connector-plugins?connectorsOnly=false` lists them.
 */
export const converterPlugins: RegisteredPlugin[] = [
  {
    type: 'converter',
    className: 'org.apache.kafka.connect.json.JsonConverter',
    version,
    create: () => new JsonConverter(),
  },
  {
    type: 'header_converter',
    className: 'org.apache.kafka.connect.json.JsonConverter',
    version,
    create: () => new JsonConverter(),
  },
  {
    type: 'converter',
    className: 'org.apache.kafka.connect.storage.StringConverter',
    version,
    create: () => new StringConverter(),
  },
  {
    type: 'header_converter',
    className: 'org.apache.kafka.connect.storage.StringConverter',
    version,
    create: () => new StringConverter(),
  },
  {
    type: 'converter',
    className: 'org.apache.kafka.connect.converters.ByteArrayConverter',
    version,
    create: () => new ByteArrayConverter(),
  },
  {
    type: 'header_converter',
    className: 'org.apache.kafka.connect.converters.ByteArrayConverter',
    version,
    create: () => new ByteArrayConverter(),
  },
  {
    type: 'header_converter',
    className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    version,
    create: () => new SimpleHeaderConverter(),
  },
  ...Object.keys(numberFormats).flatMap((name): RegisteredPlugin[] => [
    {
      type: 'converter',
      className: `org.apache.kafka.connect.converters.${name}Converter`,
      version,
      create: () => numberConverter(name),
    },
    {
      type: 'header_converter',
      className: `org.apache.kafka.connect.converters.${name}Converter`,
      version,
      create: () => numberConverter(name),
    },
  ]),
];
