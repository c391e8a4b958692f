import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';
import { searchClient, searchIndexClient } from './client.ts';

describe('Search emulator as a stack service', () => {
  const home = mkdtempSync(join(tmpdir(), 'search-stack-'));
  const previousHome = process.env.HACK_HOME;
  process.env.HACK_HOME = home;
  afterAll(async () => {
    await down().catch(() => undefined);
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });

  it('is started by `hack up` as its own process, recorded in stack.json, and reused while healthy', async () => {
    const first = await up({ only: ['search'], ephemeralPorts: true });
    expect(first.outcomes.search).toBe('started');
    const entry = readStack()!.services.search!;
    expect(entry).toMatchObject({
      pid: expect.any(Number),
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(entry.adminKey).not.toBe(entry.queryKey);
    await searchIndexClient(entry).createIndex({
      name: 'stacked',
      fields: [{ name: 'id', type: 'Edm.String', key: true }],
    });
    await searchClient(entry, 'stacked').uploadDocuments([{ id: 'one' }]);

    const second = await up({ only: ['search'], ephemeralPorts: true });
    expect(second.outcomes.search).toBe('already running');

    process.kill(entry.pid!, 'SIGKILL');
    const third = await up({ only: ['search'], ephemeralPorts: true });
    expect(third.outcomes.search).toBe('recovered');
    const restarted = readStack()!.services.search!;
    expect(restarted.adminKey).toBe(entry.adminKey); // keys live in the data dir
    expect(await searchClient(restarted, 'stacked', 'query').getDocumentsCount()).toBe(1);
  });
});
