import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Faker, base, en } from '@faker-js/faker';
import type { SearchClient, SearchOptions } from '@azure/search-documents';
import { uniqueName } from '../testing/helpers.ts';
import { clientsFor, peopleIndex, startTestEmulator } from './test-fixtures.ts';

type Person = Record<string, unknown> & { id: string };

const handmade: Person[] = [
  {
    id: 'h1',
    name: 'Wifi Hotel Luxury',
    bio: 'the quick brown fox jumps',
    age: 20,
    score: 1.5,
    active: true,
    tags: ['pool', 'wifi'],
    joined: new Date('2020-01-15T00:00:00Z'),
    location: { type: 'Point', coordinates: [13.405, 52.52] },
    address: { city: 'Berlin', zip: '10115' },
    orders: [
      { sku: 'a', total: 10 },
      { sku: 'b', total: 200 },
    ],
  },
  {
    id: 'h2',
    name: 'Budget Wifi Inn',
    bio: 'a brown quick dog',
    age: 30,
    score: 2.5,
    active: false,
    tags: ['wifi'],
    joined: new Date('2021-06-01T00:00:00Z'),
    location: { type: 'Point', coordinates: [2.3522, 48.8566] },
    address: { city: 'Paris', zip: '75001' },
    orders: [{ sku: 'c', total: 5 }],
  },
  {
    id: 'h3',
    name: 'Luxury Palace',
    bio: 'quick brown fox',
    age: 40,
    score: 3.5,
    active: true,
    tags: ['pool', 'spa'],
    joined: new Date('2022-03-01T00:00:00Z'),
    location: { type: 'Point', coordinates: [13.3777, 52.5163] },
    address: { city: 'Berlin', zip: '10117' },
    orders: [],
  },
  {
    id: 'h4',
    name: 'Quiet Cottage',
    bio: 'no internet at all',
    age: 50,
    score: null,
    active: true,
    tags: [],
    joined: new Date('2023-01-01T00:00:00Z'),
    address: { city: 'Oslo', zip: '0150' },
  },
];

describe('Search emulator: queries through @azure/search-documents', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let documents: SearchClient<Person>;
  let queries: SearchClient<Person>;
  const index = uniqueName('search');
  const faker = new Faker({ locale: [en, base] });
  faker.seed(20261121);
  const generated: Person[] = Array.from({ length: 300 }, (_, i) => ({
    id: `g${i}`,
    name: faker.person.fullName(),
    bio: faker.person.bio(),
    age: faker.number.int({ min: 18, max: 90 }),
    tags: ['generated'],
  }));

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const clients = clientsFor(emulator, index);
    documents = clients.documents as unknown as SearchClient<Person>;
    queries = clients.queries as unknown as SearchClient<Person>;
    await clients.indexes.createIndex(peopleIndex(index));
    await documents.uploadDocuments([...handmade, ...generated]);
  });
  afterAll(async () => emulator?.dispose());

  async function ids(text: string, options: SearchOptions<Person> = {}): Promise<string[]> {
    const response = await queries.search(text, { top: 1000, ...options } as SearchOptions<Person>);
    const out: string[] = [];
    for await (const result of response.results) out.push(result.document.id);
    return out;
  }
  const mine = (found: string[]): string[] => found.filter((id) => id.startsWith('h')).sort();

  it('finds generated names across typos with fuzzy search (~)', async () => {
    const candidates = generated
      .map((p) => (p.name as string).split(' ').at(-1)!)
      .filter((w) => /^[A-Za-z]{6,}$/.test(w));
    expect(candidates.length).toBeGreaterThan(20);
    for (const word of candidates.slice(0, 20)) {
      const i = Math.floor(word.length / 2);
      const typo = word.slice(0, i) + (word[i] === 'x' ? 'q' : 'x') + word.slice(i + 1);
      const expected = generated
        .filter((p) => (p.name as string).split(/\s+/).includes(word))
        .map((p) => p.id);
      const found = await ids(`${typo}~1`, { queryType: 'full', searchFields: ['name'] });
      expect(found, `${typo}~1 should find ${word}`).toEqual(expect.arrayContaining(expected));
      expect(await ids(typo, { searchFields: ['name'] })).not.toEqual(expect.arrayContaining(expected));
    }
    const swapped = await ids('Wiif~2', { queryType: 'full', searchFields: ['name'] });
    expect(mine(swapped)).toEqual(['h1', 'h2']);
    // Azure counts in Damerau-Levenshtein distance: a swap of neighbours is one edit, two substitutions are two.
    expect(mine(await ids('Wiif~1', { queryType: 'full', searchFields: ['name'] }))).toEqual(['h1', 'h2']);
    expect(mine(await ids('Wxfx~1', { queryType: 'full', searchFields: ['name'] }))).toEqual([]);
  });

  it('simple syntax: terms, phrases, prefixes, +, |, - and searchMode', async () => {
    expect(mine(await ids('wifi'))).toEqual(['h1', 'h2']);
    expect(mine(await ids('wifi luxury'))).toEqual(['h1', 'h2', 'h3']);
    expect(mine(await ids('wifi luxury', { searchMode: 'all' }))).toEqual(['h1']);
    expect(mine(await ids('wifi + luxury'))).toEqual(['h1']);
    expect(mine(await ids('"quick brown"', { searchFields: ['bio'] }))).toEqual(['h1', 'h3']);
    expect(mine(await ids('"brown quick"', { searchFields: ['bio'] }))).toEqual(['h2']);
    expect(mine(await ids('lux*'))).toEqual(['h1', 'h3']);
    expect(mine(await ids('wifi -luxury', { searchMode: 'all' }))).toEqual(['h2']);
    // searchMode=any makes "-luxury" an OR NOT, as the service documents.
    expect(mine(await ids('wifi -luxury'))).toEqual(['h1', 'h2', 'h4']);
    expect(mine(await ids('palace | cottage'))).toEqual(['h3', 'h4']);
    expect(mine(await ids('berlin', { searchFields: ['address/city'] }))).toEqual(['h1', 'h3']);
  });

  it('full syntax: fielded terms, AND/OR/NOT, boosts and wildcards', async () => {
    expect(mine(await ids('name:wifi AND bio:fox', { queryType: 'full' }))).toEqual(['h1']);
    expect(mine(await ids('name:(palace OR cottage)', { queryType: 'full' }))).toEqual(['h3', 'h4']);
    expect(mine(await ids('wifi NOT budget', { queryType: 'full', searchMode: 'all' }))).toEqual(['h1']);
    expect(mine(await ids('tags:spa', { queryType: 'full' }))).toEqual(['h3']);
    expect(mine(await ids('l?xury', { queryType: 'full' }))).toEqual(['h1', 'h3']);
    const boosted = await ids('name:wifi^10 OR name:palace', { queryType: 'full' });
    const plain = await ids('name:wifi OR name:palace^10', { queryType: 'full' });
    expect(boosted[0]).not.toBe('h3');
    expect(plain[0]).toBe('h3');
  });

  it('ranks by BM25 and returns scores', async () => {
    const response = await queries.search('quick brown fox', { searchFields: ['bio'], top: 3 });
    const results = [];
    for await (const result of response.results) results.push(result);
    expect(results[0]!.score).toBeGreaterThan(results[2]!.score);
    expect(['h1', 'h3']).toContain(results[0]!.document.id);
    const all = await queries.search('*', { top: 1 });
    for await (const result of all.results) expect(result.score).toBe(1);
  });

  it('$filter: comparisons, and/or/not, search.in, search.ismatch, lambdas, geo.distance, null', async () => {
    const f = async (filter: string): Promise<string[]> => mine(await ids('*', { filter }));
    expect(await f('age ge 30 and active eq true')).toEqual(['h3', 'h4']);
    expect(await f('not (age lt 40) or score eq 1.5')).toEqual(['h1', 'h3', 'h4']);
    expect(await f("search.in(address/city, 'Paris,Oslo')")).toEqual(['h2', 'h4']);
    expect(await f("search.ismatch('palace', 'name')")).toEqual(['h3']);
    expect(await f("tags/any(t: t eq 'pool') and tags/all(t: t ne 'spa')")).toEqual(['h1']);
    expect(await f("tags/any() and not tags/any(t: t eq 'generated')")).toEqual(['h1', 'h2', 'h3']);
    expect(await f('orders/any(o: o/total gt 100)')).toEqual(['h1']);
    expect(await f('joined ge 2021-06-01T00:00:00Z and joined lt 2023-01-01T00:00:00Z')).toEqual([
      'h2',
      'h3',
    ]);
    expect(await f("geo.distance(location, geography'POINT(13.4 52.52)') lt 5")).toEqual(['h1', 'h3']);
    expect(await f('score eq null and age lt 60')).toEqual(['h4']);
    expect(await f("secret eq 'x'")).toEqual([]);
    await expect(ids('*', { filter: 'bio eq 1' })).rejects.toMatchObject({ statusCode: 400 }); // bio is not filterable
    await expect(ids('*', { filter: "name eq 'x' and" })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('$orderby, $select, $count, $top/$skip and paging with next-page parameters', async () => {
    const ordered = await ids('*', { filter: "id ge 'h' and id lt 'i'", orderBy: ['score desc', 'age asc'] });
    expect(ordered).toEqual(['h3', 'h2', 'h1', 'h4']); // nulls sort first ascending, so last descending
    const byDistance = await ids('*', {
      filter: "search.in(id, 'h1,h2,h3')",
      orderBy: ["geo.distance(location, geography'POINT(2.35 48.85)') asc"],
    });
    expect(byDistance[0]).toBe('h2');

    const page = await queries.search('*', {
      select: ['id', 'name'],
      includeTotalCount: true,
      top: 2,
      skip: 1,
      orderBy: ['id asc'],
    });
    expect(page.count).toBe(handmade.length + generated.length);
    const rows = [];
    for await (const result of page.results) rows.push(result.document);
    expect(
      rows.map((r) =>
        Object.keys(r)
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ),
    ).toEqual([
      ['id', 'name'],
      ['id', 'name'],
    ]);
    expect(rows.map((r) => r.id)).toEqual(['g1', 'g10']);

    // No top: pages of 50 with @search.nextPageParameters, which the SDK follows.
    const everything = await queries.search('*', { orderBy: ['id asc'] });
    const pages: number[] = [];
    const seen = new Set<string>();
    for await (const p of everything.results.byPage()) {
      pages.push(p.results.length);
      for (const r of p.results) seen.add(r.document.id);
    }
    expect(pages[0]).toBe(50);
    expect(seen.size).toBe(handmade.length + generated.length);
  });

  it('facets (values and intervals) and highlighting', async () => {
    const response = await queries.search('*', {
      filter: "id ge 'h' and id lt 'i'",
      facets: [
        'tags,count:2',
        'age,interval:20',
        'score,values:2|3',
        'address/city,sort:value',
        'joined,interval:year',
      ],
    });
    const facets = response.facets!;
    expect(facets.tags!.map((f) => [f.value, f.count])).toEqual([
      ['pool', 2],
      ['wifi', 2],
    ]);
    expect(facets.age!.map((f) => [f.value, f.count])).toEqual([
      [20, 2],
      [40, 2],
    ]);
    expect(facets.score!.map((f) => [f.from, f.to, f.count])).toEqual([
      [undefined, 2, 1],
      [2, 3, 1],
      [3, undefined, 1],
    ]);
    expect(facets['address/city']!.map((f) => f.value)).toEqual(['Berlin', 'Oslo', 'Paris']);
    expect(facets.joined!.length).toBe(4);

    const highlighted = await queries.search('fox', {
      highlightFields: 'bio',
      searchFields: ['bio'],
      highlightPreTag: '[',
      highlightPostTag: ']',
    });
    const fragments: string[] = [];
    for await (const result of highlighted.results) fragments.push(...(result.highlights?.bio ?? []));
    expect(fragments.sort()).toEqual(['quick brown [fox]', 'the quick brown [fox] jumps']);
  });

  it('suggest and autocomplete over a suggester', async () => {
    const suggestions = await queries.suggest('lux', 'names', {
      select: ['id', 'name'],
      filter: 'age lt 100',
      top: 5,
    });
    expect(
      suggestions.results
        .filter((r) => (r.document as Person).id.startsWith('h'))
        .map((r) => [(r.document as Person).id, r.text])
        .sort(),
    ).toEqual([
      ['h1', 'Wifi Hotel Luxury'],
      ['h3', 'Luxury Palace'],
    ]);
    const tagged = await queries.suggest('pala', 'names', {
      highlightPreTag: '<b>',
      highlightPostTag: '</b>',
    });
    expect(tagged.results[0]!.text).toBe('Luxury <b>Palace</b>');
    const fuzzy = await queries.suggest('palaxe', 'names', { useFuzzyMatching: true });
    expect(fuzzy.results.map((r) => r.document.id)).toContain('h3');

    const completions = await queries.autocomplete('budget wi', 'names', { autocompleteMode: 'oneTerm' });
    expect(completions.results[0]).toEqual({ text: 'wifi', queryPlusText: 'budget wifi' });
    const two = await queries.autocomplete('quie', 'names', { autocompleteMode: 'twoTerms' });
    expect(two.results.map((r) => r.text)).toContain('quiet cottage');
    await expect(queries.suggest('x', 'no-such-suggester')).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers 400 naming a parameter it does not support', async () => {
    await expect(queries.search('wifi', { scoringProfile: 'boost' })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('scoringProfile'),
    });
    await expect(
      queries.search('wifi', { queryType: 'semantic' } as unknown as SearchOptions<Person>),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('queryType'),
    });
    await expect(ids('/regex/', { queryType: 'full' })).rejects.toMatchObject({ statusCode: 400 });
  });
});
