import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import type { CosmosEntry } from '../stack/stack-file.ts';

/**
 * The one way harness code builds a Cosmos DB client, for the emulator and for the real service alike. For the
 * emulator it either skips certificate checks (`tlsInsecure`) or trusts the exported self-signed certificate,
 * and turns endpoint discovery off so the SDK stays on the address it was given.
 */
export function cosmosClient(entry: CosmosEntry, options: Partial<CosmosClientOptions> = {}): CosmosClient {
  const url = new URL(entry.endpoint);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  let agent: Agent | undefined;
  if (url.protocol === 'https:') {
    if (entry.tlsInsecure) agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    else if (entry.certificateFile)
      agent = new Agent({ keepAlive: true, ca: readFileSync(entry.certificateFile) });
  }
  return new CosmosClient({
    endpoint: entry.endpoint,
    key: entry.key,
    ...(agent ? { agent } : {}),
    ...(local ? { connectionPolicy: { enableEndpointDiscovery: false } } : {}),
    ...options,
  });
}
