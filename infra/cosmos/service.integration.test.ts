import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedStartFrom, StatusCodes } from '@azure/cosmos';
import { isAlive, stopProcess } from '../process/index.ts';
import type { StartContext } from '../stack/service.ts';
import type { CosmosEntry } from '../stack/stack-file.ts';
import { cosmosClient } from './client.ts';
import { cosmosService } from './service.ts';

const home = mkdtempSync(join(tmpdir(), 'cosmos-service-'));
const started: CosmosEntry[] = [];

function context(
  env: NodeJS.ProcessEnv = process.env,
  profile: StartContext['profile'] = 'local',
): StartContext {
  return { profile, services: {}, env, ephemeralPorts: true, progress: () => {} };
}

beforeAll(() => {
  process.env.HACK_HOME = home; // serviceDataDir/serviceLogFile read it: this file's emulator lives here
});
afterAll(async () => {
  for (const entry of started) if (entry.pid) await stopProcess(entry.pid, 5000);
  rmSync(home, { recursive: true, force: true });
});

async function start(): Promise<CosmosEntry> {
  const entry = await cosmosService.start(context());
  started.push(entry);
  return entry;
}

describe('Cosmos emulator as a stack service (its own process)', () => {
  it('keeps every acknowledged write, LSNs and _rids across kill -9, so saved change-feed tokens resume', async () => {
    const first = await start();
    expect(first.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(first.tlsInsecure).toBe(true);
    expect(await cosmosService.isHealthy(first)).toBe(true);
    let client = cosmosClient(first);
    const { database } = await client.databases.createIfNotExists({ id: 'durable' });
    const { container } = await database.containers.createIfNotExists({
      id: 'c',
      partitionKey: { paths: ['/pk'] },
    });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => container.items.create({ id: `d${i}`, pk: `p${i % 5}` })),
    );
    const before = (await container.items.query('SELECT c.id, c._rid, c._lsn, c._etag FROM c').fetchAll())
      .resources;
    const iterator = container.items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Beginning(),
      maxItemCount: 1000,
    });
    const page = await iterator.readNext();
    expect(page.result).toHaveLength(200);
    const token = page.continuationToken;
    client.dispose();

    process.kill(first.pid!, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(first.pid); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(first.pid)).toBe(false);
    expect(await cosmosService.isHealthy(first)).toBe(false);

    const second = await start();
    client = cosmosClient(second);
    const reopened = client.database('durable').container('c');
    const after = (await reopened.items.query('SELECT c.id, c._rid, c._lsn, c._etag FROM c').fetchAll())
      .resources;
    expect(after).toEqual(before);
    await reopened.items.create({ id: 'new', pk: 'p0' });
    const resumed = reopened.items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Continuation(token),
    });
    const next = await resumed.readNext();
    expect(next.statusCode).toBe(StatusCodes.Ok);
    expect(next.result.map((d: { id: string }) => d.id)).toEqual(['new']);
    client.dispose();
  });

  it('records an external account without starting anything in the external profile', async () => {
    const entry = await cosmosService.start(
      context(
        { COSMOS_ENDPOINT: 'https://example.documents.azure.com:443/', COSMOS_KEY: 'a2V5' },
        'external',
      ),
    );
    expect(entry).toEqual({ endpoint: 'https://example.documents.azure.com:443/', key: 'a2V5' });
    expect(cosmosService.describe(entry)).toContain('external');
  });
});
