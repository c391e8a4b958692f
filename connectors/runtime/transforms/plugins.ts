import type { Predicate, RegisteredPlugin, Transformation } from '../api/plugins.ts';
import { builtinPluginVersion } from '../converters/plugins.ts';
import { Cast } from './cast.ts';
import { ExtractNewRecordState, debeziumVersion } from './debezium/extract-new-record-state.ts';
import { ExtractField } from './extract-field.ts';
import { Flatten } from './flatten.ts';
import { DropHeaders, Filter, HeaderFrom, InsertHeader } from './headers.ts';
import { HoistField } from './hoist-field.ts';
import { InsertField } from './insert-field.ts';
import { MaskField } from './mask-field.ts';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates.ts';
import { ReplaceField } from './replace-field.ts';
import { RegexRouter, TimestampRouter } from './routers.ts';
import { SetSchemaMetadata } from './set-schema-metadata.ts';
import { KEY, VALUE, type Side } from './support.ts';
import { TimestampConverter } from './timestamp-converter.ts';
import { ValueToKey } from './value-to-key.ts';

const PACKAGE = 'org.apache.kafka.connect.transforms';
const version = builtinPluginVersion;

type TransformPlugin = Extract<RegisteredPlugin, { type: 'transformation' }>;
type PredicatePlugin = Extract<RegisteredPlugin, { type: 'predicate' }>;

function transform(
  className: string,
  create: () => Transformation,
  pluginVersion = version,
): TransformPlugin {
  return {
    type: 'transformation',
    className,
    version: pluginVersion,
    create,
    config: () => create().config(),
  };
}

/** A transform with `$Key` and `$Value` variants, as Apache's nested classes. */
function sided(name: string, make: (side: Side) => Transformation): TransformPlugin[] {
  return [
    transform(`${PACKAGE}.${name}$Key`, () => make(KEY)),
    transform(`${PACKAGE}.${name}$Value`, () => make(VALUE)),
  ];
}

/** Every transformation `/connector-plugins?connectorsOnly=false` lists, under Apache's (and Debezium's) class names. */
export const transformPlugins: TransformPlugin[] = [
  ...sided('Cast', (side) => new Cast(side)),
  transform(`${PACKAGE}.DropHeaders`, () => new DropHeaders()),
  ...sided('ExtractField', (side) => new ExtractField(side)),
  transform(`${PACKAGE}.Filter`, () => new Filter()),
  ...sided('Flatten', (side) => new Flatten(side)),
  ...sided('HeaderFrom', (side) => new HeaderFrom(side)),
  ...sided('HoistField', (side) => new HoistField(side)),
  ...sided('InsertField', (side) => new InsertField(side)),
  transform(`${PACKAGE}.InsertHeader`, () => new InsertHeader()),
  ...sided('MaskField', (side) => new MaskField(side)),
  transform(`${PACKAGE}.RegexRouter`, () => new RegexRouter()),
  ...sided('ReplaceField', (side) => new ReplaceField(side)),
  ...sided('SetSchemaMetadata', (side) => new SetSchemaMetadata(side)),
  ...sided('TimestampConverter', (side) => new TimestampConverter(side)),
  transform(`${PACKAGE}.TimestampRouter`, () => new TimestampRouter()),
  transform(`${PACKAGE}.ValueToKey`, () => new ValueToKey()),
  transform(
    'io.debezium.transforms.ExtractNewRecordState',
    () => new ExtractNewRecordState(),
    debeziumVersion,
  ),
];

function predicate(name: string, create: () => Predicate): PredicatePlugin {
  return {
    type: 'predicate',
    className: `${PACKAGE}.predicates.${name}`,
    version,
    create,
    config: () => create().config(),
  };
}

export const predicatePlugins: PredicatePlugin[] = [
  predicate('HasHeaderKey', () => new HasHeaderKey()),
  predicate('RecordIsTombstone', () => new RecordIsTombstone()),
  predicate('TopicNameMatches', () => new TopicNameMatches()),
];

export function findTransformPlugin(className: string): TransformPlugin | undefined {
  return transformPlugins.find(
    (plugin) => plugin.className === className || plugin.aliases?.includes(className),
  );
}

export function findPredicatePlugin(className: string): PredicatePlugin | undefined {
  return predicatePlugins.find(
    (plugin) => plugin.className === className || plugin.aliases?.includes(className),
  );
}
