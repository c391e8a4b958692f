import { describe, expect, it } from 'vitest';
import { QueryError } from '../errors.ts';
import { executeQuery, matches, parseCondition, parseQuery } from './index.ts';

const families = [
  {
    id: 'a',
    city: 'Seattle',
    age: 30,
    tags: ['x', 'y'],
    kids: [
      { name: 'k1', grade: 5 },
      { name: 'k2', grade: 8 },
    ],
    address: { zip: '98101' },
  },
  { id: 'b', city: 'Boston', age: 25, tags: ['y'], kids: [], address: { zip: '02101' } },
  { id: 'c', city: 'Seattle', age: 41, tags: [], kids: [{ name: 'k3', grade: 1 }] },
  { id: 'd', city: null, age: '41', nickname: 'Dee' },
];

function run(text: string, parameters: Record<string, unknown> = {}): unknown[] {
  const params = new Map(Object.entries(parameters).map(([k, v]) => [k.startsWith('@') ? k : `@${k}`, v]));
  return executeQuery(parseQuery(text), families, params);
}

describe('Cosmos SQL', () => {
  it('selects whole documents, projections and VALUE', () => {
    expect(run('SELECT * FROM c')).toHaveLength(4);
    expect(run('SELECT c.id, c.address.zip FROM c WHERE c.id = "a"')).toEqual([{ id: 'a', zip: '98101' }]);
    expect(run('SELECT VALUE c.id FROM root c')).toEqual(['a', 'b', 'c', 'd']);
    expect(run("SELECT c.id AS name, UPPER(c.city) FROM Families c WHERE c.id = 'a'")).toEqual([
      { name: 'a', $1: 'SEATTLE' },
    ]);
    expect(run('SELECT VALUE {"id": c.id, n: c.nickname} FROM c WHERE c.id IN ("c", "d")')).toEqual([
      { id: 'c' },
      { id: 'd', n: 'Dee' },
    ]);
  });

  it('filters with undefined-aware comparison and logic', () => {
    expect(run('SELECT VALUE c.id FROM c WHERE c.age > 26')).toEqual(['a', 'c']); // '41' is a string: not compared
    expect(run('SELECT VALUE c.id FROM c WHERE NOT (c.age > 26)')).toEqual(['b']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.city = null')).toEqual(['d']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.age BETWEEN 25 AND 30')).toEqual(['a', 'b']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.city LIKE "S%t_le" OR c.nickname LIKE "%e"')).toEqual([
      'a',
      'c',
      'd',
    ]);
    expect(
      run('SELECT VALUE c.id FROM c WHERE IS_DEFINED(c.nickname) = false AND ARRAY_LENGTH(c.tags) > 0'),
    ).toEqual(['a', 'b']);
    expect(
      run('SELECT VALUE c.id FROM c WHERE c.age = @age AND c.city != @city', { age: 41, city: 'Boston' }),
    ).toEqual(['c']);
    expect(run('SELECT VALUE c.nickname ?? c.id FROM c')).toEqual(['a', 'b', 'c', 'Dee']);
    expect(run('SELECT VALUE (c.age > 26 ? "old" : "young") FROM c WHERE c.id IN ("a", "b")')).toEqual([
      'old',
      'young',
    ]);
  });

  it('orders by several keys, pages with OFFSET LIMIT and TOP, and removes duplicates', () => {
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.city ASC, c.age DESC')).toEqual(['d', 'b', 'c', 'a']);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.id DESC OFFSET 1 LIMIT 2')).toEqual(['c', 'b']);
    expect(run('SELECT TOP 2 VALUE c.id FROM c')).toEqual(['a', 'b']);
    expect(run('SELECT TOP @n VALUE c.id FROM c ORDER BY c.id DESC', { n: 1 })).toEqual(['d']);
    expect(run('SELECT DISTINCT VALUE c.city FROM c')).toEqual(['Seattle', 'Boston', null]);
    expect(run('SELECT DISTINCT c.city FROM c WHERE IS_STRING(c.city)')).toEqual([
      { city: 'Seattle' },
      { city: 'Boston' },
    ]);
  });

  it('joins and iterates arrays', () => {
    expect(run('SELECT c.id, k.name FROM c JOIN k IN c.kids WHERE k.grade > 6')).toEqual([
      { id: 'a', name: 'k2' },
    ]);
    expect(run('SELECT VALUE t FROM c JOIN t IN c.tags')).toEqual(['x', 'y', 'y']);
    expect(run('SELECT VALUE k.name FROM k IN c.kids')).toEqual(['k1', 'k2', 'k3']);
    expect(
      run('SELECT VALUE c.id FROM c WHERE EXISTS(SELECT VALUE k FROM k IN c.kids WHERE k.grade = 1)'),
    ).toEqual(['c']);
    expect(
      run('SELECT c.id, ARRAY(SELECT VALUE k.grade FROM k IN c.kids) AS grades FROM c WHERE c.id = "a"'),
    ).toEqual([{ id: 'a', grades: [5, 8] }]);
  });

  it('aggregates with and without GROUP BY', () => {
    expect(run('SELECT VALUE COUNT(1) FROM c')).toEqual([4]);
    expect(
      run('SELECT COUNT(1) AS n, SUM(c.age) AS total, MAX(c.age) FROM c WHERE IS_NUMBER(c.age)'),
    ).toEqual([{ n: 3, total: 96, $1: 41 }]);
    expect(run('SELECT VALUE AVG(c.age) FROM c WHERE c.city = "Seattle"')).toEqual([35.5]);
    expect(run('SELECT VALUE COUNT(1) FROM c WHERE c.id = "nope"')).toEqual([0]);
    expect(run('SELECT c.city, COUNT(1) AS n FROM c GROUP BY c.city')).toEqual([
      { city: 'Seattle', n: 2 },
      { city: 'Boston', n: 1 },
      { city: null, n: 1 },
    ]);
  });

  it('aggregates over a field missing in some items as documented (SUM/AVG/MIN/MAX reference pages)', () => {
    const docs = [
      { id: '1', category: 'a', price: 10 },
      { id: '2', category: 'a' },
      { id: '3', category: 'b' },
      { id: '5', price: 7 },
      { id: '6', category: 'c', price: 'x' },
      { id: '7', category: 'c', price: 3 },
      { id: '8', category: 'd', price: null },
      { id: '9', category: 'e', price: true },
    ];
    const rows = executeQuery(
      parseQuery(
        'SELECT c.category, SUM(c.price) AS s, AVG(c.price) AS a, MIN(c.price) AS mn, MAX(c.price) AS mx, COUNT(c.price) AS n FROM c GROUP BY c.category',
      ),
      docs,
      new Map(),
    );
    expect(rows).toEqual([
      { category: 'a', s: 10, a: 10, mn: 10, mx: 10, n: 1 }, // undefined skipped
      { category: 'b', s: 0, n: 0 }, // nothing defined: SUM 0, COUNT 0, AVG/MIN/MAX undefined
      { s: 7, a: 7, mn: 7, mx: 7, n: 1 }, // an undefined group key is left out
      { category: 'c', mn: 3, mx: 'x', n: 2 }, // a string: SUM/AVG undefined; MAX string > number
      { category: 'd', mn: null, mx: null, n: 1 }, // null: SUM/AVG undefined; MIN/MAX null
      { category: 'e', mn: true, mx: true, n: 1 }, // a boolean: SUM/AVG undefined
    ]);
  });

  it('implements the common built-in functions', () => {
    const one = (expr: string): unknown =>
      executeQuery(parseQuery(`SELECT VALUE ${expr}`), null, new Map())[0];
    expect(one('CONCAT("a", "b", "c")')).toBe('abc');
    expect(one('CONTAINS("Hello", "ell")')).toBe(true);
    expect(one('STARTSWITH("Hello", "he", true)')).toBe(true);
    expect(one('SUBSTRING("Hello", 1, 3)')).toBe('ell');
    expect(one('INDEX_OF("Hello", "l")')).toBe(2);
    expect(one('REPLACE("a-b-c", "-", "+")')).toBe('a+b+c');
    expect(one('TOSTRING(12)')).toBe('12');
    expect(one('ROUND(2.5) + FLOOR(1.7) + ABS(-2) + POWER(2, 3)')).toBe(14);
    expect(one('ARRAY_CONTAINS([{"a": 1, "b": 2}], {"a": 1}, true)')).toBe(true);
    expect(one('ARRAY_SLICE([1, 2, 3, 4], 1, 2)')).toEqual([2, 3]);
    expect(one('IS_NUMBER("1")')).toBe(false);
    expect(one('DateTimeAdd("dd", 1, "2026-01-31T00:00:00.0000000Z")')).toBe('2026-02-01T00:00:00.0000000Z');
    expect(one('DateTimePart("month", "2026-03-04T05:06:07.0000000Z")')).toBe(3);
    expect(one('DateTimeDiff("hh", "2026-01-01T00:00:00Z", "2026-01-02T01:00:00Z")')).toBe(25);
    expect(one('DateTimeToTimestamp("1970-01-01T00:00:01.0000000Z")')).toBe(1000);
    expect(one('TimestampToDateTime(0)')).toBe('1970-01-01T00:00:00.0000000Z');
    expect(one('IS_STRING(GetCurrentDateTime())')).toBe(true);
    expect(one('1 = "1"')).toBeUndefined();
  });

  it('reports syntax errors with their position', () => {
    try {
      parseQuery('SELECT * FORM c');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(QueryError);
      const queryError = error as QueryError;
      expect(queryError.status).toBe(400);
      expect(queryError.start).toBe(9);
      expect(queryError.message).toContain("'FORM'");
    }
    expect(() => run('SELECT VALUE x.id FROM c')).toThrow(/Identifier 'x' could not be resolved/);
    expect(() => run('SELECT VALUE NOPE(c.id) FROM c')).toThrow(/not a recognized built-in function/);
  });

  it('evaluates patch conditions', () => {
    const condition = parseCondition('FROM c WHERE c.age >= 30');
    expect(matches(condition, families[0])).toBe(true);
    expect(matches(condition, families[1])).toBe(false);
  });
});
