import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SearchIndex as SdkIndex } from '@azure/search-documents';
import { searchClient, searchIndexClient } from './client.ts';
import { startSearchEmulator, type SearchEmulator } from './emulator.ts';

/** Shared by the emulator's tests: a throwaway data dir and an emulator on a free port. */
export async function startTestEmulator(): Promise<
  SearchEmulator & { dataDir: string; dispose(): Promise<void> }
> {
  const dataDir = mkdtempSync(join(tmpdir(), 'search-test-'));
  const emulator = await startSearchEmulator({ dataDir });
  return {
    ...emulator,
    dataDir,
    dispose: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const clientsFor = (emulator: SearchEmulator, index: string) => ({
  indexes: searchIndexClient(emulator),
  documents: searchClient(emulator, index),
  queries: searchClient(emulator, index, 'query'),
});

/** A users-like index with every kind of field the emulator must handle. */
export function peopleIndex(name: string): SdkIndex {
  return {
    name,
    fields: [
      { name: 'id', type: 'Edm.String', key: true, filterable: true, sortable: true },
      { name: 'name', type: 'Edm.String', searchable: true, sortable: true, filterable: true },
      { name: 'bio', type: 'Edm.String', searchable: true },
      { name: 'age', type: 'Edm.Int32', filterable: true, sortable: true, facetable: true },
      { name: 'score', type: 'Edm.Double', filterable: true, sortable: true, facetable: true },
      { name: 'active', type: 'Edm.Boolean', filterable: true, facetable: true },
      { name: 'joined', type: 'Edm.DateTimeOffset', filterable: true, sortable: true, facetable: true },
      { name: 'location', type: 'Edm.GeographyPoint', filterable: true, sortable: true },
      { name: 'tags', type: 'Collection(Edm.String)', searchable: true, filterable: true, facetable: true },
      {
        name: 'address',
        type: 'Edm.ComplexType',
        fields: [
          { name: 'city', type: 'Edm.String', searchable: true, filterable: true, facetable: true },
          { name: 'zip', type: 'Edm.String', filterable: true },
        ],
      },
      {
        name: 'orders',
        type: 'Collection(Edm.ComplexType)',
        fields: [
          { name: 'sku', type: 'Edm.String', filterable: true },
          { name: 'total', type: 'Edm.Double', filterable: true },
        ],
      },
      { name: 'secret', type: 'Edm.String', hidden: true, filterable: true },
    ],
    suggesters: [{ name: 'names', searchMode: 'analyzingInfixMatching', sourceFields: ['name'] }],
  };
}
