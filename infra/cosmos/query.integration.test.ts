import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, ErrorResponse, SqlParameter } from '@azure/cosmos';
import { startTestEmulator, type TestEmulator } from './test-support.ts';

let test: TestEmulator;
let container: Container;

const people = [
  {
    id: '1',
    pk: 'a',
    name: 'Ann',
    city: 'Oslo',
    age: 31,
    tags: ['x'],
    joined: '2024-01-05T10:00:00.0000000Z',
  },
  {
    id: '2',
    pk: 'a',
    name: 'Bob',
    city: 'Rome',
    age: 25,
    tags: ['x', 'y'],
    joined: '2025-03-01T00:00:00.0000000Z',
  },
  { id: '3', pk: 'b', name: 'Cid', city: 'Oslo', age: 47, tags: [], joined: '2023-07-19T08:30:00.0000000Z' },
  {
    id: '4',
    pk: 'b',
    name: 'Dee',
    city: 'Lima',
    age: 25,
    tags: ['z'],
    joined: '2025-11-11T11:11:11.0000000Z',
  },
  {
    id: '5',
    pk: 'c',
    name: 'Eve',
    city: 'Rome',
    age: 38,
    tags: ['y'],
    joined: '2022-02-02T02:02:02.0000000Z',
  },
];

beforeAll(async () => {
  test = await startTestEmulator();
  container = await test.container();
  for (const person of people) await container.items.create(person);
});
afterAll(async () => test?.close());

async function all<T = unknown>(query: string, parameters: SqlParameter[] = [], options = {}): Promise<T[]> {
  const { resources } = await container.items.query<T>({ query, parameters }, options).fetchAll();
  return resources;
}

describe('Cosmos emulator: SQL queries through @azure/cosmos', () => {
  it('filters with parameters, LIKE, IN, BETWEEN and built-in functions', async () => {
    expect(await all('SELECT VALUE c.name FROM c WHERE c.age > @age', [{ name: '@age', value: 30 }])).toEqual(
      ['Ann', 'Cid', 'Eve'],
    );
    expect(await all("SELECT VALUE c.name FROM c WHERE c.name LIKE '_e%'")).toEqual(['Dee']);
    expect(
      await all("SELECT VALUE c.id FROM c WHERE c.city IN ('Lima', 'Rome') AND c.age BETWEEN 20 AND 30"),
    ).toEqual(['2', '4']);
    expect(
      await all(
        "SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(c.tags, 'y') AND STARTSWITH(LOWER(c.name), 'e')",
      ),
    ).toEqual(['5']);
    expect(await all("SELECT VALUE c.id FROM c WHERE DateTimePart('yyyy', c.joined) = 2025")).toEqual([
      '2',
      '4',
    ]);
  });

  it('orders by several keys, removes duplicates and pages with OFFSET LIMIT and TOP', async () => {
    expect(await all('SELECT VALUE c.name FROM c ORDER BY c.age ASC, c.name DESC')).toEqual([
      'Dee',
      'Bob',
      'Ann',
      'Eve',
      'Cid',
    ]);
    expect(await all('SELECT DISTINCT VALUE c.city FROM c ORDER BY c.city')).toEqual([
      'Lima',
      'Oslo',
      'Rome',
    ]);
    expect(await all('SELECT c.name FROM c ORDER BY c.id OFFSET 1 LIMIT 2')).toEqual([
      { name: 'Bob' },
      { name: 'Cid' },
    ]);
    expect(await all('SELECT TOP 2 VALUE c.id FROM c ORDER BY c.age DESC')).toEqual(['3', '5']);
  });

  it('groups and aggregates server-side', async () => {
    expect(await all('SELECT VALUE COUNT(1) FROM c')).toEqual([5]);
    expect(await all('SELECT VALUE AVG(c.age) FROM c WHERE c.city = "Oslo"')).toEqual([39]);
    expect(
      await all('SELECT MIN(c.age) AS youngest, MAX(c.age) AS oldest, SUM(c.age) AS total FROM c'),
    ).toEqual([{ youngest: 25, oldest: 47, total: 166 }]);
    const byCity = await all<{ city: string; n: number }>(
      'SELECT c.city, COUNT(1) AS n FROM c GROUP BY c.city',
    );
    expect(byCity.sort((a, b) => a.city.localeCompare(b.city))).toEqual([
      { city: 'Lima', n: 1 },
      { city: 'Oslo', n: 2 },
      { city: 'Rome', n: 2 },
    ]);
  });

  it('joins arrays and runs subqueries', async () => {
    const rows = await all<{ id: string; tag: string }>(
      'SELECT c.id, t AS tag FROM c JOIN t IN c.tags WHERE t != "z"',
    );
    expect(rows).toEqual([
      { id: '1', tag: 'x' },
      { id: '2', tag: 'x' },
      { id: '2', tag: 'y' },
      { id: '5', tag: 'y' },
    ]);
    expect(
      await all('SELECT VALUE c.id FROM c WHERE EXISTS(SELECT VALUE t FROM t IN c.tags WHERE t = "x")'),
    ).toEqual(['1', '2']);
  });

  it('scopes a query to a partition key', async () => {
    expect(await all('SELECT VALUE c.id FROM c', [], { partitionKey: 'b' })).toEqual(['3', '4']);
  });

  it('pages with continuation tokens, and resumes from a token in a new iterator', async () => {
    const iterator = container.items.query('SELECT VALUE c.id FROM c ORDER BY c.id', { maxItemCount: 2 });
    const first = await iterator.fetchNext();
    expect(first.resources).toEqual(['1', '2']);
    expect(first.continuationToken).toBeTruthy();
    expect(first.hasMoreResults).toBe(true);
    const resumed = container.items.query('SELECT VALUE c.id FROM c ORDER BY c.id', {
      maxItemCount: 2,
      continuationToken: first.continuationToken,
    });
    expect((await resumed.fetchNext()).resources).toEqual(['3', '4']);
    const { resources } = await container.items.query('SELECT * FROM c', { maxItemCount: 2 }).fetchAll();
    expect(resources).toHaveLength(5);
    const { resources: everything } = await container.items.readAll().fetchAll();
    expect(everything.map((d) => d.id).sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('answers a syntax error with 400 and its position', async () => {
    try {
      await all('SELECT * FROM c WHERE c.age >');
      expect.unreachable();
    } catch (error) {
      const response = error as ErrorResponse;
      expect(response.code).toBe(400);
      expect(response.body?.message).toContain('"location":{"start":29');
      expect(response.body?.message).toContain('Syntax error');
    }
  });
});
