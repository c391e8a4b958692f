import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../errors.ts';
import { isTrue, ok, type CosmosRequest, type CosmosResponse } from '../http.ts';
import type { CosmosStore, PermissionResource, UserState } from '../store/index.ts';
import { listBody, methodNotAllowed, objectBody } from './resources.ts';
import { runListQuery } from './feeds.ts';

/**
 * Users and permissions: `…/users[/{u}[/permissions[/{p}]]]`. A permission's `_token` is a resource token (`type=
 * resource&ver=1&sig=…`) that authorizes requests under its `resource` link — Read for reads and queries, All
 * for everything.
 */
export async function users(request: CosmosRequest, store: CosmosStore): Promise<CosmosResponse> {
  const [, db, , userId, child, permissionId] = request.segments;
  const database = store.database(db!);
  const dbId = database.resource.id;
  if (userId === undefined) {
    const list = () => [...database.users.values()].map((u) => u.resource);
    if (request.method === 'GET') return listBody('Users', list(), database.resource._rid);
    if (request.method !== 'POST') throw methodNotAllowed(request);
    if (isTrue(request.header('x-ms-documentdb-isquery')))
      return runListQuery(request, 'Users', database.resource._rid, list);
    const body = objectBody(await request.json());
    const id = nameOf(body);
    if (database.users.has(id)) throw conflict();
    const user = userResource(body, id, database.resource._rid);
    await store.writeUser({ op: 'user', db: dbId, user });
    return ok(user, {}, 201);
  }
  const user = [...database.users.values()].find(
    (u) => u.resource.id === userId || u.resource._rid === userId,
  );
  if (!user) throw notFound(`User ${userId}`);
  if (child === undefined) {
    if (request.method === 'GET') return ok(user.resource);
    if (request.method === 'DELETE') {
      await store.writeUser({ op: 'dropuser', db: dbId, id: user.resource.id });
      return { status: 204 };
    }
    if (request.method !== 'PUT') throw methodNotAllowed(request);
    const body = objectBody(await request.json());
    const replaced = {
      ...userResource(body, nameOf(body), database.resource._rid),
      _rid: user.resource._rid,
    };
    await store.writeUser({ op: 'user', db: dbId, user: replaced, replaces: user.resource.id });
    return ok(replaced);
  }
  if (child !== 'permissions') throw notFound(`/${request.segments.join('/')}`);
  return permissions(request, store, dbId, user, permissionId);
}

async function permissions(
  request: CosmosRequest,
  store: CosmosStore,
  dbId: string,
  user: UserState,
  permissionId: string | undefined,
): Promise<CosmosResponse> {
  const userName = user.resource.id;
  if (permissionId === undefined) {
    const list = () => [...user.permissions.values()];
    if (request.method === 'GET') return listBody('Permissions', list(), user.resource._rid);
    if (request.method !== 'POST') throw methodNotAllowed(request);
    if (isTrue(request.header('x-ms-documentdb-isquery')))
      return runListQuery(request, 'Permissions', user.resource._rid, list);
    const body = objectBody(await request.json());
    const upsert = isTrue(request.header('x-ms-documentdb-is-upsert'));
    const id = nameOf(body);
    const existing = user.permissions.get(id);
    if (existing && !upsert) throw conflict();
    const perm = permissionResource(body, id, existing);
    await store.writeUser({ op: 'perm', db: dbId, user: userName, perm });
    return ok(perm, {}, existing ? 200 : 201);
  }
  const perm = [...user.permissions.values()].find((p) => p.id === permissionId || p._rid === permissionId);
  if (!perm) throw notFound(`Permission ${permissionId}`);
  if (request.method === 'GET') return ok(perm);
  if (request.method === 'DELETE') {
    await store.writeUser({ op: 'dropperm', db: dbId, user: userName, id: perm.id });
    return { status: 204 };
  }
  if (request.method !== 'PUT') throw methodNotAllowed(request);
  const body = objectBody(await request.json());
  const replaced = permissionResource(body, nameOf(body), perm);
  await store.writeUser({ op: 'perm', db: dbId, user: userName, perm: replaced, replaces: perm.id });
  return ok(replaced);
}

function nameOf(body: Record<string, unknown>): string {
  if (typeof body.id !== 'string' || !/^[^/\\?#]{1,255}$/.test(body.id))
    throw badRequest(`The id ${JSON.stringify(body.id)} is invalid: 1 to 255 characters, none of / \\ ? #.`);
  return body.id;
}

function userResource(body: Record<string, unknown>, id: string, databaseRid: string): UserState['resource'] {
  const rid = randomBytes(8).toString('base64').replace(/\//g, '-');
  return {
    ...body,
    id,
    _rid: rid,
    _self: `dbs/${databaseRid}/users/${rid}/`,
    _etag: `"${randomUUID()}"`,
    _permissions: 'permissions/',
    _ts: Math.floor(Date.now() / 1000),
  };
}

function permissionResource(
  body: Record<string, unknown>,
  id: string,
  existing: PermissionResource | undefined,
): PermissionResource {
  const mode = typeof body.permissionMode === 'string' ? body.permissionMode.toLowerCase() : '';
  if (mode !== 'read' && mode !== 'all') throw badRequest('permissionMode must be Read or All.');
  if (typeof body.resource !== 'string' || body.resource.trim() === '')
    throw badRequest('A permission needs the link of the resource it grants (e.g. dbs/db/colls/c).');
  const rid = existing?._rid ?? randomBytes(12).toString('base64').replace(/\//g, '-');
  return {
    ...body,
    id,
    permissionMode: body.permissionMode as string,
    resource: body.resource,
    _rid: rid,
    _self: `permissions/${rid}/`,
    _etag: `"${randomUUID()}"`,
    _token: existing?._token ?? `type=resource&ver=1&sig=${randomBytes(24).toString('base64')}`,
    _ts: Math.floor(Date.now() / 1000),
  };
}
