import { describe, expect, it } from 'vitest';
import { formatJavaDecimal, formatJavaDouble, formatJavaFloat, parseJavaDecimal } from './java-format.ts';
import { javaToString } from './java-values.ts';
import { JsonDouble, parseJson, parseObjectMembers, rawMembers } from './json.ts';
import { decodeDecimalBytes, encodeDecimalBytes } from './logical.ts';
import { decimalSchema, structSchema, schemas } from './builders.ts';
import { Struct } from './schema.ts';
import { convertToString, parseString } from './values.ts';

describe('JSON with Java number types', () => {
  it('keeps integers as bigint and fraction/exponent numbers as doubles with their lexeme', () => {
    const node = parseJson('{"a":10,"b":10.0,"c":1e20,"d":123456789012345678901}') as Map<string, unknown>;
    expect(node.get('a')).toBe(10n);
    expect(node.get('b')).toEqual(new JsonDouble(10, '10.0'));
    expect((node.get('c') as JsonDouble).value).toBe(1e20);
    expect(node.get('d')).toBe(123456789012345678901n);
  });

  it('rejects what Jackson rejects', () => {
    for (const bad of ['01', '1.', '[1,]', '{"a" 1}', '{"a":1', 'nul'])
      expect(() => parseJson(bad)).toThrow();
  });

  it('gives member source text for embedded payloads', () => {
    expect(rawMembers('{"topic":"t","value": {"x": 1.50}}').get('value')).toBe('{"x": 1.50}');
    const envelope = parseObjectMembers('{"schema":{"type":"int32"},"payload":5}', new Set(['schema']))!;
    expect(envelope.texts.get('schema')).toBe('{"type":"int32"}');
    expect(envelope.values.get('payload')).toBe(5n);
  });
});

describe('Java number text', () => {
  it('prints doubles as Double.toString does', () => {
    const cases: Array<[number, string]> = [
      [100, '100.0'],
      [1e20, '1.0E20'],
      [1e-5, '1.0E-5'],
      [0.001, '0.001'],
      [1234567, '1234567.0'],
      [12345678, '1.2345678E7'],
      [-0, '-0.0'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [value, text] of cases) expect(formatJavaDouble(value)).toBe(text);
  });

  it('prints floats with the shortest float32 digits', () => {
    expect(formatJavaFloat(Math.fround(0.1))).toBe('0.1');
    expect(formatJavaFloat(Math.fround(3.4028235e38))).toBe('3.4028235E38');
  });

  it('prints and parses BigDecimal text', () => {
    expect(formatJavaDecimal({ unscaled: 12345n, scale: 2 })).toBe('123.45');
    expect(formatJavaDecimal({ unscaled: -5n, scale: 3 })).toBe('-0.005');
    expect(formatJavaDecimal({ unscaled: 1n, scale: -3 })).toBe('1E+3');
    expect(parseJavaDecimal('12.30')).toEqual({ unscaled: 1230n, scale: 2 });
  });

  it('encodes decimals as big-endian two’s complement', () => {
    const schema = decimalSchema(2);
    expect([...encodeDecimalBytes(schema, { unscaled: 12345n, scale: 2 })]).toEqual([0x30, 0x39]);
    expect([...encodeDecimalBytes(schema, { unscaled: -1n, scale: 2 })]).toEqual([0xff]);
    expect([...encodeDecimalBytes(schema, { unscaled: 128n, scale: 2 })]).toEqual([0x00, 0x80]);
    expect(decodeDecimalBytes(schema, new Uint8Array([0xff, 0x7f]))).toEqual({ unscaled: -129n, scale: 2 });
  });
});

describe('Java toString and Values', () => {
  it('prints maps, lists and structs as Java does', () => {
    const struct = new Struct(
      structSchema([
        ['a', schemas.INT32],
        ['b', schemas.OPTIONAL_STRING],
      ]),
    ).put('a', 1);
    expect(
      javaToString(
        new Map<string, unknown>([
          ['x', 1n],
          ['y', [1.5, 'z']],
        ]),
      ),
    ).toBe('{x=1, y=[1.5, z]}');
    expect(javaToString(struct)).toBe('Struct{a=1}');
  });

  it('infers the smallest type from header text', () => {
    expect(parseString('42')).toMatchObject({ schema: { type: 'int8' }, value: 42 });
    expect(parseString('70000')).toMatchObject({ schema: { type: 'int32' }, value: 70000 });
    expect(parseString('99999999999')).toMatchObject({ schema: { type: 'int64' }, value: 99999999999n });
    expect(parseString('1.5')).toMatchObject({ schema: { type: 'float32' } });
    expect(parseString('true')).toMatchObject({ schema: { type: 'boolean' }, value: true });
    expect(parseString('2024-01-31').value).toEqual(new Date(Date.UTC(2024, 0, 31)));
    expect(parseString('not [a list')).toMatchObject({ schema: { type: 'string' }, value: 'not [a list' });
  });

  it('writes values back as SimpleHeaderConverter does', () => {
    expect(
      convertToString(
        null,
        new Map<string, unknown>([
          ['k', 'v'],
          ['n', 1n],
        ]),
      ),
    ).toBe('{"k":"v","n":1}');
    expect(convertToString(schemas.FLOAT64, 2)).toBe('2.0');
    expect(convertToString(null, new Date(Date.UTC(2024, 0, 31, 10)))).toBe('2024-01-31T10:00:00.000Z');
  });
});
