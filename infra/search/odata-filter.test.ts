import { describe, expect, it } from 'vitest';
import { evaluateFilter, parseFilter } from './odata-filter.ts';
import { parseOrderBy, orderComparator } from './odata-orderby.ts';
import { normalizeIndex, resolveFields } from './schema.ts';
import type { Document } from './documents.ts';

const index = normalizeIndex({
  name: 'unit',
  fields: [
    { name: 'id', type: 'Edm.String', key: true },
    { name: 'n', type: 'Edm.Int32' },
    { name: 'd', type: 'Edm.Double' },
    { name: 's', type: 'Edm.String' },
    { name: 'b', type: 'Edm.Boolean' },
    { name: 't', type: 'Edm.DateTimeOffset' },
    { name: 'p', type: 'Edm.GeographyPoint' },
    { name: 'tags', type: 'Collection(Edm.String)' },
    {
      name: 'rooms',
      type: 'Collection(Edm.ComplexType)',
      fields: [
        { name: 'price', type: 'Edm.Double' },
        { name: 'kind', type: 'Edm.String' },
      ],
    },
    { name: 'hidden', type: 'Edm.String', filterable: false },
  ],
});
const fields = resolveFields(index);
const doc: Document = {
  id: '1',
  n: 5,
  d: 2.5,
  s: "O'Neil",
  b: true,
  t: '2024-05-01T10:00:00Z',
  p: { type: 'Point', coordinates: [13.405, 52.52] },
  tags: ['a', 'b'],
  rooms: [
    { price: 80, kind: 'single' },
    { price: 150, kind: 'suite' },
  ],
};
const test = (filter: string, document: Document = doc): boolean =>
  evaluateFilter(parseFilter(filter, { fields, attribute: 'filterable' }), document, {
    key: String(document.id),
    bindings: new Map(),
    fields,
    matches: () => new Set([String(document.id)]),
  });

describe('OData $filter', () => {
  it.each([
    ['n eq 5', true],
    ['n ne 5', false],
    ['n gt 4 and n lt 6', true],
    ['n ge 6 or d le 2.5', true],
    ['not (n eq 5)', false],
    ['not n eq 5 or b', true],
    ["s eq 'O''Neil'", true],
    ['b', true],
    ['b eq false', false],
    ['t gt 2024-01-01T00:00:00Z and t lt 2024-05-01T10:00:00.001Z', true],
    ['t eq 2024-05-01T12:00:00+02:00', true],
    ["search.in(s, 'x|O''Neil', '|')", true],
    ["search.in(id, '2, 3')", false],
    ["tags/any(x: x eq 'b')", true],
    ["tags/all(x: x eq 'b')", false],
    ['tags/any()', true],
    ["rooms/any(r: r/price gt 100 and r/kind eq 'suite')", true],
    ['rooms/all(r: r/price lt 100)', false],
    ["geo.distance(p, geography'POINT(13.3777 52.5163)') lt 3", true],
    ["geo.distance(p, geography'POINT(2.35 48.85)') le 100", false],
    ["geo.intersects(p, geography'POLYGON((13 52, 14 52, 14 53, 13 53, 13 52))')", true],
    ["geo.intersects(p, geography'POLYGON((2 48, 3 48, 3 49, 2 49, 2 48))')", false],
    ["search.ismatch('anything')", true],
    ['d eq null', false],
  ])('%s → %s', (filter, expected) => {
    expect(test(filter)).toBe(expected);
  });

  it('treats missing values as null', () => {
    expect(test('d eq null', { id: '2' })).toBe(true);
    expect(test('d gt 1', { id: '2' })).toBe(false);
    expect(test('tags/any()', { id: '2' })).toBe(false);
  });

  it.each([
    ["nope eq 'x'", /Could not find a property named 'nope'/],
    ["hidden eq 'x'", /not filterable/],
    ['n eq', /Invalid expression/],
    ["n eq 'unterminated", /unterminated/],
    ["geo.intersects(p, geography'POLYGON((1 1))')", /geo.intersects|geography/],
    ['n/any(x: x eq 1)', /not a collection/],
    ['(n eq 5', /expected '\)'/],
  ])('rejects %s', (filter, message) => {
    expect(() => parseFilter(filter, { fields, attribute: 'filterable' })).toThrow(message);
  });
});

describe('OData $orderby', () => {
  it('sorts by several clauses with nulls first ascending', () => {
    const docs: Record<string, Document> = {
      a: { id: 'a', n: 2, d: 1 },
      b: { id: 'b', n: 1 },
      c: { id: 'c', n: 2, d: 0 },
    };
    const compare = orderComparator(
      parseOrderBy('n desc, d asc', fields),
      (key) => ({ key, bindings: new Map(), fields, matches: () => new Set() }),
      (key) => docs[key]!,
    );
    expect(['a', 'b', 'c'].sort(compare)).toEqual(['c', 'a', 'b']);
  });

  it('rejects non-sortable (collection) and unknown fields', () => {
    expect(() => parseOrderBy('tags', fields)).toThrow(/not sortable/);
    expect(() => parseOrderBy('nope desc', fields)).toThrow(/nope/);
    expect(() => parseOrderBy("'x'", fields)).toThrow(/expected a field/);
  });
});
