import { describe, expect, it } from 'vitest';
import { Struct, type Schema } from './schema.ts';
import { connectToJson, isConnectObject, jsonToConnect } from './connect-json.ts';

const int64: Schema = { type: 'int64', optional: false };
const text: Schema = { type: 'string', optional: true };

describe('connectToJson', () => {
  it('turns schemaless Connect data (Maps, bigints) into plain JSON', () => {
    const value = new Map<string, unknown>([
      ['id', 'u1'],
      ['age', 42n],
      ['tags', ['a', new Map([['n', 1n]])]],
      ['price', 12.5],
      ['nothing', null],
    ]);
    expect(connectToJson(value)).toEqual({
      id: 'u1',
      age: 42,
      tags: ['a', { n: 1 }],
      price: 12.5,
      nothing: null,
    });
  });

  it('keeps integers beyond 2^53 exact as strings', () => {
    expect(connectToJson(9007199254740993n)).toBe('9007199254740993');
    expect(connectToJson(-9007199254740991n)).toBe(-9007199254740991);
  });

  it('writes structs field by field, with defaults for nulls as Struct.get does', () => {
    const schema: Schema = {
      type: 'struct',
      optional: false,
      fields: [
        { name: 'id', index: 0, schema: int64 },
        { name: 'note', index: 1, schema: { ...text, defaultValue: 'none' } },
      ],
    };
    const struct = new Struct(schema).put('id', 7n);
    expect(connectToJson(struct)).toEqual({ id: 7, note: 'none' });
  });

  it('writes dates as ISO-8601, bytes as base64, decimals as numbers when exact', () => {
    expect(connectToJson(new Date('2026-11-21T18:00:00.000Z'))).toBe('2026-11-21T18:00:00.000Z');
    expect(connectToJson(Buffer.from('hi'))).toBe('aGk=');
    expect(connectToJson({ unscaled: 1250n, scale: 2 })).toBe(12.5);
    expect(connectToJson({ unscaled: 123456789012345678901234567890n, scale: 2 })).toBe(
      '1234567890123456789012345678.90',
    );
  });

  it('writes NaN and infinities as null and refuses functions', () => {
    expect(connectToJson(Number.NaN)).toBeNull();
    expect(() => connectToJson(() => 1)).toThrow(TypeError);
  });
});

describe('jsonToConnect', () => {
  it('reads JSON as JsonConverter does without schemas: Maps and int64 bigints', () => {
    const value = jsonToConnect({ id: 'p1', stock: 3, price: 9.99, nested: { a: [1] } }) as Map<
      string,
      unknown
    >;
    expect(value).toBeInstanceOf(Map);
    expect(value.get('stock')).toBe(3n);
    expect(value.get('price')).toBe(9.99);
    expect((value.get('nested') as Map<string, unknown>).get('a')).toEqual([1n]);
    expect(connectToJson(value)).toEqual({ id: 'p1', stock: 3, price: 9.99, nested: { a: [1] } });
  });
});

describe('isConnectObject', () => {
  it('accepts Maps, Structs and plain objects only', () => {
    expect(isConnectObject(new Map())).toBe(true);
    expect(isConnectObject({ a: 1 })).toBe(true);
    expect(isConnectObject('x')).toBe(false);
    expect(isConnectObject([1])).toBe(false);
    expect(isConnectObject(Buffer.from('x'))).toBe(false);
  });
});
