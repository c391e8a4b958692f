import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startCosmosEmulator, type CosmosEmulator } from '../cosmos/server.ts';
import { mongoConnectionString } from './connection-string.ts';

/** A Cosmos emulator with its MongoDB listener in this process, and a driver client for it (tests only). */
export interface TestMongo {
  emulator: CosmosEmulator;
  client: MongoClient;
  connectionString: string;
  /** Another client, e.g. with other credentials; closed with the rest. */
  connect(connectionString?: string): Promise<MongoClient>;
  close(): Promise<void>;
}

export async function startTestMongo(): Promise<TestMongo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cosmos-mongo-test-'));
  const emulator = await startCosmosEmulator({ dataDir, port: 0, mongoPort: 0 });
  const connectionString = mongoConnectionString('127.0.0.1', emulator.mongoPort!, emulator.key);
  const clients: MongoClient[] = [];
  const connect = async (uri = connectionString): Promise<MongoClient> => {
    const client = new MongoClient(uri, {
      tlsCAFile: emulator.certificateFile,
      serverSelectionTimeoutMS: 10_000,
    });
    clients.push(client);
    return client.connect();
  };
  return {
    emulator,
    client: await connect(),
    connectionString,
    connect,
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
