import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchClient, SearchIndex, SearchIndexClient, VectorQuery } from '@azure/search-documents';
import { uniqueName } from '../testing/helpers.ts';
import { clientsFor, startTestEmulator } from './test-fixtures.ts';

/**
 * Vector fields and vector search through @azure/search-documents. The expected neighbours are computed here from
 * the fixture with plain loops (cosine, euclidean, Reciprocal Rank Fusion), not by the emulator's code.
 */
type Room = { id: string; category: string; description: string; embedding: number[]; small: number[] };

const dimensions = 8;

/** Deterministic pseudo-random vectors (a linear congruential generator), so every run has the same fixture. */
function fixture(count: number): Room[] {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `r${i}`,
    category: i % 3 === 0 ? 'suite' : 'standard',
    description: i === 7 ? 'wifi wifi wifi' : i === 11 ? 'wifi pool spa garden terrace' : `room number ${i}`,
    // Rounded to float32, as the service stores Edm.Single.
    embedding: Array.from({ length: dimensions }, () => Math.fround(next())),
    small: [Math.fround(next()), Math.fround(next())],
  }));
}

const cosine = (a: number[], b: number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
};
const euclidean = (a: number[], b: number[]): number => Math.hypot(...a.map((x, i) => x - b[i]!));

/** Ids by a similarity, best first: the ground truth of an exact k-nearest-neighbour search. */
function expectedNearest(
  rooms: Room[],
  similarity: (room: Room) => number,
  k: number,
): { id: string; similarity: number }[] {
  return rooms
    .map((room) => ({ id: room.id, similarity: similarity(room) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k);
}

function vectorIndex(name: string): SearchIndex {
  return {
    name,
    fields: [
      { name: 'id', type: 'Edm.String', key: true, filterable: true },
      { name: 'category', type: 'Edm.String', filterable: true, facetable: true },
      { name: 'description', type: 'Edm.String', searchable: true },
      {
        name: 'embedding',
        type: 'Collection(Edm.Single)',
        searchable: true,
        vectorSearchDimensions: dimensions,
        vectorSearchProfileName: 'cosine-profile',
      },
      {
        name: 'small',
        type: 'Collection(Edm.Half)',
        searchable: true,
        hidden: true,
        vectorSearchDimensions: 2,
        vectorSearchProfileName: 'euclidean-profile',
      },
    ],
    vectorSearch: {
      algorithms: [
        { name: 'hnsw-default', kind: 'hnsw' },
        { name: 'knn-euclidean', kind: 'exhaustiveKnn', parameters: { metric: 'euclidean' } },
      ],
      profiles: [
        { name: 'cosine-profile', algorithmConfigurationName: 'hnsw-default', compressionName: 'sq' },
        { name: 'euclidean-profile', algorithmConfigurationName: 'knn-euclidean' },
      ],
      compressions: [{ compressionName: 'sq', kind: 'scalarQuantization' }],
    },
  };
}

describe('Search emulator: vector fields and vector queries through @azure/search-documents', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let indexes: SearchIndexClient;
  let documents: SearchClient<Room>;
  const name = uniqueName('vectors');
  const rooms = fixture(40);
  const probe = rooms[5]!.embedding.map((x, i) => x + (i % 2 === 0 ? 0.05 : -0.05));

  beforeAll(async () => {
    emulator = await startTestEmulator();
    ({ indexes, documents } = clientsFor(emulator, name) as unknown as {
      indexes: SearchIndexClient;
      documents: SearchClient<Room>;
    });
    await indexes.createIndex(vectorIndex(name));
    await documents.uploadDocuments(rooms);
  });
  afterAll(async () => emulator?.dispose());

  const search = async (
    text: string,
    queries: VectorQuery<Room>[],
    options: Record<string, unknown> = {},
  ) => {
    const response = await documents.search(text, {
      vectorSearchOptions: {
        queries,
        ...(options.filterMode ? { filterMode: options.filterMode as 'postFilter' } : {}),
      },
      ...(options.filter ? { filter: options.filter as string } : {}),
      select: ['id'],
    });
    const hits: { id: string; score: number }[] = [];
    for await (const result of response.results) hits.push({ id: result.document.id, score: result.score });
    return hits;
  };

  it('creates an index with vector fields and reads it back in the service full shape', async () => {
    const fetched = await indexes.getIndex(name);
    expect(fetched.vectorSearch?.algorithms).toEqual([
      {
        name: 'hnsw-default',
        kind: 'hnsw',
        parameters: { metric: 'cosine', m: 4, efConstruction: 400, efSearch: 500 },
      },
      { name: 'knn-euclidean', kind: 'exhaustiveKnn', parameters: { metric: 'euclidean' } },
    ]);
    expect(fetched.vectorSearch?.compressions?.[0]).toMatchObject({
      compressionName: 'sq',
      kind: 'scalarQuantization',
      parameters: { quantizedDataType: 'int8' },
      rescoringOptions: { enableRescoring: true, defaultOversampling: 4 },
    });
    expect(fetched.fields.find((field) => field.name === 'embedding')).toMatchObject({
      type: 'Collection(Edm.Single)',
      searchable: true,
      filterable: false,
      stored: true,
      vectorSearchDimensions: dimensions,
      vectorSearchProfileName: 'cosine-profile',
    });

    // The wire form: @odata.context, nulls and empty lists exactly where the service puts them.
    const raw = (await (
      await fetch(`${emulator.endpoint}/indexes('${name}')?api-version=2026-04-01`, {
        headers: { 'api-key': emulator.adminKey, accept: 'application/json;odata.metadata=minimal' },
      })
    ).json()) as Record<string, unknown> & { fields: Record<string, unknown>[] };
    expect(Object.keys(raw).slice(0, 3)).toEqual(['@odata.context', '@odata.etag', 'name']);
    expect(raw['@odata.context']).toBe(`${emulator.endpoint}/$metadata#indexes/$entity`);
    expect(raw).toMatchObject({
      description: null,
      defaultScoringProfile: null,
      scoringProfiles: [],
      corsOptions: null,
      suggesters: [],
      analyzers: [],
      normalizers: [],
      tokenizers: [],
      tokenFilters: [],
      charFilters: [],
      encryptionKey: null,
      similarity: { '@odata.type': '#Microsoft.Azure.Search.BM25Similarity', k1: null, b: null },
      semantic: null,
    });
    expect(raw.fields[2]).toEqual({
      name: 'description',
      type: 'Edm.String',
      searchable: true,
      filterable: false,
      retrievable: true,
      stored: true,
      sortable: false,
      facetable: false,
      key: false,
      indexAnalyzer: null,
      searchAnalyzer: null,
      analyzer: null,
      normalizer: null,
      dimensions: null,
      vectorSearchProfile: null,
      vectorEncoding: null,
      synonymMaps: [],
    });
    const names = (await (
      await fetch(`${emulator.endpoint}/indexes?api-version=2026-04-01&$select=name`, {
        headers: { 'api-key': emulator.adminKey },
      })
    ).json()) as Record<string, unknown>;
    expect(names['@odata.context']).toBe(`${emulator.endpoint}/$metadata#indexes(name)`);
    expect(names.value).toContainEqual({ name });
  });

  it('refuses vector definitions the service refuses, with its codes and texts', async () => {
    const noDimensions = vectorIndex(uniqueName('bad'));
    delete (noDimensions.fields[3] as { vectorSearchDimensions?: number }).vectorSearchDimensions;
    await expect(indexes.createIndex(noDimensions)).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidRequestParameter',
      message:
        "The request is invalid. Details: definition : The vector field 'embedding' must have the property 'dimensions' set.",
    });
    const unknownProfile = vectorIndex(uniqueName('bad'));
    (unknownProfile.fields[3] as { vectorSearchProfileName?: string }).vectorSearchProfileName = 'nope';
    await expect(indexes.createIndex(unknownProfile)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining(
        "uses a vector search algorithm configuration 'nope' which is not defined",
      ),
    });
    const resized = await indexes.getIndex(name);
    resized.fields = resized.fields.map((field) =>
      field.name === 'embedding' ? { ...field, vectorSearchDimensions: 16 } : field,
    );
    await expect(indexes.createOrUpdateIndex(resized)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('dimensions'),
    });
    await expect(
      documents.uploadDocuments([{ ...rooms[0]!, id: 'short', embedding: [1, 2, 3] }]),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("'embedding'") });
  });

  it('answers a vector query with the exact nearest neighbours and the cosine score 1 / (1 + cosine distance)', async () => {
    const expected = expectedNearest(rooms, (room) => cosine(probe, room.embedding), 5);
    const hits = await search('*', [
      { kind: 'vector', vector: probe, fields: ['embedding'], kNearestNeighborsCount: 5 },
    ]);
    expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(1 / (1 + (1 - expected[i]!.similarity)), 5));
  });

  it('filters before (preFilter) or after (postFilter) the k nearest are taken', async () => {
    const suites = rooms.filter((room) => room.category === 'suite');
    const pre = await search(
      '*',
      [{ kind: 'vector', vector: probe, fields: ['embedding'], kNearestNeighborsCount: 4 }],
      {
        filter: "category eq 'suite'",
      },
    );
    expect(pre.map((hit) => hit.id)).toEqual(
      expectedNearest(suites, (room) => cosine(probe, room.embedding), 4).map((hit) => hit.id),
    );
    const post = await search(
      '*',
      [{ kind: 'vector', vector: probe, fields: ['embedding'], kNearestNeighborsCount: 4 }],
      {
        filter: "category eq 'suite'",
        filterMode: 'postFilter',
      },
    );
    const nearestFour = expectedNearest(rooms, (room) => cosine(probe, room.embedding), 4);
    expect(post.length).toBeLessThan(4);
    expect(post.map((hit) => hit.id)).toEqual(
      nearestFour.filter((hit) => suites.some((suite) => suite.id === hit.id)).map((hit) => hit.id),
    );
  });

  it('fuses text and vector results, and several vector fields, with Reciprocal Rank Fusion (k = 60)', async () => {
    // BM25 ranks 'wifi wifi wifi' (r7) above the longer description that says wifi once (r11).
    const textRanks = ['r7', 'r11'];
    const vectorRanks = expectedNearest(rooms, (room) => cosine(probe, room.embedding), 10).map(
      (hit) => hit.id,
    );
    const rrf = new Map<string, number>();
    for (const list of [textRanks, vectorRanks])
      list.forEach((id, rank) => rrf.set(id, (rrf.get(id) ?? 0) + 1 / (60 + rank + 1)));
    const hybrid = await search('wifi', [
      { kind: 'vector', vector: probe, fields: ['embedding'], kNearestNeighborsCount: 10 },
    ]);
    const expected = [...rrf.entries()].sort((a, b) => b[1] - a[1]);
    expect(hybrid.map((hit) => hit.id)).toEqual(expected.map(([id]) => id));
    hybrid.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]![1], 10));

    // Two vector queries, one weighted: each list contributes weight / (60 + rank).
    const smallProbe = [0.1, -0.2];
    const small = expectedNearest(rooms, (room) => -euclidean(smallProbe, room.small), 3);
    expect(small[0]!.similarity).toBeLessThan(0);
    const fused = new Map<string, number>();
    vectorRanks.slice(0, 3).forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + 1 / (61 + rank)));
    small.forEach(({ id }, rank) => fused.set(id, (fused.get(id) ?? 0) + 2 / (61 + rank)));
    const multi = await search('', [
      { kind: 'vector', vector: probe, fields: ['embedding'], kNearestNeighborsCount: 3 },
      { kind: 'vector', vector: smallProbe, fields: ['small'], kNearestNeighborsCount: 3, weight: 2 },
    ]);
    const fusedOrder = [...fused.entries()].sort((a, b) => b[1] - a[1]);
    expect(multi.map((hit) => hit.id)).toEqual(fusedOrder.map(([id]) => id));
    expect(multi.map((hit) => hit.score)).toEqual(fusedOrder.map(([, score]) => expect.closeTo(score, 10)));
  });

  it('returns stored vectors as the float32 values sent, and hides non-retrievable ones', async () => {
    const room = await documents.getDocument('r3');
    // Printed as the shortest decimal of each float32, which reads back as exactly the value sent.
    expect(room.embedding.map(Math.fround)).toEqual(rooms[3]!.embedding);
    expect(room.embedding[0]!.toString().length).toBeLessThan(rooms[3]!.embedding[0]!.toString().length);
    expect(room).not.toHaveProperty('small');
    await expect(
      search('*', [
        { kind: 'vector', vector: [1, 2], fields: ['category' as 'small'], kNearestNeighborsCount: 1 },
      ]),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('is not a vector field') });
  });
});
