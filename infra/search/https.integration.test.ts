import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureKeyCredential, SearchIndexClient } from '@azure/search-documents';
import { startSearchEmulator, type SearchEmulator } from './emulator.ts';

describe('Search emulator over HTTPS', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'search-https-'));
  let emulator: SearchEmulator | undefined;
  afterAll(async () => {
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the SDK over TLS with its self-signed certificate trusted explicitly', async () => {
    emulator = await startSearchEmulator({ dataDir, https: true });
    expect(emulator.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const client = new SearchIndexClient(emulator.endpoint, new AzureKeyCredential(emulator.adminKey), {
      tlsOptions: { ca: emulator.certificate },
    });
    await client.createIndex({ name: 'tls', fields: [{ name: 'id', type: 'Edm.String', key: true }] });
    expect((await client.getIndex('tls')).name).toBe('tls');
    const untrusting = new SearchIndexClient(emulator.endpoint, new AzureKeyCredential(emulator.adminKey), {
      retryOptions: { maxRetries: 0 },
    });
    await expect(untrusting.getIndex('tls')).rejects.toThrow(/certificate/i);
  });
});
