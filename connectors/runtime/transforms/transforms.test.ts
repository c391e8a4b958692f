import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../api/records.ts';
import { buildTransformChain, TransformStageError, validateTransformConfig } from './chain.ts';
import { predicatePlugins, transformPlugins } from './plugins.ts';
import { SimpleDateFormat } from './simple-date-format.ts';
import { converterWarnings, parseConnectorConfigText, parseInputLine, tryTransforms } from './try-records.ts';

const T = 'org.apache.kafka.connect.transforms.';

function sinkRecord(value: unknown, topic = 'orders'): SinkRecord {
  return {
    kind: 'sink',
    topic,
    kafkaPartition: 0,
    keySchema: null,
    key: null,
    valueSchema: null,
    value,
    timestamp: 1_700_000_000_000,
    headers: [],
    kafkaOffset: 5,
    timestampType: 'CreateTime',
    originalTopic: topic,
    originalKafkaPartition: 0,
    originalKafkaOffset: 5,
  };
}

describe('plugins', () => {
  it('lists every Apache transform with its $Key/$Value variants, the predicates and Debezium’s unwrap', () => {
    const names = new Set(transformPlugins.map((plugin) => plugin.className));
    for (const sided of [
      'InsertField',
      'ReplaceField',
      'MaskField',
      'ExtractField',
      'HoistField',
      'SetSchemaMetadata',
      'Flatten',
      'Cast',
      'TimestampConverter',
      'HeaderFrom',
    ]) {
      expect(names).toContain(`${T}${sided}$Key`);
      expect(names).toContain(`${T}${sided}$Value`);
    }
    for (const single of [
      'ValueToKey',
      'TimestampRouter',
      'RegexRouter',
      'Filter',
      'InsertHeader',
      'DropHeaders',
    ])
      expect(names).toContain(`${T}${single}`);
    expect(names).toContain('io.debezium.transforms.ExtractNewRecordState');
    expect(predicatePlugins.map((plugin) => plugin.className)).toEqual([
      `${T}predicates.HasHeaderKey`,
      `${T}predicates.RecordIsTombstone`,
      `${T}predicates.TopicNameMatches`,
    ]);
  });
});

describe('transform chain', () => {
  const props = {
    transforms: 'drop,hoist',
    'transforms.drop.type': `${T}Filter`,
    'transforms.drop.predicate': 'isTest',
    'transforms.hoist.type': `${T}HoistField$Value`,
    'transforms.hoist.field': 'wrapped',
    predicates: 'isTest',
    'predicates.isTest.type': `${T}predicates.TopicNameMatches`,
    'predicates.isTest.pattern': 'test-.*',
  };

  it('applies stages in order, a predicate guarding its stage', () => {
    const chain = buildTransformChain(props);
    expect(chain.apply(sinkRecord('x', 'test-orders'))).toBeNull();
    const kept = chain.apply(sinkRecord('x'));
    expect(kept?.value).toEqual(new Map([['wrapped', 'x']]));
  });

  it('negates a predicate', () => {
    const chain = buildTransformChain({ ...props, 'transforms.drop.negate': 'true' });
    expect(chain.apply(sinkRecord('x'))).toBeNull();
    expect(chain.apply(sinkRecord('x', 'test-1'))).not.toBeNull();
  });

  it('names the failing stage for DLQ headers', () => {
    const chain = buildTransformChain({
      transforms: 'k',
      'transforms.k.type': `${T}ValueToKey`,
      'transforms.k.fields': 'id',
    });
    try {
      chain.apply(sinkRecord('not a map'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TransformStageError);
      const stage = error as TransformStageError;
      expect([stage.stage, stage.alias, stage.className, stage.javaClass]).toEqual([
        'TRANSFORMATION',
        'k',
        `${T}ValueToKey`,
        'org.apache.kafka.connect.errors.DataException',
      ]);
    }
  });

  it('fails to build on a bad config the way the worker fails the task', () => {
    expect(() =>
      buildTransformChain({ transforms: 'i', 'transforms.i.type': `${T}InsertField$Value` }),
    ).toThrow('org.apache.kafka.common.config.ConfigException: No field insertion configured');
  });
});

describe('validateTransformConfig', () => {
  it('reports per key what Apache’s validate reports', () => {
    const result = validateTransformConfig({
      transforms: 'a,b,c,a',
      'transforms.a.type': 'com.example.Nope',
      'transforms.b.type': `${T}Cast$Value`,
      'transforms.c.type': `${T}Filter`,
      'transforms.c.negate': 'true',
      predicates: 'p',
    });
    expect(result.errors.transforms).toEqual([
      'Invalid value [a, b, c, a] for configuration transforms: Duplicate alias provided.',
    ]);
    expect(result.errors['transforms.a.type']).toEqual([
      'Invalid value com.example.Nope for configuration transforms.a.type: Class com.example.Nope could not be found.',
    ]);
    // Apache runs the validator on the missing (null) value too
    expect(result.errors['transforms.b.spec']).toEqual([
      'Missing required configuration "transforms.b.spec" which has no default value.',
      'Must specify at least one field to cast.',
    ]);
    expect(result.errors['transforms.c.type']).toEqual([
      "Config 'transforms.c.negate' was provided but there is no config 'transforms.c.predicate' defining a predicate to be negated.",
    ]);
    expect(result.errors['predicates.p.type']).toEqual([
      'Missing required configuration "predicates.p.type" which has no default value.',
    ]);
    expect(result.errorCount).toBe(6);
    expect(result.keys.find((key) => key.name === 'transforms.b.spec')?.group).toBe('Transforms: b');
  });

  it('checks values with the plugin’s own validators, which name the key without its prefix', () => {
    const result = validateTransformConfig({
      transforms: 't',
      'transforms.t.type': `${T}TimestampConverter$Value`,
      'transforms.t.target.type': 'timestamp',
    });
    expect(result.errors['transforms.t.target.type']).toEqual([
      'Invalid value timestamp for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp',
    ]);
  });
});

describe('SimpleDateFormat (UTC)', () => {
  it('formats and parses the common pattern letters', () => {
    const date = new Date(Date.UTC(2024, 1, 29, 13, 5, 9, 7));
    expect(new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSX").format(date)).toBe('2024-02-29T13:05:09.007Z');
    expect(new SimpleDateFormat('EEE, d MMM yy hh:mm a').format(date)).toBe('Thu, 29 Feb 24 01:05 PM');
    expect(new SimpleDateFormat('yyyy-MM-dd HH:mm:ss').parse('2024-02-29 13:05:09').getTime()).toBe(
      Date.UTC(2024, 1, 29, 13, 5, 9),
    );
    expect(() => new SimpleDateFormat('yyyy-MM-dd').parse('yesterday')).toThrow(
      'Unparseable date: "yesterday"',
    );
  });
});

describe('transforms try', () => {
  const config = parseConnectorConfigText(
    JSON.stringify({
      name: 'c',
      config: {
        'value.converter.schemas.enable': 'false',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        transforms: 'k,x',
        'transforms.k.type': `${T}ValueToKey`,
        'transforms.k.fields': 'id',
        'transforms.x.type': `${T}ExtractField$Key`,
        'transforms.x.field': 'id',
      },
    }),
  );

  it('reads JSON payloads raw so number lexemes survive, and writes records in the same form', () => {
    const lines: string[] = [];
    const outcome = tryTransforms(
      config,
      ['{"topic":"t","key":null,"value":{"id":"a","n":10.0,"m":10}}', ''],
      (line) => lines.push(line),
    );
    expect(outcome).toEqual({ records: 1, written: 1, dropped: 0, failed: 0 });
    expect(lines).toEqual(['{"topic":"t","partition":0,"key":"a","value":{"id":"a","n":10.0,"m":10}}']);
  });

  it('prints a failed record as an error line naming stage, class and message', () => {
    const lines: string[] = [];
    const outcome = tryTransforms(config, ['{"topic":"t","key":null,"value":"text"}'], (line) =>
      lines.push(line),
    );
    expect(outcome.failed).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      error: {
        stage: 'TRANSFORMATION',
        class: `${T}ValueToKey`,
        exception: 'org.apache.kafka.connect.errors.DataException',
      },
    });
  });

  it('refuses an invalid transform config up front', () => {
    expect(() =>
      tryTransforms({ transforms: 'c', 'transforms.c.type': `${T}Cast$Value` }, [], () => {}),
    ).toThrow(/transforms\.c\.spec/);
  });

  it('warns about converter settings a worker would ignore', () => {
    expect(converterWarnings({ 'value.converter.schemas.enable': 'false' })[0]).toMatch(
      /value.converter.schemas.enable is set but value.converter is not/,
    );
    expect(
      converterWarnings({
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
      }),
    ).toEqual([]);
  });

  it('accepts properties files and header maps', () => {
    const props = parseConnectorConfigText('# comment\ntransforms=a\ntransforms.a.type = x\n');
    expect(props).toEqual({ transforms: 'a', 'transforms.a.type': 'x' });
    const record = parseInputLine(
      '{"topic":"t","value":"s","headers":{"h":42}}',
      { 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' },
      1,
    );
    expect(record.value).toBe('s');
    expect(record.headers).toEqual([{ key: 'h', value: '42' }]);
  });
});
