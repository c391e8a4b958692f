import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistryApp, registryContentType } from './server.ts';
import { RegistryStore } from './store.ts';

/** The REST surface in-process (`app.request()`): paths, status codes and Confluent's error bodies. */

let dataDir: string;
let store: RegistryStore;
let app: ReturnType<typeof createRegistryApp>;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'registry-unit-'));
  store = new RegistryStore(dataDir);
  app = createRegistryApp(store);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; type: string | null }> {
  const response = await app.request(path, {
    method,
    headers: { 'content-type': registryContentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json(), type: response.headers.get('content-type') };
}

const schema = (properties: Record<string, unknown>) => ({
  schemaType: 'JSON',
  schema: JSON.stringify({ type: 'object', properties }),
});

describe('Schema Registry REST API', () => {
  it('answers in its own content type with Confluent-shaped bodies', async () => {
    const registered = await call(
      'POST',
      '/subjects/users-value/versions',
      schema({ id: { type: 'string' } }),
    );
    expect(registered).toMatchObject({ status: 200, type: registryContentType, body: { id: 1, version: 1 } });
    const byId = await call('GET', '/schemas/ids/1');
    expect(byId.body).toEqual({
      schemaType: 'JSON',
      schema: '{"type":"object","properties":{"id":{"type":"string"}}}',
    });
    expect((await call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'users-value', version: 1 },
    ]);
    const guid = (registered.body as { guid: string }).guid;
    expect((await call('GET', `/schemas/guids/${guid}`)).body).toEqual(byId.body);
    expect((await call('GET', '/subjects/users-value/versions/latest/schema')).body).toEqual({
      type: 'object',
      properties: { id: { type: 'string' } },
    });
    expect((await call('GET', '/schemas/types')).body).toEqual(['JSON', 'AVRO']);
  });

  it('uses Confluent\u2019s error codes for bad versions, levels and missing configs', async () => {
    await call('POST', '/subjects/users-value/versions', schema({ id: { type: 'string' } }));
    expect(await call('GET', '/subjects/users-value/versions/zero')).toMatchObject({
      status: 422,
      body: { error_code: 42202 },
    });
    expect(await call('GET', '/subjects/users-value/versions/7')).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
    expect(await call('PUT', '/config', { compatibility: 'SOMETIMES' })).toMatchObject({
      status: 422,
      body: { error_code: 42203 },
    });
    expect(await call('GET', '/config/users-value')).toMatchObject({
      status: 404,
      body: { error_code: 40408 },
    });
    expect((await call('GET', '/config/users-value?defaultToGlobal=true')).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    });
    expect((await call('PUT', '/config/users-value', { compatibility: 'full_transitive' })).body).toEqual({
      compatibility: 'FULL_TRANSITIVE',
    });
    expect((await call('GET', '/config/users-value')).body).toEqual({
      compatibilityLevel: 'FULL_TRANSITIVE',
    });
    expect((await call('DELETE', '/config/users-value')).body).toEqual({
      compatibilityLevel: 'FULL_TRANSITIVE',
    });
    expect(
      await call('POST', '/subjects/users-value/versions', { schema: '{"type":', schemaType: 'JSON' }),
    ).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error_code: 404 } });
  });

  it('soft- and permanently deletes versions, and looks deleted ones up only when asked', async () => {
    const v1 = schema({ id: { type: 'string' } });
    await call('POST', '/subjects/returns-value/versions', v1);
    await call('PUT', '/config/returns-value', { compatibility: 'NONE' });
    await call('POST', '/subjects/returns-value/versions', schema({ other: { type: 'integer' } }));
    expect(await call('DELETE', '/subjects/returns-value/versions/1?permanent=true')).toMatchObject({
      body: { error_code: 40407 },
    });
    expect((await call('DELETE', '/subjects/returns-value/versions/1')).body).toBe(1);
    expect(await call('DELETE', '/subjects/returns-value/versions/1')).toMatchObject({
      body: { error_code: 40406 },
    });
    expect((await call('GET', '/subjects/returns-value/versions')).body).toEqual([2]);
    expect((await call('GET', '/subjects/returns-value/versions?deleted=true')).body).toEqual([1, 2]);
    expect(await call('POST', '/subjects/returns-value', v1)).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    });
    expect((await call('POST', '/subjects/returns-value?deleted=true', v1)).body).toMatchObject({
      id: 1,
      version: 1,
    });
    expect((await call('DELETE', '/subjects/returns-value/versions/1?permanent=true')).body).toBe(1);
    // registering v1 again makes a new version with the old id
    expect((await call('POST', '/subjects/returns-value/versions', v1)).body).toMatchObject({
      id: 1,
      version: 3,
    });
  });

  it('answers compatibility checks, with messages when verbose', async () => {
    await call('POST', '/subjects/purchases-value/versions', schema({ id: { type: 'string' } }));
    const candidate = schema({ id: { type: 'integer' } });
    expect(
      (await call('POST', '/compatibility/subjects/purchases-value/versions/latest', candidate)).body,
    ).toEqual({ is_compatible: false });
    const verbose = await call(
      'POST',
      '/compatibility/subjects/purchases-value/versions/1?verbose=true',
      candidate,
    );
    expect(verbose.body).toMatchObject({
      is_compatible: false,
      messages: expect.arrayContaining([expect.stringContaining('TYPE_CHANGED')]),
    });
    expect(
      await call('POST', '/compatibility/subjects/nothing-value/versions/latest', candidate),
    ).toMatchObject({ status: 404, body: { error_code: 40401 } });
    expect((await call('POST', '/compatibility/subjects/nothing-value/versions', candidate)).body).toEqual({
      is_compatible: true,
    });
  });

  it('keeps its state in the data dir', async () => {
    await call('POST', '/subjects/users-value/versions', schema({ id: { type: 'string' } }));
    await call('PUT', '/config', { compatibility: 'FORWARD' });
    store.close();
    store = new RegistryStore(dataDir);
    app = createRegistryApp(store);
    expect((await call('GET', '/subjects')).body).toEqual(['users-value']);
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'FORWARD' });
    expect(
      (await call('POST', '/subjects/other-value/versions', schema({ x: { type: 'string' } }))).body,
    ).toMatchObject({ id: 2 });
  });
});
