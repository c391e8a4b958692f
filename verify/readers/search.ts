import type { SearchEntry } from '../../infra/stack/stack-file.ts';
import { searchClient, searchIndexClient } from '../../infra/search/client.ts';

export interface IndexSnapshot {
  index: string;
  exists: boolean;
  keyField: string;
  fields: string[];
  documents: Map<string, Record<string, unknown>>;
}

/** Reads every document of an index (`search=*`, paged by the SDK), keyed by the index's key field. */
export async function readIndex(entry: SearchEntry, index: string): Promise<IndexSnapshot> {
  let definition;
  try {
    definition = await searchIndexClient(entry).getIndex(index);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return { index, exists: false, keyField: 'id', fields: [], documents: new Map() };
    }
    throw error;
  }
  const keyField = definition.fields.find((field) => 'key' in field && field.key)?.name ?? 'id';
  const fields = definition.fields.map((field) => field.name);
  const documents = new Map<string, Record<string, unknown>>();
  const client = searchClient(entry, index);
  const results = await client.search('*');
  for await (const page of results.results) {
    const document = page.document as Record<string, unknown>;
    documents.set(String(document[keyField]), document);
  }
  return { index, exists: true, keyField, fields, documents };
}
