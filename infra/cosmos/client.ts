import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import type { CosmosEntry } from '../stack/stack-file.ts';
import { emulatorAgent } from './agent.ts';

/**
 * The one way harness code builds a Cosmos DB client, for the emulator and for the real service alike. For the
 * emulator it either skips certificate checks (`tlsInsecure`) or trusts the exported self-signed certificate,
 * and turns endpoint discovery off so the SDK stays on the address it was given.
 */
export function cosmosClient(entry: CosmosEntry, options: Partial<CosmosClientOptions> = {}): CosmosClient {
  const url = new URL(entry.endpoint);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const agent = emulatorAgent(entry, { keepAlive: true });
  return new CosmosClient({
    endpoint: entry.endpoint,
    key: entry.key,
    ...(agent ? { agent } : {}),
    ...(local ? { connectionPolicy: { enableEndpointDiscovery: false } } : {}),
    ...options,
  });
}
