import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';
import { openSearchClient } from './client.ts';
import type { OpenSearchEntry } from './service.ts';

describe('OpenSearch as a stack service', () => {
  const home = mkdtempSync(join(tmpdir(), 'opensearch-stack-'));
  const previousHome = process.env.HACK_HOME;
  process.env.HACK_HOME = home;
  afterAll(async () => {
    await down().catch(() => undefined);
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });

  const entry = (): OpenSearchEntry => readStack()!.services.opensearch as OpenSearchEntry;

  it('runs the real OpenSearch 2.19.6 as its own process, answers the official client, and keeps acknowledged writes through kill -9', async () => {
    const first = await up({ only: ['opensearch'], ephemeralPorts: true });
    expect(first.outcomes.opensearch).toBe('started');
    expect(entry()).toMatchObject({
      pid: expect.any(Number),
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const client = openSearchClient(entry());
    const info = await client.info();
    expect(info.body.version.number).toBe('2.19.6');
    expect(info.body.version.distribution).toBe('opensearch');

    // analysis-common is loaded: a custom analyzer built from its filters is accepted.
    await client.indices.create({
      index: 'services',
      body: {
        settings: {
          analysis: {
            analyzer: {
              folded: {
                type: 'custom',
                tokenizer: 'standard',
                filter: ['lowercase', 'asciifolding', 'word_delimiter_graph'],
              },
            },
          },
        },
        mappings: { properties: { name: { type: 'text', analyzer: 'folded' } } },
      },
    });
    // Acknowledged without a refresh: only the translog has it when the process dies.
    await client.index({ index: 'services', id: 'svc-1', body: { name: 'Payments-Gateway Café' } });
    await client.index({
      index: 'services',
      id: 'svc-2',
      version: 7,
      version_type: 'external',
      body: { name: 'inventory-sync' },
    });

    const second = await up({ only: ['opensearch'], ephemeralPorts: true });
    expect(second.outcomes.opensearch).toBe('already running');

    process.kill(entry().pid!, 'SIGKILL');
    const third = await up({ only: ['opensearch'], ephemeralPorts: true });
    expect(third.outcomes.opensearch).toBe('recovered');
    const restarted = openSearchClient(entry());
    await restarted.indices.refresh({ index: 'services' });
    expect((await restarted.count({ index: 'services' })).body.count).toBe(2);
    expect((await restarted.get({ index: 'services', id: 'svc-2' })).body._version).toBe(7);
    const fuzzy = await restarted.search({
      index: 'services',
      body: { query: { match: { name: { query: 'paymnets cafe', fuzziness: 'AUTO', operator: 'and' } } } },
    });
    expect(fuzzy.body.hits.hits.map((hit) => hit._id)).toEqual(['svc-1']);
  }, 240_000);
});
