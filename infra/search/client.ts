import { AzureKeyCredential, SearchClient, SearchIndexClient } from '@azure/search-documents';
import type { SearchEntry } from '../stack/stack-file.ts';

/**
 * The harness's only way to talk to Search, in every profile: the official SDK with a key credential. It works
 * against the emulator and against the real service alike. The SDK refuses plain `http://` endpoints unless
 * `allowInsecureConnection` is set, so it is set exactly for those (the emulator's default).
 */
export function searchIndexClient(entry: SearchEntry): SearchIndexClient {
  return new SearchIndexClient(entry.endpoint, new AzureKeyCredential(entry.adminKey), clientOptions(entry));
}

export function clientOptions(entry: SearchEntry): { allowInsecureConnection: boolean } {
  return { allowInsecureConnection: entry.endpoint.startsWith('http://') };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers type their documents when they know them
export function searchClient<T extends object = Record<string, any>>(
  entry: SearchEntry,
  indexName: string,
  key: 'admin' | 'query' = 'admin',
): SearchClient<T> {
  return new SearchClient<T>(
    entry.endpoint,
    indexName,
    new AzureKeyCredential(key === 'admin' ? entry.adminKey : entry.queryKey),
    clientOptions(entry),
  );
}
