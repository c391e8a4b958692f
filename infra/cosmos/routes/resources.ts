import { badRequest, CosmosError, notFound } from '../errors.ts';
import { isTrue, ok, type CosmosRequest, type CosmosResponse } from '../http.ts';
import {
  parsePartitionKeyHeader,
  type ContainerState,
  type CosmosStore,
  type ProvisionOptions,
} from '../store/index.ts';
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
      return ok(
        await store.createContainer(db!, objectBody(await request.json()), provisionOf(request)),
        {},
        201,
      );
    }
    throw methodNotAllowed(request);
  }
  if (child === 'pkranges') return partitionKeyRanges(request, store.container(db!, id));
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

/**
 * The container's physical partitions. The Java SDK reads them as an incremental feed (A-IM + If-None-Match)
 * and asks until told "unchanged" (304); the etag changes with every split.
 */
function partitionKeyRanges(request: CosmosRequest, container: ContainerState): CosmosResponse {
  const rid = container.resource._rid;
  const etag = `"${rid}.${container.nextRangeId}"`;
  if (request.header('a-im') !== undefined && request.header('if-none-match') === etag)
    return { status: 304, headers: { etag } };
  const ranges = container.ranges.map((range, index) => ({
    _rid: `${rid.slice(0, 8)}${Buffer.from([2, 0, 0, 0, 0, 0, 0, index]).toString('base64')}`.replace(
      /\//g,
      '-',
    ),
    id: range.id,
    _etag: `"00000000-0000-0000-0000-${range.id.padStart(12, '0')}"`,
    minInclusive: range.minInclusive,
    maxExclusive: range.maxExclusive,
    ridPrefix: Number(range.id),
    _self: `${container.resource._self}pkranges/${range.id}/`,
    throughputFraction: 1 / container.ranges.length,
    status: 'online',
    parents: range.parents,
    _ts: container.resource._ts,
    _lsn: container.durableLsn,
  }));
  return listBody('PartitionKeyRanges', ranges, rid, { etag });
}

/** Throughput asked for at creation: `x-ms-offer-throughput`, or autoscale's maximum. */
function provisionOf(request: CosmosRequest): ProvisionOptions {
  const manual = request.header('x-ms-offer-throughput');
  if (manual !== undefined) return { throughput: throughputValue(manual) };
  const autopilot = request.header('x-ms-cosmos-offer-autopilot-settings');
  if (autopilot !== undefined) {
    let settings: { maxThroughput?: unknown };
    try {
      settings = JSON.parse(autopilot) as { maxThroughput?: unknown };
    } catch {
      throw badRequest(`Invalid x-ms-cosmos-offer-autopilot-settings ${autopilot}.`);
    }
    return { throughput: throughputValue(settings.maxThroughput, 1000), autoscale: true };
  }
  return {};
}

function throughputValue(raw: unknown, minimum = 400): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum)
    throw badRequest(`The throughput ${String(raw)} is invalid: at least ${minimum} RU/s, a whole number.`);
  return value;
}

interface Owned {
  container: ContainerState;
  database: string;
}

/**
 * Offers: each container's throughput, as `readOffer()`/`readThroughput()` find it (a query on `resource` or
 * `offerResourceId`) and `replace()`/`replaceThroughput()` change it. Raising it past 10,000 RU/s per partition
 * splits partitions, as the service does.
 */
export async function offers(request: CosmosRequest, store: CosmosStore): Promise<CosmosResponse> {
  const owned: Owned[] = [...store.databases.values()].flatMap((d) =>
    [...d.containers.values()].map((container) => ({ container, database: d.resource.id })),
  );
  const id = request.segments[1];
  if (id === undefined) {
    const list = () => owned.map(({ container }) => offerOf(container));
    if (request.method === 'GET') return listBody('Offers', list());
    if (request.method === 'POST' && isTrue(request.header('x-ms-documentdb-isquery')))
      return runListQuery(request, 'Offers', '', list);
    throw methodNotAllowed(request);
  }
  const target = owned.find(({ container }) => offerId(container) === id);
  if (!target) throw notFound(`Offer ${id}`);
  if (request.method === 'GET') return ok(offerOf(target.container));
  if (request.method !== 'PUT') throw methodNotAllowed(request);
  const body = objectBody(await request.json()) as {
    content?: { offerThroughput?: unknown; offerAutopilotSettings?: { maxThroughput?: unknown } };
  };
  const autopilot = body.content?.offerAutopilotSettings;
  const throughput = autopilot
    ? throughputValue(autopilot.maxThroughput, 1000)
    : throughputValue(body.content?.offerThroughput);
  await store.replaceThroughput(target.container, throughput, autopilot !== undefined);
  return ok(offerOf(target.container));
}

function offerId(container: ContainerState): string {
  return container.resource._rid.slice(0, 4) + container.resource._rid.slice(8, 12);
}

function offerOf(container: ContainerState): Record<string, unknown> {
  const id = offerId(container);
  const content: Record<string, unknown> = container.autoscale
    ? {
        offerThroughput: Math.max(400, container.throughput / 10),
        offerIsRUPerMinuteThroughputEnabled: false,
        offerAutopilotSettings: { maxThroughput: container.throughput },
      }
    : { offerThroughput: container.throughput, offerIsRUPerMinuteThroughputEnabled: false };
  return {
    resource: container.resource._self,
    offerType: 'Invalid',
    offerResourceId: container.resource._rid,
    offerVersion: 'V2',
    content,
    id,
    _rid: id,
    _self: `offers/${id}/`,
    _etag: `"${container.resource._rid}.${container.throughput}"`,
    _ts: container.resource._ts,
  };
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
