import { badRequest, CosmosError } from '../errors.ts';
import { isTrue, ok, type CosmosRequest, type CosmosResponse } from '../http.ts';
import { parsePartitionKeyHeader, type ContainerState, type CosmosStore } from '../store/index.ts';
import { runListQuery } from './feeds.ts';

/**
 * The account (`GET /`), databases, containers, partition key ranges and offers. Replies carry `id:
 * "localhost"` so the SDK keeps the endpoint it was given instead of following advertised locations.
 */
export function account(endpoint: string): CosmosResponse {
  const location = [{ name: 'South Central US', databaseAccountEndpoint: endpoint }];
  return ok(
    {
      _self: '',
      id: 'localhost',
      _rid: 'localhost',
      media: '//media/',
      addresses: '//addresses/',
      _dbs: '//dbs/',
      writableLocations: location,
      readableLocations: location,
      enableMultipleWriteLocations: false,
      userReplicationPolicy: { asyncReplication: false, minReplicaSetSize: 1, maxReplicasetSize: 4 },
      userConsistencyPolicy: { defaultConsistencyLevel: 'Session' },
      systemReplicationPolicy: { minReplicaSetSize: 1, maxReplicasetSize: 4 },
      readPolicy: { primaryReadCoefficient: 1, secondaryReadCoefficient: 1 },
      queryEngineConfiguration:
        '{"maxSqlQueryInputLength":262144,"maxJoinsPerSqlQuery":5,"maxLogicalAndPerSqlQuery":500,"maxLogicalOrPerSqlQuery":500,"maxUdfRefPerSqlQuery":10,"maxInExpressionItemsCount":16000,"queryMaxInMemorySortDocumentCount":500,"maxQueryRequestTimeoutFraction":0.9,"sqlAllowNonFiniteNumbers":false,"sqlAllowAggregateFunctions":true,"sqlAllowSubQuery":true,"sqlAllowScalarSubQuery":true,"allowNewKeywords":true,"sqlAllowLike":true,"sqlAllowGroupByClause":true,"maxSpatialQueryCells":12,"spatialMaxGeometryPointCount":256,"sqlDisableQueryILOptimization":false,"sqlDisableFilterPlanOptimization":false}',
    },
    {
      'x-ms-max-media-storage-usage-mb': '10240',
      'x-ms-media-storage-usage-mb': '0',
      'x-ms-databaseaccount-consumed-mb': '0',
    },
  );
}

export async function databases(request: CosmosRequest, store: CosmosStore): Promise<CosmosResponse> {
  const [, id] = request.segments;
  if (id === undefined) {
    if (request.method === 'GET') {
      return listBody(
        'Databases',
        [...store.databases.values()].map((d) => d.resource),
      );
    }
    if (request.method === 'POST') {
      if (isTrue(request.header('x-ms-documentdb-isquery'))) {
        return runListQuery(request, 'Databases', '', () =>
          [...store.databases.values()].map((d) => d.resource),
        );
      }
      return ok(await store.createDatabase(objectBody(await request.json())), {}, 201);
    }
  } else {
    if (request.method === 'GET') return ok(store.database(id).resource);
    if (request.method === 'DELETE') {
      await store.deleteDatabase(id);
      return { status: 204 };
    }
  }
  throw methodNotAllowed(request);
}

export async function containers(request: CosmosRequest, store: CosmosStore): Promise<CosmosResponse> {
  const [, db, , id, child] = request.segments;
  const database = store.database(db!);
  if (id === undefined) {
    const list = () => [...database.containers.values()].map((c) => c.resource);
    if (request.method === 'GET') return listBody('DocumentCollections', list(), database.resource._rid);
    if (request.method === 'POST') {
      if (isTrue(request.header('x-ms-documentdb-isquery'))) {
        return runListQuery(request, 'DocumentCollections', database.resource._rid, list);
      }
      return ok(await store.createContainer(db!, objectBody(await request.json())), {}, 201);
    }
    throw methodNotAllowed(request);
  }
  if (child === 'pkranges') {
    const container = store.container(db!, id);
    // The Java SDK reads ranges as an incremental feed (A-IM + If-None-Match) and asks until told "unchanged".
    const etag = `"${container.resource._rid}"`;
    if (request.header('a-im') !== undefined && request.header('if-none-match') === etag)
      return { status: 304, headers: { etag } };
    return listBody(
      'PartitionKeyRanges',
      [
        {
          _rid: `${container.resource._rid}AgAAAAAAAA==`,
          id: '0',
          _etag: '"00000000-0000-0000-0000-000000000000"',
          minInclusive: '',
          maxExclusive: 'FF',
          ridPrefix: 0,
          _self: `${container.resource._self}pkranges/0/`,
          throughputFraction: 1,
          status: 'online',
          parents: [],
          _ts: container.resource._ts,
          _lsn: container.durableLsn,
        },
      ],
      container.resource._rid,
      { etag },
    );
  }
  if (child === 'operations' && request.segments[5] === 'partitionkeydelete' && request.method === 'POST') {
    return deletePartition(request, store, store.container(db!, id));
  }
  if (child !== undefined)
    throw new CosmosError(
      400,
      `The emulator does not support ${child} (stored procedures, triggers, UDFs and conflicts are not emulated).`,
    );
  if (request.method === 'GET') return ok(store.container(db!, id).resource);
  if (request.method === 'PUT')
    return ok(await store.replaceContainer(db!, id, objectBody(await request.json())));
  if (request.method === 'DELETE') {
    await store.deleteContainer(db!, id);
    return { status: 204 };
  }
  throw methodNotAllowed(request);
}

/** `container.deleteAllItemsForPartitionKey()`: every item of the key (or key prefix), in one transaction. */
async function deletePartition(
  request: CosmosRequest,
  store: CosmosStore,
  container: ContainerState,
): Promise<CosmosResponse> {
  const key = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));
  if (!key) throw badRequest('PartitionKey value must be supplied for this operation.');
  await store.write(container, (tx) => {
    for (const doc of [...container.documents(key)])
      container.delete(tx, doc.id, container.partitionKeyOf(doc));
  });
  return ok({});
}

/** Throughput is not emulated: the offers feed is empty, so `readOffer()` answers "no offer". */
export function offers(): CosmosResponse {
  return listBody('Offers', []);
}

export function listBody(
  name: string,
  items: unknown[],
  rid = '',
  headers: Record<string, string> = {},
): CosmosResponse {
  return ok(
    { _rid: rid, [name]: items, _count: items.length },
    { 'x-ms-item-count': String(items.length), ...headers },
  );
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

export function methodNotAllowed(request: CosmosRequest): CosmosError {
  return new CosmosError(405, `${request.method} is not supported on /${request.segments.join('/')}.`);
}
