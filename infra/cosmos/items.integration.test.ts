import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusCodes, type Container, type ErrorResponse, type PatchOperation } from '@azure/cosmos';
import { cosmosClient } from './client.ts';
import { startTestEmulator, type TestEmulator } from './test-support.ts';

let test: TestEmulator;
let container: Container;

beforeAll(async () => {
  test = await startTestEmulator();
  container = await test.container();
});
afterAll(async () => test?.close());

async function errorCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as ErrorResponse).code as number;
  }
}

describe('Cosmos emulator: account, databases and containers through @azure/cosmos', () => {
  it('reads the account and lists, reads and deletes databases and containers', async () => {
    const { resource: account } = await test.client.getDatabaseAccount();
    expect(account?.consistencyPolicy).toBe('Session');
    const { database } = await test.client.databases.create({ id: 'admin-db' });
    await database.containers.create({ id: 'one', partitionKey: { paths: ['/pk'] } });
    const { resources: dbs } = await test.client.databases.readAll().fetchAll();
    expect(dbs.map((d) => d.id)).toContain('admin-db');
    const { resources: colls } = await database.containers.readAll().fetchAll();
    expect(colls.map((c) => c.id)).toEqual(['one']);
    const { resource: definition } = await database.container('one').read();
    expect(definition?.partitionKey?.paths).toEqual(['/pk']);
    expect(definition?._rid).toMatch(/^[A-Za-z0-9+=-]+$/);
    expect(await errorCode(test.client.databases.create({ id: 'admin-db' }))).toBe(409);
    await database.container('one').delete();
    expect(await errorCode(database.container('one').read())).toBe(404);
    await database.delete();
    expect(await errorCode(database.read())).toBe(404);
  });

  it('serves HTTPS with a certificate clients can trust (or not verify), and plain HTTP', async () => {
    const trusting = cosmosClient({
      endpoint: test.emulator.endpoint,
      key: test.emulator.key,
      certificateFile: test.emulator.certificateFile,
    });
    expect((await trusting.getDatabaseAccount()).statusCode).toBe(200);
    trusting.dispose();
    const strict = cosmosClient({ endpoint: test.emulator.endpoint, key: test.emulator.key });
    await expect(strict.getDatabaseAccount()).rejects.toThrow(/self-signed certificate/);
    strict.dispose();
    const plain = cosmosClient({ endpoint: test.emulator.httpEndpoint, key: test.emulator.key });
    expect((await plain.databases.readAll().fetchAll()).resources.length).toBeGreaterThan(0);
    plain.dispose();
  });

  it('replaces a container definition (default TTL)', async () => {
    const c = await test.container();
    const { resource } = await c.read();
    await c.replace({ ...resource!, defaultTtl: 3600 });
    expect((await c.read()).resource?.defaultTtl).toBe(3600);
  });
});

describe('Cosmos emulator: items', () => {
  it('creates, reads, replaces, upserts and deletes with system properties', async () => {
    const created = await container.items.create({ id: 'i1', pk: 'a', n: 1 });
    expect(created.statusCode).toBe(201);
    const doc = created.resource!;
    expect(doc._rid).toBeTruthy();
    expect(doc._self).toContain('/docs/');
    expect(doc._etag).toMatch(/^".+"$/);
    expect(typeof doc._ts).toBe('number');
    // `_lsn` belongs to the change feed, not to items (the service never returns it on a point operation).
    expect(doc).not.toHaveProperty('_lsn');
    expect(created.headers.etag).toBe(doc._etag);

    const read = await container.item('i1', 'a').read();
    expect(read.resource?.n).toBe(1);
    const replaced = await container.item('i1', 'a').replace({ id: 'i1', pk: 'a', n: 2 });
    expect(replaced.resource?.n).toBe(2);
    expect(replaced.resource?._rid).toBe(doc._rid);
    expect(replaced.resource?._etag).not.toBe(doc._etag);

    const upsertNew = await container.items.upsert({ id: 'i2', pk: 'a' });
    expect(upsertNew.statusCode).toBe(201);
    const upsertOld = await container.items.upsert({ id: 'i2', pk: 'a', x: true });
    expect(upsertOld.statusCode).toBe(200);

    expect((await container.item('i2', 'a').delete()).statusCode).toBe(204);
    expect((await container.item('i2', 'a').read()).statusCode).toBe(404);
    expect(await errorCode(container.items.create({ id: 'i1', pk: 'a' }))).toBe(409);
    expect(await errorCode(container.item('missing', 'a').replace({ id: 'missing', pk: 'a' }))).toBe(404);
    // Same id in another partition is another item.
    expect((await container.items.create({ id: 'i1', pk: 'b' })).statusCode).toBe(201);
  });

  it('answers queries that pin the id from the id index, across partition keys', async () => {
    const byId = await container.items
      .query({
        query: 'SELECT c.pk FROM c WHERE c.id = @id ORDER BY c.pk',
        parameters: [{ name: '@id', value: 'i1' }],
      })
      .fetchAll();
    expect(byId.resources).toEqual([{ pk: 'a' }, { pk: 'b' }]);
    const narrowed = await container.items
      .query("SELECT VALUE c.n FROM c WHERE c.n = 2 AND 'i1' = c.id")
      .fetchAll();
    expect(narrowed.resources).toEqual([2]);
    const scoped = await container.items
      .query("SELECT VALUE c.pk FROM c WHERE c.id = 'i1'", { partitionKey: 'b' })
      .fetchAll();
    expect(scoped.resources).toEqual(['b']);
    const none = await container.items.query("SELECT VALUE COUNT(1) FROM c WHERE c.id = 'nope'").fetchAll();
    expect(none.resources).toEqual([0]);
  });

  it('honours If-Match (412) and If-None-Match (304)', async () => {
    const { resource } = await container.items.create({ id: 'etag', pk: 'e', v: 1 });
    const stale = resource!._etag;
    await container
      .item('etag', 'e')
      .replace({ id: 'etag', pk: 'e', v: 2 }, { accessCondition: { type: 'IfMatch', condition: stale } });
    expect(
      await errorCode(
        container
          .item('etag', 'e')
          .replace({ id: 'etag', pk: 'e', v: 3 }, { accessCondition: { type: 'IfMatch', condition: stale } }),
      ),
    ).toBe(412);
    expect(
      await errorCode(
        container.item('etag', 'e').delete({ accessCondition: { type: 'IfMatch', condition: stale } }),
      ),
    ).toBe(412);
    const current = (await container.item('etag', 'e').read()).resource!;
    const notModified = await container
      .item('etag', 'e')
      .read({ accessCondition: { type: 'IfNoneMatch', condition: current._etag } });
    expect(notModified.statusCode).toBe(StatusCodes.NotModified);
    expect(current.v).toBe(2);
  });

  it('supports hierarchical partition keys', async () => {
    const h = await test.container(['/tenant', '/user']);
    await h.items.create({ id: 'x', tenant: 't1', user: 'u1' });
    await h.items.create({ id: 'x', tenant: 't1', user: 'u2' });
    expect((await h.item('x', ['t1', 'u2']).read()).resource?.user).toBe('u2');
    const { resources } = await h.items
      .query('SELECT VALUE c.user FROM c', { partitionKey: ['t1'] })
      .fetchAll();
    expect(resources.sort()).toEqual(['u1', 'u2']);
  });

  it('patches with every operation and a condition', async () => {
    await container.items.create({
      id: 'p',
      pk: 'p',
      n: 1,
      tags: ['a'],
      old: 'x',
      drop: true,
      nested: { k: 1 },
    });
    const { resource } = await container.item('p', 'p').patch([
      { op: 'incr', path: '/n', value: 2 },
      { op: 'add', path: '/tags/-', value: 'b' },
      { op: 'set', path: '/nested/k', value: 5 },
      { op: 'replace', path: '/old', value: 'y' },
      { op: 'remove', path: '/drop' },
      // The service's move operation; the SDK's types do not list it yet, but it sends it unchanged.
      { op: 'move', from: '/old', path: '/renamed' } as unknown as PatchOperation,
    ]);
    expect(resource).toMatchObject({ n: 3, tags: ['a', 'b'], nested: { k: 5 }, renamed: 'y' });
    expect(resource).not.toHaveProperty('drop');
    expect(resource).not.toHaveProperty('old');
    const conditional = container
      .item('p', 'p')
      .patch({ condition: 'FROM c WHERE c.n > 10', operations: [{ op: 'set', path: '/n', value: 0 }] });
    expect(await errorCode(conditional)).toBe(412);
    const applied = await container
      .item('p', 'p')
      .patch({ condition: 'FROM c WHERE c.n = 3', operations: [{ op: 'set', path: '/n', value: 0 }] });
    expect(applied.resource?.n).toBe(0);
    expect(await errorCode(container.item('p', 'p').patch([{ op: 'set', path: '/pk', value: 'q' }]))).toBe(
      400,
    );
  });

  it('runs transactional batches all-or-nothing', async () => {
    const ok = await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'b1', pk: 'batch' } },
        { operationType: 'Upsert', resourceBody: { id: 'b2', pk: 'batch' } },
        { operationType: 'Read', id: 'b1' },
        {
          operationType: 'Patch',
          id: 'b2',
          resourceBody: { operations: [{ op: 'add', path: '/x', value: 1 }] },
        },
      ],
      'batch',
    );
    expect(ok.code).toBe(200);
    expect(ok.result?.map((r) => r.statusCode)).toEqual([201, 201, 200, 200]);
    const failed = await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'b3', pk: 'batch' } },
        { operationType: 'Create', resourceBody: { id: 'b1', pk: 'batch' } }, // exists: 409
      ],
      'batch',
    );
    expect(failed.code).toBe(207);
    expect(failed.result?.map((r) => r.statusCode)).toEqual([424, 409]);
    expect((await container.item('b3', 'batch').read()).statusCode).toBe(404); // rolled back
  });

  it('runs bulk operations (both SDK APIs), each on its own', async () => {
    const results = await container.items.executeBulkOperations(
      Array.from({ length: 250 }, (_, i) => ({
        operationType: 'Create' as const,
        partitionKey: `bulk${i % 7}`,
        resourceBody: { id: `bulk${i}`, pk: `bulk${i % 7}` },
      })),
    );
    expect(results.filter((r) => r.response?.statusCode === 201)).toHaveLength(250);
    const legacy = await container.items.bulk([
      { operationType: 'Create', resourceBody: { id: 'bulk0', pk: 'bulk0' } }, // exists
      { operationType: 'Delete', id: 'bulk1', partitionKey: 'bulk1' },
      { operationType: 'Replace', id: 'bulk2', resourceBody: { id: 'bulk2', pk: 'bulk2', v: 1 } },
    ]);
    expect(legacy.map((r) => r.statusCode)).toEqual([409, 204, 200]);
    const { resources } = await container.items
      .query('SELECT VALUE COUNT(1) FROM c WHERE STARTSWITH(c.id, "bulk")')
      .fetchAll();
    expect(resources).toEqual([249]);
  });

  it('expires items by TTL', async () => {
    const c = await test.container(['/pk'], { defaultTtl: -1 });
    await c.items.create({ id: 'short', pk: 'a', ttl: 1 });
    await c.items.create({ id: 'forever', pk: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await c.item('short', 'a').read()).statusCode).toBe(404);
    expect((await c.item('forever', 'a').read()).statusCode).toBe(200);
  });

  it('deletes every item of a partition key', async () => {
    const c = await test.container();
    for (let i = 0; i < 6; i++) await c.items.create({ id: `${i}`, pk: i % 2 ? 'odd' : 'even' });
    expect((await c.deleteAllItemsForPartitionKey('odd')).statusCode).toBe(200);
    const { resources } = await c.items.query('SELECT VALUE c.id FROM c').fetchAll();
    expect(resources).toEqual(['0', '2', '4']);
  });

  it('enforces unique key policies within a logical partition', async () => {
    const c = await test.container(['/pk'], { uniqueKeyPolicy: { uniqueKeys: [{ paths: ['/email'] }] } });
    await c.items.create({ id: '1', pk: 'a', email: 'x@example.com' });
    expect(await errorCode(c.items.create({ id: '2', pk: 'a', email: 'x@example.com' }))).toBe(409);
    expect((await c.items.create({ id: '3', pk: 'b', email: 'x@example.com' })).statusCode).toBe(201);
    expect((await c.items.upsert({ id: '1', pk: 'a', email: 'x@example.com', v: 2 })).statusCode).toBe(200);
  });

  it('rejects documents over 2 MB with 413', async () => {
    const big = { id: 'big', pk: 'a', data: 'x'.repeat(2 * 1024 * 1024) };
    expect(await errorCode(container.items.create(big))).toBe(413);
  });
});

describe('Cosmos emulator: raw HTTP where the SDK cannot reach', () => {
  let open: TestEmulator;
  beforeAll(async () => {
    open = await startTestEmulator({ acceptAnyKey: true, tls: false });
    await open.container();
  });
  afterAll(async () => open?.close());

  async function post(
    path: string,
    body: string,
  ): Promise<{ status: number; body: { code: string; message: string } }> {
    const response = await fetch(`${open.emulator.endpoint}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-ms-documentdb-partitionkey': '["a"]' },
    });
    return { status: response.status, body: (await response.json()) as { code: string; message: string } };
  }

  it('answers malformed JSON and invalid ids with 400 and a Cosmos error body', async () => {
    const { resources } = await open.client.databases.readAll().fetchAll();
    const db = resources[0]!.id;
    const path = `/dbs/${db}/colls/${(await open.client.database(db).containers.readAll().fetchAll()).resources[0]!.id}/docs`;
    const malformed = await post(path, '{not json');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('BadRequest');
    expect(malformed.body.message).toContain('not valid JSON');
    const badId = await post(path, JSON.stringify({ id: 'a/b', pk: 'a' }));
    expect(badId.status).toBe(400);
    expect(badId.body.message).toContain('invalid');
    const missing = await post('/dbs/nope/colls/nope/docs', JSON.stringify({ id: 'x', pk: 'a' }));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NotFound');
  });
});
