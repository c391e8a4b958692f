import type { SerializedRecord } from '../pipeline.ts';
import type { CompareOptions } from './compare.ts';
import type { ConformanceCase } from './jvm.ts';

/**
 * The SMT conformance cases: each is a connector config (converters + transform chain) and one serialized
 * record. The expected result of every case is whatever Apache's implementation does with it (Driver.java);
 * nothing here states an expected output. Payloads are JSON *text* so that number lexemes (`10` vs `10.0`) reach
 * both sides exactly as written.
 */
export type Case = ConformanceCase & { compare?: CompareOptions };

const T = 'org.apache.kafka.connect.transforms.';
const P = 'org.apache.kafka.connect.transforms.predicates.';

const SCHEMALESS = {
  'key.converter.schemas.enable': 'false',
  'value.converter.schemas.enable': 'false',
};

/** A one-transform chain (alias `t`) with extra config, schemaless or with schemas (the default). */
function smt(type: string, props: Record<string, string> = {}, schemaless = false): Record<string, string> {
  const config: Record<string, string> = { transforms: 't', 'transforms.t.type': type };
  for (const [key, value] of Object.entries(props)) config[`transforms.t.${key}`] = value;
  return schemaless ? { ...config, ...SCHEMALESS } : config;
}

function record(value: string | null, extra: Partial<SerializedRecord> = {}): SerializedRecord {
  return {
    topic: 'orders',
    partition: 2,
    offset: 42,
    timestamp: 1_700_000_000_123,
    key: null,
    value,
    ...extra,
  };
}

/** A JsonConverter envelope. */
const env = (schema: string, payload: string): string => `{"schema":${schema},"payload":${payload}}`;

// ---------------------------------------------------------------------------------------------- samples

const plain =
  '{"id":7,"name":"Ann","price":10.0,"qty":3,"card":"4111-1111-1111-1111","active":true,"tags":["a","b"],"address":{"city":"Oslo","zip":"0150"}}';

const userSchema =
  '{"type":"struct","fields":[' +
  '{"type":"int32","optional":false,"field":"id"},' +
  '{"type":"string","optional":true,"field":"name"},' +
  '{"type":"double","optional":true,"field":"price"},' +
  '{"type":"int64","optional":true,"field":"qty"},' +
  '{"type":"string","optional":true,"field":"card"},' +
  '{"type":"boolean","optional":false,"field":"active"},' +
  '{"type":"float","optional":true,"field":"ratio"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created"},' +
  '{"type":"struct","fields":[{"type":"string","optional":false,"field":"city"},{"type":"string","optional":true,"field":"zip"}],"optional":true,"name":"com.acme.Address","field":"address"}' +
  '],"optional":false,"name":"com.acme.User","version":1}';
const userPayload =
  '{"id":7,"name":"Ann","price":10.0,"qty":3,"card":"4111-1111-1111-1111","active":true,"ratio":0.25,"created":1700000000123,"address":{"city":"Oslo","zip":"0150"}}';
const user = env(userSchema, userPayload);
const userNoAddress = env(
  userSchema,
  '{"id":8,"name":null,"price":null,"qty":null,"card":null,"active":false,"ratio":null,"created":null,"address":null}',
);

const withDefaultsSchema =
  '{"type":"struct","fields":[' +
  '{"type":"string","optional":true,"default":"n/a","field":"status"},' +
  '{"type":"int32","optional":true,"default":5,"field":"level"},' +
  '{"type":"int32","optional":false,"field":"id"}],"optional":false}';
const withDefaults = env(withDefaultsSchema, '{"status":null,"level":null,"id":1}');

const typesSchema =
  '{"type":"struct","fields":[' +
  '{"type":"int8","optional":true,"field":"i8"},{"type":"int16","optional":true,"field":"i16"},' +
  '{"type":"int32","optional":true,"field":"i32"},{"type":"int64","optional":true,"field":"i64"},' +
  '{"type":"float","optional":true,"field":"f32"},{"type":"double","optional":true,"field":"f64"},' +
  '{"type":"boolean","optional":true,"field":"b"},{"type":"string","optional":true,"field":"s"},' +
  '{"type":"bytes","optional":true,"field":"bin"},' +
  '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"dec"},' +
  '{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},' +
  '{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"tod"},' +
  '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"}' +
  '],"optional":false,"name":"com.acme.Types"}';
const typesPayload =
  '{"i8":-5,"i16":300,"i32":70000,"i64":9007199254740993,"f32":1.5,"f64":2.5E10,"b":true,"s":"12","bin":"AQID","dec":"MDk=","day":19000,"tod":3600000,"ts":1700000000123}';
const types = env(typesSchema, typesPayload);

const envelopeSchema = (name = 'dbserver1.inventory.customers') =>
  '{"type":"struct","fields":[' +
  '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"email"},{"type":"string","optional":true,"field":"region"}],"optional":true,"name":"' +
  name +
  '.Value","field":"before"},' +
  '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"email"},{"type":"string","optional":true,"field":"region"}],"optional":true,"name":"' +
  name +
  '.Value","field":"after"},' +
  '{"type":"struct","fields":[{"type":"string","optional":false,"field":"connector"},{"type":"string","optional":false,"field":"db"},{"type":"string","optional":true,"field":"table"},{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":"io.debezium.connector.mysql.Source","field":"source"},' +
  '{"type":"string","optional":false,"field":"op"},' +
  '{"type":"int64","optional":true,"field":"ts_ms"}' +
  '],"optional":false,"name":"' +
  name +
  '.Envelope","version":1}';
const src = '{"connector":"mysql","db":"inventory","table":"customers","ts_ms":1700000000000}';
const cdc = {
  create: env(
    envelopeSchema(),
    `{"before":null,"after":{"id":1,"email":"a@x.io","region":"eu"},"source":${src},"op":"c","ts_ms":1700000000500}`,
  ),
  update: env(
    envelopeSchema(),
    `{"before":{"id":1,"email":"a@x.io","region":"eu"},"after":{"id":1,"email":"b@x.io","region":"us"},"source":${src},"op":"u","ts_ms":1700000000600}`,
  ),
  delete: env(
    envelopeSchema(),
    `{"before":{"id":1,"email":"b@x.io","region":"us"},"after":null,"source":${src},"op":"d","ts_ms":1700000000700}`,
  ),
  truncate: env(
    envelopeSchema(),
    `{"before":null,"after":null,"source":${src},"op":"t","ts_ms":1700000000800}`,
  ),
};
const cdcKey = env(
  '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"dbserver1.inventory.customers.Key"}',
  '{"id":1}',
);
const UNWRAP = 'io.debezium.transforms.ExtractNewRecordState';

// ------------------------------------------------------------------------------------------------ cases

const cases: Case[] = [];
let counter = 0;
function add(
  name: string,
  config: Record<string, string>,
  rec: SerializedRecord,
  compare?: CompareOptions,
): void {
  counter++;
  cases.push({
    id: `${String(counter).padStart(3, '0')} ${name}`,
    config,
    record: rec,
    ...(compare ? { compare } : {}),
  });
}

// --- converters alone (the chain's edges)
add(
  'json schemaless numbers keep int/double',
  SCHEMALESS,
  record('{"a":10,"b":10.0,"c":1e20,"d":-0.0,"e":1.5E-7,"f":123456789012345678}'),
);
add('json schemaless nested arrays and objects', SCHEMALESS, record('[1,{"x":[true,null,"s"]},2.50]'));
add('json schemaless bare string and null key', SCHEMALESS, record('"hello"', { key: 'null' }));
add('json schemaless tombstone', SCHEMALESS, record(null, { key: '"k"' }));
add('json schemaless malformed', SCHEMALESS, record('{"a":'));
add('json envelope round trip with logical types', {}, record(types));
add('json envelope defaults replace nulls', {}, record(withDefaults));
add(
  'json envelope replace.null.with.default=false',
  { 'value.converter.replace.null.with.default': 'false' },
  record(withDefaults),
);
add('json decimal.format NUMERIC', { 'value.converter.decimal.format': 'NUMERIC' }, record(types));
add(
  'json decimal from a numeric payload',
  {},
  record(
    env(
      '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"3"}}',
      '12.345',
    ),
  ),
);
add('json envelope missing payload', {}, record('{"schema":null}'));
add('json envelope extra field', {}, record('{"schema":null,"payload":1,"x":2}'));
add('json plain JSON with schemas.enable', {}, record('{"a":1}'));
add('json null schema envelope', {}, record('{"schema":null,"payload":{"a":1,"b":2.0}}'));
add(
  'json required field null',
  {},
  record(
    env(
      '{"type":"struct","fields":[{"type":"string","optional":false,"field":"s"}],"optional":false}',
      '{"s":null}',
    ),
  ),
);
add('json unknown schema type', {}, record(env('{"type":"decimal","optional":false}', '1')));
add(
  'json float and double text',
  {},
  record(
    env(
      '{"type":"struct","fields":[{"type":"float","optional":false,"field":"f"},{"type":"double","optional":false,"field":"d"}],"optional":false}',
      '{"f":0.1,"d":100}',
    ),
  ),
);
add(
  'json map with int keys',
  {},
  record(
    env(
      '{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":true},"optional":false}',
      '[[1,"a"],[2,null]]',
    ),
  ),
);
add(
  'json array of int64',
  {},
  record(
    env(
      '{"type":"array","items":{"type":"int64","optional":false},"optional":false}',
      '[1,2,9223372036854775807]',
    ),
  ),
);
add('json int8 overflow wraps', {}, record(env('{"type":"int8","optional":false}', '300')));
add(
  'json Date logical from non-integer',
  {},
  record(
    env('{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1}', '1.5'),
  ),
);
add(
  'json header conversion round trip',
  SCHEMALESS,
  record('{"a":1}', {
    headers: [
      { key: 'h1', value: '42' },
      { key: 'h2', value: 'true' },
      { key: 'h3', value: 'text' },
      { key: 'h4', value: '[1,2,3]' },
      { key: 'h5', value: '1.5' },
    ],
  }),
);
add(
  'string converter key',
  { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', ...SCHEMALESS },
  record('{"a":1}', { key: 'plain key' }),
);

// --- InsertField
add(
  'InsertField$Value schemaless all fields',
  smt(
    `${T}InsertField$Value`,
    {
      'topic.field': 'topic',
      'partition.field': 'partition',
      'offset.field': 'offset',
      'timestamp.field': 'ts',
      'static.field': 'origin',
      'static.value': 'hack',
    },
    true,
  ),
  record(plain),
);
add(
  'InsertField$Value schema all fields',
  smt(`${T}InsertField$Value`, {
    'topic.field': 'topic!',
    'partition.field': 'partition?',
    'offset.field': 'offset',
    'timestamp.field': 'ts!',
    'static.field': 'origin',
    'static.value': 'hack',
  }),
  record(user),
);
add(
  'InsertField$Key schemaless',
  smt(`${T}InsertField$Key`, { 'topic.field': 'topic' }, true),
  record(plain, { key: '{"id":7}' }),
);
add(
  'InsertField$Value null value passes through',
  smt(`${T}InsertField$Value`, { 'topic.field': 'topic' }, true),
  record(null, { key: '"k"' }),
);
add(
  'InsertField$Value source record offset',
  smt(`${T}InsertField$Value`, { 'offset.field': 'offset' }, true),
  record(plain, { kind: 'source' }),
  { messagePrefix: 60 },
);
add('InsertField$Value no field configured', smt(`${T}InsertField$Value`, {}, true), record(plain));
add(
  'InsertField$Value static field without value',
  smt(`${T}InsertField$Value`, { 'static.field': 'x' }, true),
  record(plain),
  { messagePrefix: 140 },
);
add(
  'InsertField$Value schemaless non-map',
  smt(`${T}InsertField$Value`, { 'topic.field': 'topic' }, true),
  record('"just a string"'),
);
add(
  'InsertField$Value schema non-struct',
  smt(`${T}InsertField$Value`, { 'topic.field': 'topic' }),
  record(env('{"type":"string","optional":false}', '"x"')),
);
add(
  'InsertField$Value null timestamp skipped',
  smt(`${T}InsertField$Value`, { 'timestamp.field': 'ts' }, true),
  record(plain, { timestamp: null }),
);
add(
  'InsertField$Value required field left null',
  smt(`${T}InsertField$Value`, { 'timestamp.field': 'ts!' }),
  record(user, { timestamp: null }),
);
add(
  'InsertField$Value keeps defaults',
  smt(`${T}InsertField$Value`, { 'topic.field': 'topic' }),
  record(withDefaults),
);
add(
  'InsertField$Value replace.null.with.default=false',
  smt(`${T}InsertField$Value`, { 'topic.field': 'topic', 'replace.null.with.default': 'false' }),
  record(withDefaults),
);

// --- ReplaceField
add(
  'ReplaceField$Value schemaless exclude',
  smt(`${T}ReplaceField$Value`, { exclude: 'card,tags' }, true),
  record(plain),
);
add(
  'ReplaceField$Value schemaless include',
  smt(`${T}ReplaceField$Value`, { include: 'id,name,missing' }, true),
  record(plain),
);
add(
  'ReplaceField$Value schemaless renames',
  smt(`${T}ReplaceField$Value`, { renames: 'id:userId,name:fullName' }, true),
  record(plain),
);
add(
  'ReplaceField$Value schemaless exclude wins',
  smt(`${T}ReplaceField$Value`, { include: 'id,name', exclude: 'name' }, true),
  record(plain),
);
add(
  'ReplaceField$Value schema exclude',
  smt(`${T}ReplaceField$Value`, { exclude: 'card,created' }),
  record(user),
);
add(
  'ReplaceField$Value schema include and rename',
  smt(`${T}ReplaceField$Value`, { include: 'id,name,address', renames: 'name:fullName' }),
  record(user),
);
add(
  'ReplaceField$Key schema',
  smt(`${T}ReplaceField$Key`, { renames: 'id:key_id' }),
  record(user, {
    key: env(
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}',
      '{"id":7}',
    ),
  }),
);
add(
  'ReplaceField$Value invalid rename',
  smt(`${T}ReplaceField$Value`, { renames: 'a:b:c' }, true),
  record(plain),
);
add('ReplaceField$Value null passes through', smt(`${T}ReplaceField$Value`, { exclude: 'a' }), record(null));
add(
  'ReplaceField$Value keeps defaults',
  smt(`${T}ReplaceField$Value`, { exclude: 'id' }),
  record(withDefaults),
);

// --- MaskField
add(
  'MaskField$Value schemaless each type',
  smt(`${T}MaskField$Value`, { fields: 'id,price,name,active,tags,address' }, true),
  record(plain),
);
add(
  'MaskField$Value schemaless missing field added as null',
  smt(`${T}MaskField$Value`, { fields: 'card,nope' }, true),
  record(plain),
);
add(
  'MaskField$Value schemaless replacement string',
  smt(`${T}MaskField$Value`, { fields: 'card,name', replacement: '****' }, true),
  record(plain),
);
add(
  'MaskField$Value schemaless replacement number',
  smt(`${T}MaskField$Value`, { fields: 'id,price', replacement: '42' }, true),
  record(plain),
);
add(
  'MaskField$Value schemaless replacement not a number',
  smt(`${T}MaskField$Value`, { fields: 'id', replacement: 'xx' }, true),
  record(plain),
);
add(
  'MaskField$Value schemaless replacement on a list',
  smt(`${T}MaskField$Value`, { fields: 'tags', replacement: 'x' }, true),
  record(plain),
);
add('MaskField$Value schemaless null value', smt(`${T}MaskField$Value`, { fields: 'a' }, true), record(null));
add(
  'MaskField$Value schema all types',
  smt(`${T}MaskField$Value`, { fields: 'i8,i16,i32,i64,f32,f64,b,s,dec,day,tod,ts' }),
  record(types),
);
add(
  'MaskField$Value schema replacement numbers',
  smt(`${T}MaskField$Value`, { fields: 'i8,i16,i32,i64,f32,f64', replacement: '12.75' }),
  record(types),
);
add('MaskField$Value schema bytes unsupported', smt(`${T}MaskField$Value`, { fields: 'bin' }), record(types));
add(
  'MaskField$Value schema struct field unsupported',
  smt(`${T}MaskField$Value`, { fields: 'address' }),
  record(user),
);
add(
  'MaskField$Value schema card',
  smt(`${T}MaskField$Value`, { fields: 'card', replacement: 'XXXX' }),
  record(user),
);
add(
  'MaskField$Value schema nulls stay null',
  smt(`${T}MaskField$Value`, { fields: 'name,card' }),
  record(userNoAddress),
);
add(
  'MaskField$Value empty replacement rejected',
  smt(`${T}MaskField$Value`, { fields: 'card', replacement: '' }, true),
  record(plain),
);
add('MaskField$Value fields required', smt(`${T}MaskField$Value`, {}, true), record(plain));
add(
  'MaskField$Key schemaless',
  smt(`${T}MaskField$Key`, { fields: 'id' }, true),
  record(plain, { key: '{"id":7,"region":"eu"}' }),
);

// --- ValueToKey
add('ValueToKey schemaless', smt(`${T}ValueToKey`, { fields: 'id,name' }, true), record(plain));
add('ValueToKey schemaless missing field', smt(`${T}ValueToKey`, { fields: 'id,nope' }, true), record(plain));
add('ValueToKey schema', smt(`${T}ValueToKey`, { fields: 'id,address' }), record(user));
add('ValueToKey schema missing field', smt(`${T}ValueToKey`, { fields: 'nope' }), record(user));
add('ValueToKey schemaless null value', smt(`${T}ValueToKey`, { fields: 'id' }, true), record(null));
add('ValueToKey empty fields', smt(`${T}ValueToKey`, { fields: '' }, true), record(plain));
add(
  'ValueToKey schema with defaults',
  smt(`${T}ValueToKey`, { fields: 'status,level' }),
  record(withDefaults),
);

// --- ExtractField
add(
  'ExtractField$Value schemaless',
  smt(`${T}ExtractField$Value`, { field: 'address' }, true),
  record(plain),
);
add(
  'ExtractField$Value schemaless missing',
  smt(`${T}ExtractField$Value`, { field: 'nope' }, true),
  record(plain),
);
add(
  'ExtractField$Key schemaless',
  smt(`${T}ExtractField$Key`, { field: 'id' }, true),
  record(plain, { key: '{"id":7}' }),
);
add('ExtractField$Value schema', smt(`${T}ExtractField$Value`, { field: 'price' }), record(user));
add(
  'ExtractField$Value schema struct field',
  smt(`${T}ExtractField$Value`, { field: 'address' }),
  record(user),
);
add(
  'ExtractField$Value schema unknown field',
  smt(`${T}ExtractField$Value`, { field: 'nope' }),
  record(user),
);
add(
  'ExtractField$Value schema null value',
  smt(`${T}ExtractField$Value`, { field: 'id' }),
  record(
    env(
      userSchema.replace('"optional":false,"name":"com.acme.User"', '"optional":true,"name":"com.acme.User"'),
      'null',
    ),
  ),
);
add(
  'ExtractField$Value V2 nested schemaless',
  smt(`${T}ExtractField$Value`, { field: 'address.city', 'field.syntax.version': 'v2' }, true),
  record(plain),
);
add(
  'ExtractField$Value V2 nested schema',
  smt(`${T}ExtractField$Value`, { field: 'address.zip', 'field.syntax.version': 'V2' }),
  record(user),
);
add(
  'ExtractField$Value V2 backticks',
  smt(`${T}ExtractField$Value`, { field: '`a.b`.c', 'field.syntax.version': 'V2' }, true),
  record('{"a.b":{"c":1},"a":{"b":{"c":2}}}'),
);
add(
  'ExtractField$Value V1 dotted name',
  smt(`${T}ExtractField$Value`, { field: 'a.b' }, true),
  record('{"a.b":5,"a":{"b":6}}'),
);
add(
  'ExtractField$Value V2 through a non-map',
  smt(`${T}ExtractField$Value`, { field: 'name.x', 'field.syntax.version': 'V2' }, true),
  record(plain),
);
add(
  'ExtractField$Value bad syntax version',
  smt(`${T}ExtractField$Value`, { field: 'a', 'field.syntax.version': 'V3' }, true),
  record(plain),
);
add(
  'ExtractField$Value V2 incomplete backtick',
  smt(`${T}ExtractField$Value`, { field: '`a.b', 'field.syntax.version': 'V2' }, true),
  record(plain),
);
add(
  'ExtractField$Value schema with default',
  smt(`${T}ExtractField$Value`, { field: 'status' }),
  record(withDefaults),
);

// --- HoistField
add('HoistField$Value schemaless', smt(`${T}HoistField$Value`, { field: 'wrapped' }, true), record(plain));
add(
  'HoistField$Key schemaless string',
  smt(`${T}HoistField$Key`, { field: '_id' }, true),
  record(plain, { key: '"abc"' }),
);
add('HoistField$Value schemaless null', smt(`${T}HoistField$Value`, { field: 'v' }, true), record(null));
add('HoistField$Value schema', smt(`${T}HoistField$Value`, { field: 'user' }), record(user));
add(
  'HoistField$Key schema primitive',
  smt(`${T}HoistField$Key`, { field: '_id' }),
  record(user, { key: env('{"type":"int64","optional":false}', '7') }),
);
add(
  'HoistField$Value schema null optional',
  smt(`${T}HoistField$Value`, { field: 'v' }),
  record(env('{"type":"string","optional":true}', 'null')),
);

// --- SetSchemaMetadata
add(
  'SetSchemaMetadata$Value name and version',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'com.acme.Renamed', 'schema.version': '3' }),
  record(user),
);
add(
  'SetSchemaMetadata$Value name only',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'x.Y' }),
  record(env('{"type":"string","optional":false}', '"s"')),
);
add(
  'SetSchemaMetadata$Key version only',
  smt(`${T}SetSchemaMetadata$Key`, { 'schema.version': '9' }),
  record(user, { key: env('{"type":"int32","optional":false}', '1') }),
);
add(
  'SetSchemaMetadata$Value schemaless',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'x' }, true),
  record(plain),
);
add(
  'SetSchemaMetadata$Value schemaless null',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'x' }, true),
  record(null),
);
add('SetSchemaMetadata$Value nothing configured', smt(`${T}SetSchemaMetadata$Value`, {}), record(user));
add(
  'SetSchemaMetadata$Value bad version',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.version': 'two' }),
  record(user),
);
add(
  'SetSchemaMetadata$Value keeps defaults',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'n' }),
  record(withDefaults),
);

// --- TimestampRouter / RegexRouter
add('TimestampRouter default', smt(`${T}TimestampRouter`, {}, true), record(plain));
add(
  'TimestampRouter custom formats',
  smt(
    `${T}TimestampRouter`,
    { 'topic.format': 'archive_${topic}_${timestamp}', 'timestamp.format': "yyyy-MM-dd'T'HH.mm" },
    true,
  ),
  record(plain),
);
add(
  'TimestampRouter weekday and month names',
  smt(`${T}TimestampRouter`, { 'timestamp.format': 'EEE-MMM-yy-D' }, true),
  record(plain),
);
add(
  'TimestampRouter missing timestamp',
  smt(`${T}TimestampRouter`, {}, true),
  record(plain, { timestamp: null }),
  { messagePrefix: 31 },
);
add(
  'RegexRouter group reference',
  smt(`${T}RegexRouter`, { regex: '(.*)rders', replacement: 'archived_$1' }, true),
  record(plain),
);
add(
  'RegexRouter no full match',
  smt(`${T}RegexRouter`, { regex: 'order', replacement: 'x' }, true),
  record(plain),
);
add(
  'RegexRouter literal dollar',
  smt(`${T}RegexRouter`, { regex: 'orders', replacement: 'cost\\$' }, true),
  record(plain),
);
add(
  'RegexRouter missing group',
  smt(`${T}RegexRouter`, { regex: '(orders)', replacement: '$2' }, true),
  record(plain),
);
add(
  'RegexRouter invalid regex',
  smt(`${T}RegexRouter`, { regex: '(', replacement: 'x' }, true),
  record(plain),
  { messagePrefix: 64 },
);
add('RegexRouter required replacement', smt(`${T}RegexRouter`, { regex: 'a' }, true), record(plain));

// --- Flatten
add(
  'Flatten$Value schemaless',
  smt(`${T}Flatten$Value`, {}, true),
  record('{"a":{"b":{"c":1},"d":[{"x":1}]},"e":null,"f":"s"}'),
);
add('Flatten$Value schemaless delimiter', smt(`${T}Flatten$Value`, { delimiter: '_' }, true), record(plain));
add(
  'Flatten$Value schemaless empty nested map',
  smt(`${T}Flatten$Value`, {}, true),
  record('{"a":{},"b":1}'),
);
add('Flatten$Value schema', smt(`${T}Flatten$Value`, {}), record(user));
add('Flatten$Value schema null nested', smt(`${T}Flatten$Value`, { delimiter: '__' }), record(userNoAddress));
add(
  'Flatten$Value schema with map',
  smt(`${T}Flatten$Value`, {}),
  record(
    env(
      '{"type":"struct","fields":[{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false,"field":"m"}],"optional":false}',
      '{"m":{"a":1}}',
    ),
  ),
);
add(
  'Flatten$Key schemaless',
  smt(`${T}Flatten$Key`, {}, true),
  record(plain, { key: '{"k":{"a":1,"b":2.5}}' }),
);
add('Flatten$Value null passes through', smt(`${T}Flatten$Value`, {}), record(null));

// --- Cast
add(
  'Cast$Value schemaless fields',
  smt(`${T}Cast$Value`, { spec: 'id:string,price:int32,qty:float64,active:int8,name:boolean' }, true),
  record(plain),
);
add(
  'Cast$Value schemaless string to numbers',
  smt(`${T}Cast$Value`, { spec: 'a:int32,b:int64,c:float64,d:boolean' }, true),
  record('{"a":"123","b":"-9","c":" 2.5 ","d":"TRUE"}'),
);
add(
  'Cast$Value schemaless unparsable int',
  smt(`${T}Cast$Value`, { spec: 'a:int32' }, true),
  record('{"a":"12.5"}'),
);
add(
  'Cast$Value schemaless out of range',
  smt(`${T}Cast$Value`, { spec: 'a:int8' }, true),
  record('{"a":"300"}'),
);
add(
  'Cast$Value schemaless narrowing',
  smt(`${T}Cast$Value`, { spec: 'a:int8,b:int16,c:int32' }, true),
  record('{"a":300,"b":70000,"c":1e12}'),
);
add('Cast$Value schemaless whole value', smt(`${T}Cast$Value`, { spec: 'string' }, true), record('12.0'));
add('Cast$Value schemaless whole value int', smt(`${T}Cast$Value`, { spec: 'int64' }, true), record('"77"'));
add(
  'Cast$Value schemaless missing field added',
  smt(`${T}Cast$Value`, { spec: 'nope:string' }, true),
  record(plain),
);
add(
  'Cast$Value schemaless map field unsupported',
  smt(`${T}Cast$Value`, { spec: 'address:string' }, true),
  record(plain),
);
add(
  'Cast$Value schema fields',
  smt(`${T}Cast$Value`, {
    spec: 'i8:int64,i16:int8,i32:float32,i64:string,f32:float64,f64:int32,b:int32,s:int16',
  }),
  record(types),
);
add('Cast$Value schema bytes to string', smt(`${T}Cast$Value`, { spec: 'bin:string' }), record(types));
add('Cast$Value schema bytes to int fails', smt(`${T}Cast$Value`, { spec: 'bin:int32' }), record(types));
add(
  'Cast$Value schema logical to string',
  smt(`${T}Cast$Value`, { spec: 'day:string,tod:string,ts:string,dec:string' }),
  record(types),
);
add(
  'Cast$Value schema logical to numbers',
  smt(`${T}Cast$Value`, { spec: 'day:int64,tod:int64,ts:int64,dec:float64' }),
  record(types),
);
add(
  'Cast$Value schema numbers to boolean',
  smt(`${T}Cast$Value`, { spec: 'i8:boolean,f64:boolean,i32:boolean' }),
  record(types),
);
add(
  'Cast$Value schema double to string',
  smt(`${T}Cast$Value`, { spec: 'price:string,ratio:string,qty:string' }),
  record(user),
);
add(
  'Cast$Value schema whole primitive',
  smt(`${T}Cast$Value`, { spec: 'int32' }),
  record(env('{"type":"string","optional":false}', '"42"')),
);
add('Cast$Value schema with defaults', smt(`${T}Cast$Value`, { spec: 'level:string' }), record(withDefaults));
add(
  'Cast$Value whole value and fields',
  smt(`${T}Cast$Value`, { spec: 'int32,a:string' }, true),
  record(plain),
);
add('Cast$Value unsupported target type', smt(`${T}Cast$Value`, { spec: 'a:bytes' }, true), record(plain));
add('Cast$Value unknown type', smt(`${T}Cast$Value`, { spec: 'a:decimal' }, true), record(plain));
add('Cast$Value empty spec', smt(`${T}Cast$Value`, { spec: '' }, true), record(plain));
add(
  'Cast$Key schemaless',
  smt(`${T}Cast$Key`, { spec: 'id:string' }, true),
  record(plain, { key: '{"id":7}' }),
);
add('Cast$Value uppercase type names', smt(`${T}Cast$Value`, { spec: 'id:STRING' }, true), record(plain));
add('Cast$Value struct field unsupported', smt(`${T}Cast$Value`, { spec: 'address:string' }), record(user));
add(
  'Cast$Value double to int64 truncates',
  smt(`${T}Cast$Value`, { spec: 'a:int64,b:int64' }, true),
  record('{"a":-2.9,"b":1.0E19}'),
);

// --- TimestampConverter
add(
  'TimestampConverter$Value unix to string',
  smt(
    `${T}TimestampConverter$Value`,
    { field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm:ss.SSS' },
    true,
  ),
  record('{"ts":1700000000123,"x":1}'),
);
add(
  'TimestampConverter$Value string to unix',
  smt(
    `${T}TimestampConverter$Value`,
    { field: 'ts', 'target.type': 'unix', format: 'yyyy-MM-dd HH:mm:ss' },
    true,
  ),
  record('{"ts":"2024-02-29 13:45:10"}'),
);
add(
  'TimestampConverter$Value unix seconds',
  smt(
    `${T}TimestampConverter$Value`,
    { field: 'ts', 'target.type': 'unix', 'unix.precision': 'seconds' },
    true,
  ),
  record('{"ts":1700000000123}'),
);
add(
  'TimestampConverter$Value unix micros to string',
  smt(
    `${T}TimestampConverter$Value`,
    {
      field: 'ts',
      'target.type': 'string',
      format: "yyyy-MM-dd'T'HH:mm:ss.SSSX",
      'unix.precision': 'microseconds',
    },
    true,
  ),
  record('{"ts":1700000000123456}'),
);
add(
  'TimestampConverter$Value schemaless to Timestamp',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'Timestamp' }, true),
  record('{"ts":1700000000123}'),
);
add(
  'TimestampConverter$Value schema unix to Timestamp',
  smt(`${T}TimestampConverter$Value`, { field: 'qty', 'target.type': 'Timestamp' }),
  record(user),
);
add(
  'TimestampConverter$Value schema Timestamp to Date',
  smt(`${T}TimestampConverter$Value`, { field: 'created', 'target.type': 'Date' }),
  record(user),
);
add(
  'TimestampConverter$Value schema Timestamp to Time',
  smt(`${T}TimestampConverter$Value`, { field: 'created', 'target.type': 'Time' }),
  record(user),
);
add(
  'TimestampConverter$Value schema Timestamp to string',
  smt(`${T}TimestampConverter$Value`, {
    field: 'created',
    'target.type': 'string',
    format: 'dd/MM/yyyy hh:mm a',
  }),
  record(user),
);
add(
  'TimestampConverter$Value schema null field',
  smt(`${T}TimestampConverter$Value`, { field: 'created', 'target.type': 'unix' }),
  record(userNoAddress),
);
add(
  'TimestampConverter$Value whole value string',
  smt(`${T}TimestampConverter$Value`, { 'target.type': 'unix', format: 'yyyyMMdd' }),
  record(env('{"type":"string","optional":false}', '"20240101"')),
);
add(
  'TimestampConverter$Value unparsable string',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'unix', format: 'yyyy-MM-dd' }, true),
  record('{"ts":"yesterday"}'),
);
add(
  'TimestampConverter$Value string target needs format',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'string' }, true),
  record('{"ts":1}'),
);
add(
  'TimestampConverter$Value bad target type',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'timestamp' }, true),
  record('{"ts":1}'),
);
add(
  'TimestampConverter$Value schemaless double input',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'unix' }, true),
  record('{"ts":1.5}'),
);
add(
  'TimestampConverter$Value schema field of wrong type',
  smt(`${T}TimestampConverter$Value`, { field: 'name', 'target.type': 'unix' }),
  record(user),
  { messagePrefix: 7 },
);
add(
  'TimestampConverter$Key whole unix',
  smt(`${T}TimestampConverter$Key`, { 'target.type': 'string', format: 'yyyy' }, true),
  record(plain, { key: '1700000000123' }),
);

// --- Filter, predicates
const filterOn = (
  predicateType: string,
  props: Record<string, string>,
  negate?: string,
  schemaless = true,
): Record<string, string> => {
  const config: Record<string, string> = {
    ...smt(`${T}Filter`, {}, schemaless),
    'transforms.t.predicate': 'p',
    predicates: 'p',
    'predicates.p.type': predicateType,
  };
  if (negate !== undefined) config['transforms.t.negate'] = negate;
  for (const [key, value] of Object.entries(props)) config[`predicates.p.${key}`] = value;
  return config;
};
add('Filter always', smt(`${T}Filter`, {}, true), record(plain));
add('Filter TopicNameMatches match', filterOn(`${P}TopicNameMatches`, { pattern: 'ord.*' }), record(plain));
add(
  'Filter TopicNameMatches partial is no match',
  filterOn(`${P}TopicNameMatches`, { pattern: 'ord' }),
  record(plain),
);
add(
  'Filter TopicNameMatches negated',
  filterOn(`${P}TopicNameMatches`, { pattern: 'ord.*' }, 'true'),
  record(plain),
);
add(
  'Filter HasHeaderKey present',
  filterOn(`${P}HasHeaderKey`, { name: 'skip' }),
  record(plain, { headers: [{ key: 'skip', value: 'yes' }] }),
);
add(
  'Filter HasHeaderKey absent',
  filterOn(`${P}HasHeaderKey`, { name: 'skip' }),
  record(plain, { headers: [{ key: 'other', value: 'yes' }] }),
);
add('Filter RecordIsTombstone', filterOn(`${P}RecordIsTombstone`, {}), record(null, { key: '"k"' }));
add(
  'Filter RecordIsTombstone negated keeps tombstone',
  filterOn(`${P}RecordIsTombstone`, {}, 'true'),
  record(null, { key: '"k"' }),
);
add('Filter predicate invalid regex', filterOn(`${P}TopicNameMatches`, { pattern: '[' }), record(plain), {
  messagePrefix: 100,
});
add('Filter predicate empty header name', filterOn(`${P}HasHeaderKey`, { name: '' }), record(plain));

// --- headers
add(
  'InsertHeader literal string',
  smt(`${T}InsertHeader`, { header: 'source', 'value.literal': 'hack-lab' }, true),
  record(plain),
);
add(
  'InsertHeader literal number',
  smt(`${T}InsertHeader`, { header: 'n', 'value.literal': '42' }, true),
  record(plain),
);
add(
  'InsertHeader literal boolean and list',
  {
    transforms: 'a,b',
    'transforms.a.type': `${T}InsertHeader`,
    'transforms.a.header': 'b',
    'transforms.a.value.literal': 'true',
    'transforms.b.type': `${T}InsertHeader`,
    'transforms.b.header': 'l',
    'transforms.b.value.literal': '[1,2,3]',
    ...SCHEMALESS,
  },
  record(plain),
);
add(
  'InsertHeader literal decimal and date',
  {
    transforms: 'a,b',
    'transforms.a.type': `${T}InsertHeader`,
    'transforms.a.header': 'd',
    'transforms.a.value.literal': '3.25',
    'transforms.b.type': `${T}InsertHeader`,
    'transforms.b.header': 'day',
    'transforms.b.value.literal': '2024-01-31',
    ...SCHEMALESS,
  },
  record(plain),
);
add('InsertHeader missing literal', smt(`${T}InsertHeader`, { header: 'x' }, true), record(plain));
add(
  'DropHeaders',
  smt(`${T}DropHeaders`, { headers: 'a,c' }, true),
  record(plain, {
    headers: [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'a', value: '3' },
      { key: 'c', value: null },
    ],
  }),
);
add('DropHeaders requires names', smt(`${T}DropHeaders`, { headers: '' }, true), record(plain));
add(
  'HeaderFrom$Value copy schemaless',
  smt(
    `${T}HeaderFrom$Value`,
    { fields: 'id,name,nope', headers: 'h_id,h_name,h_nope', operation: 'copy' },
    true,
  ),
  record(plain),
);
add(
  'HeaderFrom$Value move schemaless',
  smt(`${T}HeaderFrom$Value`, { fields: 'id,address', headers: 'h_id,h_addr', operation: 'move' }, true),
  record(plain),
);
add(
  'HeaderFrom$Value move schema',
  smt(`${T}HeaderFrom$Value`, { fields: 'id,created', headers: 'id,created', operation: 'move' }),
  record(user),
);
add(
  'HeaderFrom$Key copy schema',
  smt(`${T}HeaderFrom$Key`, { fields: 'id', headers: 'kid', operation: 'copy' }),
  record(user, {
    key: env(
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}',
      '{"id":7}',
    ),
  }),
);
add(
  'HeaderFrom$Value mismatched lists',
  smt(`${T}HeaderFrom$Value`, { fields: 'a,b', headers: 'h', operation: 'copy' }, true),
  record(plain),
);
add(
  'HeaderFrom$Value bad operation',
  smt(`${T}HeaderFrom$Value`, { fields: 'a', headers: 'h', operation: 'swap' }, true),
  record(plain),
);

// --- chains
const chain = (
  aliases: Array<[string, string, Record<string, string>]>,
  schemaless = false,
): Record<string, string> => {
  const config: Record<string, string> = { transforms: aliases.map(([alias]) => alias).join(',') };
  for (const [alias, type, props] of aliases) {
    config[`transforms.${alias}.type`] = type;
    for (const [key, value] of Object.entries(props)) config[`transforms.${alias}.${key}`] = value;
  }
  return schemaless ? { ...config, ...SCHEMALESS } : config;
};
const typical: Array<[string, string, Record<string, string>]> = [
  ['createKey', `${T}ValueToKey`, { fields: 'id' }],
  ['extractKey', `${T}ExtractField$Key`, { field: 'id' }],
  ['mask', `${T}MaskField$Value`, { fields: 'card', replacement: '****' }],
  ['schemaName', `${T}SetSchemaMetadata$Value`, { 'schema.name': 'com.acme.PurchaseValue' }],
];
add('chain typical with schemas', chain(typical), record(user));
add('chain typical schemaless (SetSchemaMetadata fails)', chain(typical, true), record(plain));
add(
  'chain key from value then hoist for Mongo _id',
  chain(
    [
      ['k', `${T}ValueToKey`, { fields: 'id' }],
      ['x', `${T}ExtractField$Key`, { field: 'id' }],
      ['h', `${T}HoistField$Key`, { field: '_id' }],
    ],
    true,
  ),
  record(plain),
);
add(
  'chain filter drops before later stage errors',
  {
    ...chain(
      [
        ['f', `${T}Filter`, {}],
        ['c', `${T}Cast$Value`, { spec: 'id:int8' }],
      ],
      true,
    ),
    'transforms.f.predicate': 'big',
    predicates: 'big',
    'predicates.big.type': `${P}TopicNameMatches`,
    'predicates.big.pattern': 'orders',
  },
  record(plain),
);
add(
  'chain flatten then rename then insert',
  chain([
    ['f', `${T}Flatten$Value`, { delimiter: '_' }],
    ['r', `${T}ReplaceField$Value`, { renames: 'address_city:city', exclude: 'address_zip' }],
    ['i', `${T}InsertField$Value`, { 'offset.field': 'offset!' }],
  ]),
  record(user),
);
add(
  'chain unknown transform class',
  { transforms: 't', 'transforms.t.type': `${T}NoSuch`, ...SCHEMALESS },
  record(plain),
  { messagePrefix: 40 },
);

// --- Debezium ExtractNewRecordState
const unwrap = (props: Record<string, string> = {}): Record<string, string> => smt(UNWRAP, props);
add('unwrap create', unwrap(), record(cdc.create, { key: cdcKey }));
add('unwrap update', unwrap(), record(cdc.update, { key: cdcKey }));
add('unwrap delete default', unwrap(), record(cdc.delete, { key: cdcKey }));
add('unwrap tombstone default', unwrap(), record(null, { key: cdcKey }));
add('unwrap truncate dropped', unwrap(), record(cdc.truncate));
add(
  'unwrap mode drop delete',
  unwrap({ 'delete.tombstone.handling.mode': 'drop' }),
  record(cdc.delete, { key: cdcKey }),
);
add(
  'unwrap mode rewrite delete',
  unwrap({ 'delete.tombstone.handling.mode': 'rewrite' }),
  record(cdc.delete, { key: cdcKey }),
);
add(
  'unwrap mode rewrite create',
  unwrap({ 'delete.tombstone.handling.mode': 'rewrite' }),
  record(cdc.create, { key: cdcKey }),
);
add(
  'unwrap mode rewrite tombstone',
  unwrap({ 'delete.tombstone.handling.mode': 'rewrite' }),
  record(null, { key: cdcKey }),
);
add(
  'unwrap mode rewrite-with-tombstone tombstone',
  unwrap({ 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }),
  record(null, { key: cdcKey }),
);
add(
  'unwrap mode tombstone delete',
  unwrap({ 'delete.tombstone.handling.mode': 'tombstone' }),
  record(cdc.delete, { key: cdcKey }),
);
add(
  'unwrap add.fields',
  unwrap({ 'add.fields': 'op,table,source.ts_ms,ts_ms' }),
  record(cdc.update, { key: cdcKey }),
);
add(
  'unwrap add.fields rename and prefix',
  unwrap({ 'add.fields': 'op:operation,db', 'add.fields.prefix': 'meta_' }),
  record(cdc.create),
);
add('unwrap add.headers', unwrap({ 'add.headers': 'op,source.table,db' }), record(cdc.create));
add(
  'unwrap add.headers on tombstone',
  unwrap({ 'add.headers': 'op', 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }),
  record(null, { key: cdcKey }),
);
add('unwrap route.by.field', unwrap({ 'route.by.field': 'region' }), record(cdc.update));
add('unwrap route.by.field on delete', unwrap({ 'route.by.field': 'region' }), record(cdc.delete));
add(
  'unwrap rewrite delete with add.fields',
  unwrap({ 'delete.tombstone.handling.mode': 'rewrite', 'add.fields': 'op' }),
  record(cdc.delete),
);
add(
  'unwrap legacy delete.handling.mode rewrite',
  unwrap({ 'delete.handling.mode': 'rewrite' }),
  record(cdc.delete),
);
add(
  'unwrap legacy drop.tombstones=false',
  unwrap({ 'drop.tombstones': 'false' }),
  record(null, { key: cdcKey }),
);
add('unwrap non-envelope passes through', unwrap(), record(user));
add('unwrap schemaless passes through', smt(UNWRAP, {}, true), record(plain));

// --- odd cases: Java number text, Values parsing of headers, lenient parsing, duplicate field names
add(
  'json double text edges',
  SCHEMALESS,
  record(
    '[1e-5,0.001,1234567.0,12345678.0,0.30000000000000004,-0.0,9223372036854775807,-9223372036854775808,1.0E-300,4.9E-324]',
  ),
);
add(
  'json string escapes and unicode',
  SCHEMALESS,
  record('{"s":"tab\\there \\"q\\" \\u00e9 \\u0001 /slash","emoji":"\\ud83d\\ude00"}'),
);
add(
  'json envelope float32 text',
  {},
  record(
    env(
      '{"type":"array","items":{"type":"float","optional":false},"optional":false}',
      '[0.1,1.1,3.4028235E38,1.0E-10,100]',
    ),
  ),
);
add(
  'json envelope bytes field and optional struct default',
  {},
  record(
    env(
      '{"type":"struct","fields":[{"type":"bytes","optional":false,"field":"b"},{"type":"struct","fields":[{"type":"int32","optional":false,"field":"x"}],"optional":true,"field":"s"}],"optional":false}',
      '{"b":"SGVsbG8=","s":null}',
    ),
  ),
);
add(
  'json time logical out of range',
  {},
  record(
    env(
      '{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1}',
      '90000000',
    ),
  ),
);
add(
  'Cast$Value schemaless float32',
  smt(`${T}Cast$Value`, { spec: 'price:float32,qty:float32' }, true),
  record('{"price":1.1,"qty":3}'),
);
add(
  'Cast$Value schemaless strings with spaces and signs',
  smt(`${T}Cast$Value`, { spec: 'a:int32,b:int32,c:float64,d:boolean' }, true),
  record('{"a":"+5","b":"1e3","c":"1e3","d":"yes"}'),
);
add(
  'Cast$Value schemaless int with spaces fails',
  smt(`${T}Cast$Value`, { spec: 'a:int32' }, true),
  record('{"a":" 12 "}'),
);
add(
  'Cast$Value schemaless bool and long to string',
  smt(`${T}Cast$Value`, { spec: 'a:string,b:string,c:string' }, true),
  record('{"a":true,"b":12345678901,"c":0.5}'),
);
add(
  'Cast$Value schema float32 to string',
  smt(`${T}Cast$Value`, { spec: 'f32:string,f64:string' }),
  record(env(typesSchema, typesPayload.replace('"f32":1.5', '"f32":0.1'))),
);
add(
  'MaskField$Value schemaless replacement on boolean',
  smt(`${T}MaskField$Value`, { fields: 'active', replacement: 'x' }, true),
  record(plain),
);
add(
  'MaskField$Value schema float replacement',
  smt(`${T}MaskField$Value`, { fields: 'ratio,price', replacement: '0.1' }),
  record(user),
);
add(
  'ReplaceField$Value rename onto existing field',
  smt(`${T}ReplaceField$Value`, { renames: 'name:card' }),
  record(user),
);
add(
  'ReplaceField$Value schemaless rename onto existing field',
  smt(`${T}ReplaceField$Value`, { renames: 'name:card' }, true),
  record(plain),
);
add(
  'InsertField$Value schema existing field name',
  smt(`${T}InsertField$Value`, { 'topic.field': 'name' }),
  record(user),
);
add(
  'InsertField$Value schemaless overwrites field',
  smt(`${T}InsertField$Value`, { 'topic.field': 'name', 'partition.field': 'qty' }, true),
  record(plain),
);
add('ValueToKey schema duplicated field', smt(`${T}ValueToKey`, { fields: 'id,id' }), record(user));
add(
  'HeaderFrom$Value copy every type',
  smt(`${T}HeaderFrom$Value`, {
    fields: 'i8,i16,i32,i64,f32,f64,b,s,bin,dec,day,tod,ts',
    headers: 'i8,i16,i32,i64,f32,f64,b,s,bin,dec,day,tod,ts',
    operation: 'copy',
  }),
  record(types),
);
add(
  'HeaderFrom$Value copy struct field',
  smt(`${T}HeaderFrom$Value`, { fields: 'address', headers: 'addr', operation: 'copy' }),
  record(user),
);
add(
  'HeaderFrom$Value copy list and map schemaless',
  smt(`${T}HeaderFrom$Value`, { fields: 'tags,price', headers: 'tags,price', operation: 'copy' }, true),
  record(plain),
);
add(
  'HeaderFrom$Value schema missing field',
  smt(`${T}HeaderFrom$Value`, { fields: 'nope', headers: 'h', operation: 'copy' }),
  record(user),
  { messagePrefix: 20 },
);
for (const [i, literal] of [
  '1.5',
  '-7',
  '99999999999',
  '12:30:00.000Z',
  '2024-01-31T10:00:00.000Z',
  'null',
  '  spaced  ',
  '{"a":1,"b":2}',
  '[1,"x"]',
  '1e3',
  '0.1',
  '123456789012345678901234567890',
  'true ',
  '[]',
].entries()) {
  add(
    `InsertHeader literal ${JSON.stringify(literal)}`,
    smt(`${T}InsertHeader`, { header: `h${i}`, 'value.literal': literal }, true),
    record(plain),
  );
}
add(
  'headers parsed and written back',
  SCHEMALESS,
  record('{}', {
    headers: [
      { key: 'a', value: '{"k":"v","n":1}' },
      { key: 'b', value: '[1,2.5]' },
      { key: 'c', value: '2024-01-31' },
      { key: 'd', value: '00:00:01.000Z' },
      { key: 'e', value: '-0' },
      { key: 'f', value: 'not [a list' },
    ],
  }),
);
add(
  'TimestampConverter$Value schema string to Date',
  smt(`${T}TimestampConverter$Value`, { field: 'when', 'target.type': 'Date', format: 'yyyy-MM-dd HH:mm' }),
  record(
    env(
      '{"type":"struct","fields":[{"type":"string","optional":false,"field":"when"}],"optional":false}',
      '{"when":"2024-03-10 17:45"}',
    ),
  ),
);
add(
  'TimestampConverter$Value lenient trailing text',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'unix', format: 'yyyy-MM-dd' }, true),
  record('{"ts":"2024-01-01xyz"}'),
);
add(
  'TimestampConverter$Value lenient month overflow',
  smt(
    `${T}TimestampConverter$Value`,
    { field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd', 'unix.precision': 'milliseconds' },
    true,
  ),
  record('{"ts":"2024-13-01"}'),
);
add(
  'TimestampConverter$Value schemaless Date target not serializable',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'Date' }, true),
  record('{"ts":1700000000123}'),
);
add(
  'TimestampConverter$Value schema unix nanos',
  smt(`${T}TimestampConverter$Value`, {
    field: 'qty',
    'target.type': 'unix',
    'unix.precision': 'nanoseconds',
  }),
  record(user),
);
add(
  'TimestampConverter$Value bad pattern',
  smt(`${T}TimestampConverter$Value`, { field: 'ts', 'target.type': 'string', format: 'yyyy-qq' }, true),
  record('{"ts":1}'),
);
add(
  'TimestampConverter$Value negative unix to string',
  smt(
    `${T}TimestampConverter$Value`,
    { field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm:ss.SSS' },
    true,
  ),
  record('{"ts":-1}'),
);
add(
  'RegexRouter named group',
  smt(`${T}RegexRouter`, { regex: '(?<name>[a-z]+)s', replacement: 'x_${name}' }, true),
  record(plain),
);
add(
  'RegexRouter case-insensitive flag',
  smt(`${T}RegexRouter`, { regex: '(?i)ORDERS', replacement: 'matched' }, true),
  record(plain),
);
add(
  'RegexRouter escaped replacement text',
  smt(`${T}RegexRouter`, { regex: '(o)(r)ders', replacement: '\\\\$2$1\\x' }, true),
  record(plain),
);
add(
  'Flatten$Value schema arrays of structs untouched',
  smt(`${T}Flatten$Value`, {}),
  record(
    env(
      '{"type":"struct","fields":[{"type":"array","items":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"x"}],"optional":false},"optional":false,"field":"list"},{"type":"struct","fields":[{"type":"struct","fields":[{"type":"int32","optional":true,"default":3,"field":"deep"}],"optional":false,"field":"b"}],"optional":true,"field":"a"}],"optional":false}',
      '{"list":[{"x":1}],"a":{"b":{"deep":null}}}',
    ),
  ),
);
add(
  'Flatten$Value schemaless list of maps untouched',
  smt(`${T}Flatten$Value`, {}, true),
  record('{"l":[{"a":{"b":1}}],"m":{"n":{"o":null}}}'),
);
add(
  'ExtractField$Value V2 schema through null struct',
  smt(`${T}ExtractField$Value`, { field: 'address.city', 'field.syntax.version': 'V2' }),
  record(userNoAddress),
);
add(
  'ExtractField$Value V2 trailing dot',
  smt(`${T}ExtractField$Value`, { field: 'address.', 'field.syntax.version': 'V2' }, true),
  record('{"address":{"":"empty-name"}}'),
);
add(
  'HoistField$Key schema optional struct key',
  smt(`${T}HoistField$Key`, { field: 'k' }),
  record(user, {
    key: env(
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":true}',
      'null',
    ),
  }),
);
add(
  'SetSchemaMetadata$Value nested with defaults',
  smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'n', 'replace.null.with.default': 'false' }),
  record(withDefaults),
);
add(
  'Cast$Value schema decimal NUMERIC to int',
  { ...smt(`${T}Cast$Value`, { spec: 'dec:int32' }), 'value.converter.decimal.format': 'NUMERIC' },
  record(types),
);
add(
  'InsertField$Value schemaless partition is Integer',
  smt(`${T}InsertField$Value`, { 'partition.field': 'p', 'timestamp.field': 't' }, true),
  record('{}', { partition: 5 }),
);
add(
  'DropHeaders then InsertHeader order',
  chain(
    [
      ['d', `${T}DropHeaders`, { headers: 'x' }],
      ['i', `${T}InsertHeader`, { header: 'x', 'value.literal': 'new' }],
    ],
    true,
  ),
  record(plain, {
    headers: [
      { key: 'x', value: 'old' },
      { key: 'y', value: '1' },
    ],
  }),
);
add('unwrap add.fields missing source field', unwrap({ 'add.fields': 'nope,op' }), record(cdc.create));
add(
  'unwrap rewrite update adds __deleted false',
  unwrap({ 'delete.tombstone.handling.mode': 'rewrite', 'add.fields': 'op,source.ts_ms' }),
  record(cdc.update),
);
add(
  'unwrap delete-to-tombstone mode',
  unwrap({ 'delete.tombstone.handling.mode': 'delete-to-tombstone' }),
  record(cdc.delete, { key: cdcKey }),
);
add('unwrap invalid mode', unwrap({ 'delete.tombstone.handling.mode': 'bogus' }), record(cdc.create), {
  messagePrefix: 40,
});

// --- more Debezium and key-side cases
const dropHeader = (names: string) => [{ key: 'dropme', value: names }];
add(
  'unwrap drop.fields.header.name',
  unwrap({ 'drop.fields.header.name': 'dropme' }),
  record(cdc.update, { key: cdcKey, headers: dropHeader('["email","region"]') }),
);
add(
  'unwrap drop.fields keep.schema.compatible=false',
  unwrap({ 'drop.fields.header.name': 'dropme', 'drop.fields.keep.schema.compatible': 'false' }),
  record(cdc.update, { key: cdcKey, headers: dropHeader('["email","id"]') }),
);
add(
  'unwrap drop.fields.from.key',
  unwrap({
    'drop.fields.header.name': 'dropme',
    'drop.fields.from.key': 'true',
    'drop.fields.keep.schema.compatible': 'false',
  }),
  record(cdc.update, { key: cdcKey, headers: dropHeader('["id"]') }),
);
add(
  'unwrap add.headers ts_ms and missing transaction',
  unwrap({ 'add.headers': 'ts_ms,id,nope' }),
  record(cdc.create),
);
add(
  'unwrap add.fields on tombstone kept',
  unwrap({ 'add.fields': 'op', 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }),
  record(null, { key: cdcKey }),
);
add(
  'InsertField$Key schema',
  smt(`${T}InsertField$Key`, { 'topic.field': 'topic', 'static.field': 'k', 'static.value': 'v' }),
  record(user, {
    key: env(
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}',
      '{"id":7}',
    ),
  }),
);
add(
  'ExtractField$Key schema',
  smt(`${T}ExtractField$Key`, { field: 'id' }),
  record(user, {
    key: env(
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}',
      '{"id":7}',
    ),
  }),
);
add(
  'TimestampConverter$Value whole Timestamp schema to Date',
  smt(`${T}TimestampConverter$Value`, { 'target.type': 'Date' }),
  record(
    env(
      '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1}',
      '1700000000123',
    ),
  ),
);
add(
  'Cast$Value whole optional schema with default',
  smt(`${T}Cast$Value`, { spec: 'string' }),
  record(env('{"type":"int32","optional":true,"default":9}', 'null')),
);
add(
  'MaskField$Key schema',
  smt(`${T}MaskField$Key`, { fields: 'id' }),
  record(user, {
    key: env(
      '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}',
      '{"id":7}',
    ),
  }),
);

// --- StringConverter on the value: Java toString forms on the way out
const STRING_VALUE = { 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' };
add(
  'StringConverter HoistField struct toString',
  { ...smt(`${T}HoistField$Value`, { field: 'v' }), ...STRING_VALUE },
  record('hello'),
);
add(
  'StringConverter Cast whole to int32',
  { ...smt(`${T}Cast$Value`, { spec: 'int32' }), ...STRING_VALUE },
  record('12'),
);
add(
  'StringConverter Cast whole to float64',
  { ...smt(`${T}Cast$Value`, { spec: 'float64' }), ...STRING_VALUE },
  record('12'),
);
add(
  'StringConverter InsertField needs a struct',
  { ...smt(`${T}InsertField$Value`, { 'topic.field': 't' }), ...STRING_VALUE },
  record('x'),
);
add(
  'StringConverter SetSchemaMetadata on string',
  { ...smt(`${T}SetSchemaMetadata$Value`, { 'schema.name': 'n' }), ...STRING_VALUE },
  record('x'),
);
add(
  'StringConverter tombstone',
  { ...smt(`${T}HoistField$Value`, { field: 'v' }), ...STRING_VALUE },
  record(null),
);
add(
  'StringConverter value from a JSON key chain',
  {
    ...chain([
      ['k', `${T}HoistField$Key`, { field: 'id' }],
      ['h', `${T}HoistField$Value`, { field: 'payload' }],
    ]),
    ...STRING_VALUE,
    'key.converter.schemas.enable': 'false',
  },
  record('{"a":1}', { key: '5' }),
);

export const conformanceCases: Case[] = cases;
