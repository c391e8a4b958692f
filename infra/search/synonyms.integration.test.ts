import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchClient, SearchIndexClient } from '@azure/search-documents';
import { uniqueName } from '../testing/helpers.ts';
import { clientsFor, startTestEmulator } from './test-fixtures.ts';

type Hotel = { id: string; name: string; description: string; notes: string };

const hotels: Hotel[] = [
  { id: 'h1', name: 'Harbour Inn', description: 'Free wireless in every room', notes: 'wifi' },
  { id: 'h2', name: 'Liberty Lodge', description: 'The best view in the United States', notes: '' },
  { id: 'h3', name: 'Old Mill', description: 'Quiet rooms near the usa border', notes: '' },
  { id: 'h4', name: 'Station Hotel', description: 'wifi in the lobby only', notes: '' },
];

describe('Search emulator: synonym maps and the semantic stand-in through @azure/search-documents', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let indexes: SearchIndexClient;
  let documents: SearchClient<Hotel>;
  const name = uniqueName('synonyms');
  const map = uniqueName('travel');

  const ids = async (text: string, options: Record<string, unknown> = {}): Promise<string[]> => {
    const response = await documents.search(text, { select: ['id'], ...options });
    const found: string[] = [];
    for await (const result of response.results) found.push(result.document.id);
    return found.sort();
  };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    ({ indexes, documents } = clientsFor(emulator, name) as unknown as {
      indexes: SearchIndexClient;
      documents: SearchClient<Hotel>;
    });
    await indexes.createIndex({
      name,
      fields: [
        { name: 'id', type: 'Edm.String', key: true },
        { name: 'name', type: 'Edm.String', searchable: true },
        { name: 'description', type: 'Edm.String', searchable: true, synonymMapNames: [map] },
        { name: 'notes', type: 'Edm.String', searchable: true },
      ],
      semanticSearch: {
        defaultConfigurationName: 'default',
        configurations: [
          {
            name: 'default',
            prioritizedFields: { titleField: { name: 'name' }, contentFields: [{ name: 'description' }] },
          },
        ],
      },
    });
    await documents.uploadDocuments(hotels);
  });
  afterAll(async () => emulator?.dispose());

  it('creates, reads, lists and deletes synonym maps in the Solr format', async () => {
    const created = await indexes.createSynonymMap({
      name: map,
      synonyms: ['# travel terms', 'usa, united states, america', 'wifi, wlan => wireless'],
    });
    expect(created.etag).toMatch(/^"0x/);
    expect((await indexes.getSynonymMap(map)).synonyms).toEqual([
      '# travel terms',
      'usa, united states, america',
      'wifi, wlan => wireless',
    ]);
    expect(await indexes.listSynonymMapsNames()).toContain(map);
    const raw = (await (
      await fetch(`${emulator.endpoint}/synonymmaps('${map}')?api-version=2026-04-01`, {
        headers: { 'api-key': emulator.adminKey },
      })
    ).json()) as Record<string, unknown>;
    expect(raw).toEqual({
      '@odata.context': `${emulator.endpoint}/$metadata#synonymmaps/$entity`,
      '@odata.etag': created.etag,
      name: map,
      format: 'solr',
      synonyms: '# travel terms\nusa, united states, america\nwifi, wlan => wireless',
      encryptionKey: null,
    });
    await expect(
      indexes.createSynonymMap({ name: uniqueName('broken'), synonyms: ['a => '] }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('line 1') });
    await expect(indexes.createSynonymMap({ name: map, synonyms: ['x, y'] })).rejects.toMatchObject({
      statusCode: 409,
    });
  });

  it('expands equivalent terms and rewrites explicit mappings on the fields that name the map', async () => {
    // Equivalents: "usa" also finds the phrase "united states" (and the reverse), in description only.
    expect(await ids('usa')).toEqual(['h2', 'h3']);
    expect(await ids('"united states"')).toEqual(['h2', 'h3']);
    // Explicit: "wifi" is searched as "wireless" in description (h1), while notes, which names no map, still
    // matches "wifi" as written (h1); h4 says "wifi" in description, which the mapping replaced.
    expect(await ids('wifi', { searchFields: ['description'] })).toEqual(['h1']);
    expect(await ids('wifi', { searchFields: ['notes'] })).toEqual(['h1']);
    expect(await ids('wlan')).toEqual(['h1']);

    await indexes.createOrUpdateSynonymMap({ name: map, synonyms: ['usa, america'] });
    expect(await ids('usa')).toEqual(['h3']);
    await indexes.deleteSynonymMap(map);
    expect(await ids('wifi', { searchFields: ['description'] })).toEqual(['h4']);
    await expect(indexes.getSynonymMap(map)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers queryType semantic with the text ranking, marked as base results, without reranker scores', async () => {
    const response = await documents.search('wireless room', {
      queryType: 'semantic',
      semanticSearchOptions: { configurationName: 'default', answers: { answerType: 'extractive' } },
    });
    expect(response.semanticSearchResultsType).toBe('baseResults');
    expect(response.semanticErrorReason).toBe('capacityOverloaded');
    expect(response.answers).toEqual([]);
    const results = [];
    for await (const result of response.results) results.push(result);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((result) => result.rerankerScore === undefined)).toBe(true);
    const plain = await documents.search('wireless room', { select: ['id'] });
    const plainIds: string[] = [];
    for await (const result of plain.results) plainIds.push(result.document.id);
    expect(results.map((result) => result.document.id)).toEqual(plainIds);
    await expect(
      documents.search('x', { queryType: 'semantic', semanticSearchOptions: { configurationName: 'nope' } }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('nope') });
  });
});
