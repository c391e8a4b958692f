import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnDetached, typescriptServiceCommand, waitUntil } from '../process/index.ts';
import { waitFor } from '../testing/helpers.ts';
import { searchClient, searchIndexClient } from './client.ts';
import { keysFor } from './emulator.ts';
import { peopleIndex } from './test-fixtures.ts';
import type { SearchEntry } from '../stack/stack-file.ts';

/** The emulator as `hack up` runs it: its own OS process, killed with SIGKILL mid-life, restarted on the same data. */
async function startProcess(dataDir: string, port: number): Promise<number> {
  const { command, args } = typescriptServiceCommand(join(import.meta.dirname, 'main.ts'), [
    '--data-dir',
    dataDir,
    '--port',
    String(port),
  ]);
  const child = spawnDetached(command, args, { logFile: join(dataDir, 'emulator.log') });
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${port}/servicestats`).catch(() => undefined))?.status === 401,
    {
      timeoutMs: 60_000,
      what: 'the Search emulator process',
    },
  );
  return child.pid;
}

describe('Search emulator: durability', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'search-durable-'));
  const pids: number[] = [];
  afterAll(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged index action across kill -9 and restart, with the same keys', async () => {
    const port = await freePort();
    const keys = keysFor(dataDir);
    const entry: SearchEntry = { endpoint: `http://127.0.0.1:${port}`, ...keys };
    pids.push(await startProcess(dataDir, port));
    await searchIndexClient(entry).createIndex(peopleIndex('durable'));
    const client = searchClient(entry, 'durable');
    for (let batch = 0; batch < 5; batch++) {
      await client.uploadDocuments(
        Array.from({ length: 200 }, (_, i) => ({ id: `d${batch}-${i}`, name: `person ${batch} ${i}` })),
      );
    }
    await client.mergeDocuments([{ id: 'd0-0', name: 'merged before the crash' }]);
    await client.deleteDocuments('id', ['d0-1']);
    process.kill(pids[0]!, 'SIGKILL');
    await waitFor(
      async () => (await fetch(`${entry.endpoint}/servicestats`).catch(() => undefined)) === undefined,
      {
        description: 'the killed emulator to stop answering',
      },
    );

    pids.push(await startProcess(dataDir, port));
    expect(await client.getDocumentsCount()).toBe(999);
    expect((await client.getDocument('d0-0')).name).toBe('merged before the crash');
    await expect(client.getDocument('d0-1')).rejects.toMatchObject({ statusCode: 404 });
    const found = await client.search('merged', { searchFields: ['name'] });
    expect(found.count ?? (await collect(found.results)).length).toBeGreaterThan(0);
    expect(keysFor(dataDir)).toEqual(keys);
  });

  it('keeps every batch acknowledged while others were still in flight across kill -9', async () => {
    const ownDir = mkdtempSync(join(dataDir, 'concurrent-'));
    const port = await freePort();
    const entry: SearchEntry = { endpoint: `http://127.0.0.1:${port}`, ...keysFor(ownDir) };
    pids.push(await startProcess(ownDir, port));
    await searchIndexClient(entry).createIndex(peopleIndex('concurrent'));
    const client = searchClient(entry, 'concurrent');
    const acknowledged: string[] = [];
    let killed = false;
    const batches = Array.from({ length: 40 }, (_, batch) =>
      client
        .uploadDocuments(
          Array.from({ length: 50 }, (_, i) => ({ id: `c${batch}-${i}`, name: `person ${i}` })),
        )
        .then(
          () => {
            if (killed) return;
            acknowledged.push(...Array.from({ length: 50 }, (_, i) => `c${batch}-${i}`));
            // Killed once some batches are answered, while the rest are queued, being written or being synced.
            if (acknowledged.length >= 500) {
              killed = true;
              process.kill(pids.at(-1)!, 'SIGKILL');
            }
          },
          () => undefined,
        ),
    );
    await Promise.all(batches);
    expect(killed).toBe(true);
    await waitFor(
      async () => (await fetch(`${entry.endpoint}/servicestats`).catch(() => undefined)) === undefined,
      {
        description: 'the killed emulator to stop answering',
      },
    );

    pids.push(await startProcess(ownDir, port));
    const missing: string[] = [];
    for (const id of acknowledged) {
      const found = await client.getDocument(id).then(
        () => true,
        () => false,
      );
      if (!found) missing.push(id);
    }
    expect(missing).toEqual([]);
  });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
