import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, CosmosClient } from '@azure/cosmos';
import { cosmosClient } from './client.ts';
import { startCosmosEmulator, type CosmosEmulator, type CosmosEmulatorOptions } from './server.ts';

/** An emulator of the test's own in a temporary data dir, and an SDK client for it (tests only). */
export interface TestEmulator {
  emulator: CosmosEmulator;
  client: CosmosClient;
  dataDir: string;
  /** A fresh database and container with the given partition key paths. */
  container(paths?: string[], extra?: Record<string, unknown>): Promise<Container>;
  /** Stops the emulator and starts it again on the same data dir (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startTestEmulator(options: Partial<CosmosEmulatorOptions> = {}): Promise<TestEmulator> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cosmos-test-'));
  const start = () => startCosmosEmulator({ port: 0, ...options, dataDir });
  const handle: TestEmulator = {
    emulator: await start(),
    client: undefined as unknown as CosmosClient,
    dataDir,
    async container(paths = ['/pk'], extra = {}) {
      const { database } = await handle.client.databases.createIfNotExists({ id: `db${++counter}` });
      const { container } = await database.containers.createIfNotExists({
        id: `c${counter}`,
        partitionKey: { paths, ...(paths.length > 1 ? { kind: 'MultiHash', version: 2 } : {}) } as never,
        ...extra,
      });
      return container;
    },
    async restart() {
      const port = Number(new URL(handle.emulator.endpoint).port);
      handle.client.dispose();
      await handle.emulator.close();
      handle.emulator = await startCosmosEmulator({ ...options, dataDir, port });
      handle.client = clientFor(handle.emulator);
    },
    async close() {
      handle.client.dispose();
      await handle.emulator.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  handle.client = clientFor(handle.emulator);
  return handle;
}

function clientFor(emulator: CosmosEmulator): CosmosClient {
  return cosmosClient({ endpoint: emulator.endpoint, key: emulator.key, tlsInsecure: true });
}
