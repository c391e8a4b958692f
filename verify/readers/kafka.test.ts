import { describe, expect, it } from 'vitest';
import { decodeJson } from './kafka.ts';

describe('decodeJson', () => {
  it('returns a plain id (a key that is not JSON) as its text', () => {
    expect(decodeJson(Buffer.from('u-000042'))).toBe('u-000042');
    expect(decodeJson(Buffer.from('true-ish'))).toBe('true-ish'); // starts like JSON, is not
    expect(decodeJson(Buffer.from(''))).toBe('');
  });

  it('parses JSON of every kind, with leading whitespace', () => {
    expect(decodeJson(Buffer.from('"u-1"'))).toBe('u-1');
    expect(decodeJson(Buffer.from(' {"id":"p-1","n":2}'))).toEqual({ id: 'p-1', n: 2 });
    expect(decodeJson(Buffer.from('[1,2]'))).toEqual([1, 2]);
    expect(decodeJson(Buffer.from('-12'))).toBe(-12);
    expect(decodeJson(Buffer.from('null'))).toBeNull();
    expect(decodeJson(Buffer.from('false'))).toBe(false);
  });

  it("unwraps JsonConverter's {schema, payload}", () => {
    const value = { schema: { type: 'struct', name: 'retail.User' }, payload: { id: 'u-1' } };
    expect(decodeJson(Buffer.from(JSON.stringify(value)))).toEqual({ id: 'u-1' });
  });

  it('is null for a tombstone', () => {
    expect(decodeJson(null)).toBeNull();
  });
});
