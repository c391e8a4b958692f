import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeographyPoint, type SearchClient, type SearchIndexClient } from '@azure/search-documents';
import { uniqueName } from '../testing/helpers.ts';
import { clientsFor, startTestEmulator } from './test-fixtures.ts';

type Place = { id: string; location: GeographyPoint | null };

const crs = { type: 'name', properties: { name: 'EPSG:4326' } };

describe('Search emulator: geography points through @azure/search-documents', () => {
  let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
  let indexes: SearchIndexClient;
  let documents: SearchClient<Place>;
  const name = uniqueName('geo');

  beforeAll(async () => {
    emulator = await startTestEmulator();
    ({ indexes, documents } = clientsFor(emulator, name) as unknown as {
      indexes: SearchIndexClient;
      documents: SearchClient<Place>;
    });
    await indexes.createIndex({
      name,
      fields: [
        { name: 'id', type: 'Edm.String', key: true },
        { name: 'location', type: 'Edm.GeographyPoint', filterable: true, sortable: true },
      ],
    });
    await documents.uploadDocuments([
      { id: 'berlin', location: new GeographyPoint({ longitude: 13.405, latitude: 52.52 }) },
      { id: 'potsdam', location: new GeographyPoint({ longitude: 13.0645, latitude: 52.3906 }) },
      { id: 'paris', location: new GeographyPoint({ longitude: 2.3522, latitude: 48.8566 }) },
      { id: 'nowhere', location: null },
    ]);
  });
  afterAll(async () => emulator?.dispose());

  it('round-trips points exactly, crs included, as the SDK sent them', async () => {
    const berlin = await documents.getDocument('berlin');
    expect(berlin.location).toBeInstanceOf(GeographyPoint);
    expect(berlin.location).toMatchObject({ longitude: 13.405, latitude: 52.52 });
    const raw = (await (
      await fetch(`${emulator.endpoint}/indexes/${name}/docs/berlin?api-version=2026-04-01`, {
        headers: { 'api-key': emulator.queryKey },
      })
    ).json()) as Place;
    expect(raw.location).toEqual({ type: 'Point', coordinates: [13.405, 52.52], crs });
    // A point sent without crs comes back with the service's WGS 84 crs; another crs is refused.
    const index = `${emulator.endpoint}/indexes/${name}/docs/index?api-version=2026-04-01`;
    const post = (location: unknown) =>
      fetch(index, {
        method: 'POST',
        headers: { 'api-key': emulator.adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ value: [{ '@search.action': 'upload', id: 'bare', location }] }),
      });
    expect((await post({ type: 'Point', coordinates: [1, 2] })).status).toBe(200);
    expect((await documents.getDocument('bare')).location).toMatchObject({ longitude: 1, latitude: 2 });
    const other = await post({
      type: 'Point',
      coordinates: [1, 2],
      crs: { type: 'name', properties: { name: 'EPSG:3857' } },
    });
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('EPSG:4326');
    await documents.deleteDocuments('id', ['bare']);
  });

  it('filters with geo.intersects and geo.distance and orders by distance', async () => {
    const ids = async (options: { filter?: string; orderBy?: string[] }) => {
      const found: string[] = [];
      for await (const result of (await documents.search('*', { ...options, select: ['id'] })).results)
        found.push(result.document.id);
      return found;
    };
    const brandenburg = "geography'POLYGON((12.5 52.0, 14.0 52.0, 14.0 52.8, 12.5 52.8, 12.5 52.0))'";
    expect((await ids({ filter: `geo.intersects(location, ${brandenburg})` })).sort()).toEqual([
      'berlin',
      'potsdam',
    ]);
    expect(await ids({ filter: `not geo.intersects(location, ${brandenburg})` })).toEqual([
      'paris',
      'nowhere',
    ]);
    expect(
      await ids({
        filter: "geo.distance(location, geography'POINT(13.4 52.5)') lt 100",
        orderBy: ["geo.distance(location, geography'POINT(13.0 52.4)') asc"],
      }),
    ).toEqual(['potsdam', 'berlin']);
    await expect(
      ids({ filter: "geo.intersects(location, geography'POLYGON((1 1, 2 2, 3 1))')" }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('closed') });
  });
});
