import { Client } from '@opensearch-project/opensearch';

/** The official OpenSearch client on a stack entry (or any URL): what the checks and the sink's tests use. */
export function openSearchClient(target: { url: string } | string): Client {
  const node = typeof target === 'string' ? target : target.url;
  return new Client({ node, requestTimeout: 30_000 });
}
