import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './lucene-query.ts';

describe('search query syntax', () => {
  it('reads simple syntax with Lucene clause semantics', () => {
    expect(parseSearchQuery('*', 'simple', 'any')).toEqual({ kind: 'all' });
    expect(parseSearchQuery('Wifi', 'simple', 'any')).toEqual({ kind: 'term', term: 'wifi' });
    expect(parseSearchQuery('a b', 'simple', 'all')).toMatchObject({
      kind: 'bool',
      clauses: [{ occur: 'must' }, { occur: 'must' }],
    });
    expect(parseSearchQuery('a | b', 'simple', 'all')).toMatchObject({
      clauses: [{ occur: 'should' }, { occur: 'should' }],
    });
    expect(parseSearchQuery('"Quick Fox" lux*', 'simple', 'any')).toMatchObject({
      clauses: [
        { occur: 'should', node: { kind: 'phrase', terms: ['quick', 'fox'] } },
        { occur: 'should', node: { kind: 'term', term: 'lux', prefix: true } },
      ],
    });
    // simple syntax: "-x" is "everything but x", kept as a should clause under searchMode=any
    expect(parseSearchQuery('a -b', 'simple', 'any')).toMatchObject({
      clauses: [
        { occur: 'should' },
        {
          occur: 'should',
          node: { kind: 'bool', clauses: [{ occur: 'must', node: { kind: 'all' } }, { occur: 'mustNot' }] },
        },
      ],
    });
    expect(parseSearchQuery('name:x', 'simple', 'any')).toMatchObject({ kind: 'bool' }); // no fields in simple syntax
  });

  it('reads full syntax: operators, fields, fuzzy, boosts, wildcards', () => {
    expect(parseSearchQuery('a AND b', 'full', 'any')).toMatchObject({
      clauses: [{ occur: 'must' }, { occur: 'must' }],
    });
    expect(parseSearchQuery('a OR b NOT c', 'full', 'any')).toMatchObject({
      clauses: [{ occur: 'should' }, { occur: 'should' }, { occur: 'mustNot' }],
    });
    expect(parseSearchQuery('+a -b', 'full', 'any')).toMatchObject({
      clauses: [{ occur: 'must' }, { occur: 'mustNot' }],
    });
    expect(parseSearchQuery('name:smith~', 'full', 'any')).toEqual({
      kind: 'term',
      term: 'smith',
      fields: ['name'],
      fuzzy: 2,
    });
    expect(parseSearchQuery('smith~1^3', 'full', 'any')).toEqual({
      kind: 'term',
      term: 'smith',
      fuzzy: 1,
      boost: 3,
    });
    expect(parseSearchQuery('address/city:(berlin OR paris)', 'full', 'any')).toMatchObject({
      kind: 'bool',
      clauses: [{ node: { fields: ['address/city'] } }, { node: { fields: ['address/city'] } }],
    });
    const wildcard = parseSearchQuery('te?t*', 'full', 'any') as { wildcard: RegExp; term: string };
    expect(wildcard.term).toBe('te');
    expect(wildcard.wildcard.test('tests')).toBe(true);
    expect(wildcard.wildcard.test('toast')).toBe(false);
  });

  it('rejects what it cannot emulate and broken syntax with a 400', () => {
    expect(() => parseSearchQuery('/ab+c/', 'full', 'any')).toThrow(/not supported/);
    expect(() => parseSearchQuery('[a TO b]', 'full', 'any')).toThrow(/not supported/);
    expect(() => parseSearchQuery('"open', 'simple', 'any')).toThrow(/unterminated/);
    expect(() => parseSearchQuery('(a b', 'full', 'any')).toThrow(/missing '\)'/);
  });
});
