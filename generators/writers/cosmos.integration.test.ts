import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../infra/cosmos/test-support.ts';
import { uniqueName } from '../../infra/testing/helpers.ts';
import { contentHash } from '../canonical.ts';
import { ManifestBuilder } from '../manifest.ts';
import { CATALOG_TOPICS, type Topic } from '../model.ts';
import { manifestHeader, runGeneration } from '../run.ts';
import { generateScenario, resolveScenario } from '../scenario.ts';
import { catalogTargets, cosmosWriter } from './cosmos.ts';

let cosmos: TestEmulator;
beforeAll(async () => {
  cosmos = await startTestEmulator();
});
afterAll(async () => {
  await cosmos?.close();
});

describe('the Cosmos writer (our emulator, through @azure/cosmos)', () => {
  it('seeds users (/id) and products (/category) by bulk upsert; the final version of every id is stored', async () => {
    const database = uniqueName('retail');
    const targets = await catalogTargets(cosmos.client, database);
    for (const [topic, path] of [
      ['users', '/id'],
      ['products', '/category'],
    ] as const) {
      const { resource } = await (targets[topic]?.container.read() ?? Promise.reject(new Error(topic)));
      expect(resource?.partitionKey?.paths).toEqual([path]);
    }

    // Live updates repeat ids, several times within one batch of 16: each must end at its last version.
    const options = resolveScenario({ seed: 21, scale: 'users=30,products=12,events=0', liveUpdates: 60 });
    await runGeneration({
      challenge: '03',
      options,
      target: 'cosmos',
      topics: CATALOG_TOPICS,
      writer: cosmosWriter(targets, { batchSize: 16 }),
    });

    const manifest = new ManifestBuilder();
    for (const record of generateScenario(options)) manifest.add(record);
    const expected = await manifest.build(manifestHeader('03', options, 'cosmos', CATALOG_TOPICS));
    for (const topic of CATALOG_TOPICS as Topic[]) {
      const { resources } = await (targets[topic]?.container.items.readAll().fetchAll() ??
        Promise.reject(new Error(topic)));
      const stored = Object.fromEntries(resources.map((doc) => [doc.id, contentHash(topic, doc)]));
      expect(stored, topic).toEqual(expected.topics[topic].hashes);
    }
    expect(expected.topics.users.records).toBeGreaterThan(expected.topics.users.count); // updates happened
    await cosmos.client.database(database).delete();
  });
});
