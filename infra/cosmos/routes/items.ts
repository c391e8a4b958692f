import { badRequest, CosmosError } from '../errors.ts';
import { isTrue, ok, type CosmosRequest, type CosmosResponse } from '../http.ts';
import {
  parsePartitionKeyHeader,
  type ContainerState,
  type CosmosStore,
  type Document,
} from '../store/index.ts';

/** The partition key of a point operation: the header, or "none" for containers without one. */
export function requirePartitionKey(request: CosmosRequest, container: ContainerState): unknown[] {
  const header = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));
  if (header) return header;
  if (container.partitionKey.systemKey) return [];
  throw badRequest(
    'PartitionKey value must be supplied for this operation (header x-ms-documentdb-partitionkey).',
  );
}

/** A point operation's headers: the session token names the physical partition that holds the item. */
export function documentHeaders(doc: Document, container: ContainerState): Record<string, string> {
  return {
    etag: doc._etag,
    'x-ms-session-token': `${container.rangeIdOf(doc)}:-1#${doc._lsn}`,
    lsn: String(doc._lsn),
  };
}

/** Items as the service returns them: `_lsn` is a change-feed field, not part of an item. */
export function itemBody(doc: Document): Record<string, unknown> {
  const { _lsn, ...item } = doc;
  void _lsn;
  return item;
}

/** `POST …/docs`: create, or upsert with `x-ms-documentdb-is-upsert`. */
export async function createItem(
  request: CosmosRequest,
  store: CosmosStore,
  container: ContainerState,
): Promise<CosmosResponse> {
  const body = await request.json();
  const pk = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));
  if (isTrue(request.header('x-ms-documentdb-is-upsert'))) {
    const ifMatch = request.header('if-match');
    const { doc, created } = await store.write(container, (tx) => container.upsert(tx, body, pk, ifMatch));
    return ok(itemBody(doc), documentHeaders(doc, container), created ? 201 : 200);
  }
  const doc = await store.write(container, (tx) => container.create(tx, body, pk));
  return ok(itemBody(doc), documentHeaders(doc, container), 201);
}

/** `GET | PUT | PATCH | DELETE …/docs/{id}`. */
export async function item(
  request: CosmosRequest,
  store: CosmosStore,
  container: ContainerState,
  id: string,
): Promise<CosmosResponse> {
  const pk = requirePartitionKey(request, container);
  const ifMatch = request.header('if-match');
  switch (request.method) {
    case 'GET': {
      const doc = container.read(pk, id);
      if (request.header('if-none-match') === doc._etag)
        return { status: 304, headers: documentHeaders(doc, container) };
      return ok(itemBody(doc), documentHeaders(doc, container));
    }
    case 'PUT': {
      const body = await request.json();
      const doc = await store.write(container, (tx) => container.replace(tx, id, pk, body, ifMatch));
      return ok(itemBody(doc), documentHeaders(doc, container));
    }
    case 'PATCH': {
      const body = await request.json();
      const doc = await store.write(container, (tx) => container.patch(tx, id, pk, body, ifMatch));
      return ok(itemBody(doc), documentHeaders(doc, container));
    }
    case 'DELETE': {
      const doc = container.read(pk, id);
      await store.write(container, (tx) => container.delete(tx, id, pk, ifMatch));
      return {
        status: 204,
        headers: { 'x-ms-session-token': `${container.rangeIdOf(doc)}:-1#${container.lsn}` },
      };
    }
    default:
      throw new CosmosError(405, `${request.method} is not supported on items.`);
  }
}
