import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { afterAll, describe, expect, it } from 'vitest';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';

describe('Schema Registry as a stack service', () => {
  const home = mkdtempSync(join(tmpdir(), 'schema-registry-stack-'));
  const previousHome = process.env.HACK_HOME;
  process.env.HACK_HOME = home;
  afterAll(async () => {
    await down().catch(() => undefined);
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });

  it('runs as its own process, keeps every acknowledged registration across kill -9', async () => {
    const first = await up({ only: ['schema-registry'], ephemeralPorts: true });
    expect(first.outcomes['schema-registry']).toBe('started');
    const entry = readStack()!.services['schema-registry']!;
    expect(entry).toEqual({
      pid: expect.any(Number),
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const client = new SchemaRegistryClient({ baseURLs: [entry.url], maxRetries: 0 });
    const schema = { schemaType: 'JSON', schema: '{"type":"object","properties":{"id":{"type":"string"}}}' };
    const id = await client.register('users-value', schema);
    await client.updateCompatibility('users-value', 'FULL' as never);

    process.kill(entry.pid!, 'SIGKILL');
    const second = await up({ only: ['schema-registry'], ephemeralPorts: true });
    expect(second.outcomes['schema-registry']).toBe('recovered');
    const restarted = new SchemaRegistryClient({
      baseURLs: [readStack()!.services['schema-registry']!.url],
      maxRetries: 0,
    });
    expect(await restarted.getAllSubjects()).toEqual(['users-value']);
    expect((await restarted.getLatestSchemaMetadata('users-value')).id).toBe(id);
    expect(await restarted.getCompatibility('users-value')).toBe('FULL');
    expect(await restarted.register('users-value', schema)).toBe(id);
  });
});
