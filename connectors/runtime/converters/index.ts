export { ByteArrayConverter } from './byte-array-converter.ts';
export { JsonConverter, type JsonConverterOptions } from './json-converter.ts';
export { numberConverter } from './number-converters.ts';
export { SimpleHeaderConverter } from './simple-header-converter.ts';
export { StringConverter } from './string-converter.ts';
export { builtinPluginVersion, converterPlugins } from './plugins.ts';
export {
  configureConverter,
  configureHeaderConverter,
  converterProps,
  defaultConverterClass,
  defaultHeaderConverterClass,
} from './configure.ts';
