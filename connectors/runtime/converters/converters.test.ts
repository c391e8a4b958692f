import { describe, expect, it } from 'vitest';
import { structSchema, schemas } from '../data/builders.ts';
import { Struct } from '../data/schema.ts';
import {
  ByteArrayConverter,
  JsonConverter,
  StringConverter,
  configureConverter,
  converterPlugins,
  numberConverter,
} from './index.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | null): string | null =>
  data === null ? null : new TextDecoder().decode(data);

function json(props: Record<string, string> = {}): JsonConverter {
  const converter = new JsonConverter();
  converter.configure(props, false);
  return converter;
}

describe('JsonConverter', () => {
  it('round-trips an envelope byte for byte, with Java double text', () => {
    const envelope =
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"double","optional":true,"field":"price"}],"optional":false,"name":"com.acme.X"},"payload":{"id":1,"price":100.0}}';
    const converter = json();
    const { schema, value } = converter.toConnectData('t', bytes(envelope));
    expect(text(converter.fromConnectData('t', schema, value))).toBe(envelope);
  });

  it('reads schemaless integers as int64 and writes them back unchanged', () => {
    const converter = json({ 'schemas.enable': 'false' });
    const { value } = converter.toConnectData('t', bytes('{"n":9223372036854775807,"d":1.0E20}'));
    expect((value as Map<string, unknown>).get('n')).toBe(9223372036854775807n);
    expect(text(converter.fromConnectData('t', null, value))).toBe('{"n":9223372036854775807,"d":1.0E20}');
  });

  it('rejects plain JSON when schemas are enabled, with Apache’s message', () => {
    expect(() => json().toConnectData('t', bytes('{"a":1}'))).toThrow(
      /requires "schema" and "payload" fields/,
    );
  });

  it('wraps malformed JSON like Apache', () => {
    expect(() => json({ 'schemas.enable': 'false' }).toConnectData('t', bytes('{'))).toThrow(
      'Converting byte[] to Kafka Connect data failed due to serialization error: ',
    );
  });

  it('writes decimals as base64 or numbers', () => {
    const schema = {
      type: 'bytes' as const,
      optional: false,
      name: 'org.apache.kafka.connect.data.Decimal',
      version: 1,
      parameters: { scale: '2' },
    };
    const value = { unscaled: 12345n, scale: 2 };
    expect(text(json({ 'schemas.enable': 'false' }).fromConnectData('t', schema, value))).toBe('"MDk="');
    expect(
      text(
        json({ 'schemas.enable': 'false', 'decimal.format': 'numeric' }).fromConnectData('t', schema, value),
      ),
    ).toBe('123.45');
  });

  it('refuses a null for a required schema without default', () => {
    expect(() => json().fromConnectData('t', schemas.STRING, null)).toThrow(
      'Conversion error: null value for field that is required and has no default value',
    );
  });

  it('treats null schema and value as a tombstone', () => {
    expect(json().fromConnectData('t', null, null)).toBeNull();
    expect(json().toConnectData('t', null)).toEqual({ schema: null, value: null });
  });

  it('reads its config through the typed parse: TRUE is true, a bad cache size is refused as Apache refuses it', () => {
    expect(json({ 'schemas.enable': 'FALSE' }).options.schemasEnable).toBe(false);
    expect(() => json({ 'schemas.cache.size': '1e3' })).toThrow(
      'Invalid value 1e3 for configuration schemas.cache.size: Not a number of type INT',
    );
    expect(() => json({ 'decimal.format': 'hex' })).toThrow(
      'Invalid value hex for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC',
    );
  });
});

describe('other converters', () => {
  it('StringConverter writes Java toString forms', () => {
    const converter = new StringConverter();
    converter.configure({}, false);
    const struct = new Struct(structSchema([['a', schemas.INT32]])).put('a', 1);
    expect(text(converter.fromConnectData('t', struct.schema, struct))).toBe('Struct{a=1}');
    expect(text(converter.fromConnectData('t', null, 2.5))).toBe('2.5');
    expect(converter.toConnectData('t', bytes('x'))).toEqual({ schema: schemas.OPTIONAL_STRING, value: 'x' });
  });

  it('ByteArrayConverter refuses non-bytes schemas', () => {
    expect(() => new ByteArrayConverter().fromConnectData('t', schemas.STRING, 'x')).toThrow(
      'Invalid schema type for ByteArrayConverter: STRING',
    );
  });

  it('number converters use Kafka’s fixed-width encodings', () => {
    const converter = numberConverter('Long');
    const encoded = converter.fromConnectData('t', null, 258n)!;
    expect([...encoded]).toEqual([0, 0, 0, 0, 0, 0, 1, 2]);
    expect(converter.toConnectData('t', encoded).value).toBe(258n);
  });

  it('configureConverter picks the class and prefixed props a connector config names', () => {
    const converter = configureConverter(
      {
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
      },
      false,
    ) as JsonConverter;
    expect(converter.options.schemasEnable).toBe(false);
    expect(() => configureConverter({ 'key.converter': 'com.nope.Converter' }, true)).toThrow(
      /could not|Failed to find/,
    );
  });

  it('lists Apache’s converter classes', () => {
    const names = converterPlugins.map((plugin) => `${plugin.type}:${plugin.className}`);
    expect(names).toContain('converter:org.apache.kafka.connect.json.JsonConverter');
    expect(names).toContain('header_converter:org.apache.kafka.connect.storage.SimpleHeaderConverter');
    expect(names).toContain('converter:org.apache.kafka.connect.converters.ByteArrayConverter');
  });
});
