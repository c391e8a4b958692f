import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { cosmosClient } from '../cosmos/client.ts';
import { cosmosService } from '../cosmos/service.ts';
import { stopProcess } from '../process/index.ts';
import type { StartContext } from '../stack/service.ts';
import type { CosmosEntry } from '../stack/stack-file.ts';
import { cosmosMongoService } from './service.ts';

const home = mkdtempSync(join(tmpdir(), 'cosmos-mongo-service-'));
let cosmos: CosmosEntry | undefined;

function context(
  services: StartContext['services'] = {},
  profile: StartContext['profile'] = 'local',
  env: NodeJS.ProcessEnv = process.env,
): StartContext {
  return { profile, services, env, ephemeralPorts: true, progress: () => {} };
}

beforeAll(() => {
  process.env.HACK_HOME = home;
});
afterAll(async () => {
  if (cosmos?.pid) await stopProcess(cosmos.pid, 5000);
  rmSync(home, { recursive: true, force: true });
});

describe('cosmos-mongo as a stack service', () => {
  it("records a Cosmos-shaped connection string to the emulator's MongoDB listener, shown without its key", async () => {
    cosmos = await cosmosService.start(context());
    const entry = await cosmosMongoService.start(context({ cosmos }));
    expect(entry.pid).toBe(cosmos.pid);
    expect(entry.connectionString).toMatch(
      /^mongodb:\/\/localhost:[^@]+@127\.0\.0\.1:\d+\/\?ssl=true&replicaSet=globaldb&retrywrites=false&/,
    );
    expect(entry.connectionString).toContain(encodeURIComponent(cosmos.key));
    const shown = cosmosMongoService.describe(entry);
    expect(shown).not.toContain(encodeURIComponent(cosmos.key));
    expect(shown).toContain('localhost:***@');
    expect(await cosmosMongoService.isHealthy(entry)).toBe(true);

    const client = await new MongoClient(entry.connectionString, {
      tlsCAFile: entry.certificateFile,
    }).connect();
    const sdk = cosmosClient(cosmos);
    try {
      await client
        .db('svc')
        .collection('c')
        .insertOne({ _id: 'one' as never, v: 1 });
      const { resource } = await sdk.database('svc').container('c').item('one', undefined).read();
      expect(resource).toMatchObject({ id: 'one', v: 1 });
    } finally {
      sdk.dispose();
      await client.close();
    }
  });

  it('refuses to start without a local Cosmos emulator, and records an external connection string', async () => {
    await expect(cosmosMongoService.start(context())).rejects.toThrow(
      /Cosmos DB emulator, which is not running/,
    );
    const external = await cosmosMongoService.start(
      context({}, 'external', {
        COSMOS_MONGO_CONNECTION_STRING: 'mongodb://acct:secret@acct.mongo.cosmos.azure.com:10255/?ssl=true',
      }),
    );
    expect(external).toEqual({
      connectionString: 'mongodb://acct:secret@acct.mongo.cosmos.azure.com:10255/?ssl=true',
    });
    expect(cosmosMongoService.describe(external)).toBe(
      'mongodb://acct:***@acct.mongo.cosmos.azure.com:10255/?ssl=true (external)',
    );
  });
});
