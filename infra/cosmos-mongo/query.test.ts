import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { runPipeline } from './aggregate.ts';
import { itemId, toItem } from './documents.ts';
import { matchesFilter, project, sortDocuments } from './query.ts';
import { applyUpdate, upsertDocument } from './update.ts';

describe("MongoDB's query language on documents", () => {
  const doc = { _id: 1, a: [1, 5], b: { c: [{ d: 2 }, { d: 7 }] }, n: null, s: 'Hello' };

  it('matches through arrays, treats null as missing, and compares only within a type bracket', () => {
    expect(matchesFilter(doc, { a: 5 })).toBe(true);
    expect(matchesFilter(doc, { a: [1, 5] })).toBe(true);
    expect(matchesFilter(doc, { 'b.c.d': 7 })).toBe(true);
    expect(matchesFilter(doc, { 'b.c.d': { $gt: 6, $lt: 8 } })).toBe(true);
    expect(matchesFilter(doc, { n: null, missing: null })).toBe(true);
    expect(matchesFilter(doc, { missing: { $exists: true } })).toBe(false);
    expect(matchesFilter(doc, { s: { $gt: 1 } })).toBe(false); // a string is never $gt a number
    expect(matchesFilter(doc, { s: /^hel/i })).toBe(true);
    expect(matchesFilter(doc, { a: { $elemMatch: { $gt: 4 } }, $nor: [{ s: 'x' }] })).toBe(true);
    expect(() => matchesFilter(doc, { a: { $nope: 1 } })).toThrow(/unknown operator: \$nope/);
  });

  it('projects, sorts across types and by array extremes', () => {
    expect(project(doc, { 'b.c.d': 1, _id: 0 })).toEqual({ b: { c: [{ d: 2 }, { d: 7 }] } });
    expect(project(doc, { a: 0, b: 0, n: 0 })).toEqual({ _id: 1, s: 'Hello' });
    const sorted = sortDocuments([{ v: 'x' }, { v: 2 }, {}, { v: [9, 0] }, { v: new ObjectId() }], { v: 1 });
    expect(sorted.map((d) => d.v)).toEqual([undefined, [9, 0], 2, 'x', sorted[4]!.v]);
  });

  it('applies update operators without touching _id, and builds upserts from equality filters', () => {
    expect(
      applyUpdate(
        { _id: 1, n: 1, arr: [1] },
        { $inc: { n: 2 }, $push: { arr: { $each: [2, 3] } }, $unset: { x: '' } },
        false,
      ),
    ).toEqual({
      _id: 1,
      n: 3,
      arr: [1, 2, 3],
    });
    expect(() => applyUpdate({ _id: 1 }, { $set: { _id: 2 } }, false)).toThrow(/immutable field '_id'/);
    expect(() => applyUpdate({ _id: 1, s: 'a' }, { $inc: { s: 1 } }, false)).toThrow(/non-numeric/);
    const id = new ObjectId();
    expect(
      upsertDocument({ k: 'a', n: { $gt: 1 } }, { $set: { v: 1 }, $setOnInsert: { created: true } }, id),
    ).toEqual({
      _id: id,
      k: 'a',
      v: 1,
      created: true,
    });
  });

  it('groups in a pipeline', () => {
    const rows = [
      { g: 'a', v: 1 },
      { g: 'b', v: 2 },
      { g: 'a', v: 3 },
    ];
    expect(
      runPipeline(rows, [
        { $group: { _id: '$g', total: { $sum: '$v' }, top: { $max: '$v' } } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 'a', total: 4, top: 3 },
      { _id: 'b', total: 2, top: 2 },
    ]);
  });

  it('maps _id to a Cosmos item id the store accepts', () => {
    const oid = new ObjectId();
    expect(itemId(oid)).toBe(oid.toHexString());
    expect(itemId('plain')).toBe('plain');
    expect(itemId('a/b')).not.toMatch(/[/\\?#]/);
    expect(itemId(42)).toBe(itemId(42));
    expect(toItem({ _id: 'x', id: 'own', when: new Date(0) })).toEqual({
      id: 'x',
      _id: 'x',
      __id: 'own',
      when: { $date: '1970-01-01T00:00:00Z' },
    });
  });
});
