import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { verifyAuthorization, type AuthOptions } from './auth.ts';
import { CosmosError, notFound } from './errors.ts';
import { cosmosRequest, isTrue, ok, type CosmosRequest, type CosmosResponse } from './http.ts';
import { batch } from './routes/batch.ts';
import { changeFeed, isChangeFeed, isQueryPlan, queryItems, queryPlan, readFeed } from './routes/feeds.ts';
import { createItem, item } from './routes/items.ts';
import { users } from './routes/users.ts';
import { account, containers, databases, methodNotAllowed, offers } from './routes/resources.ts';
import type { CosmosStore, EmulatorMetrics } from './store/index.ts';

/** The opt-in fault knob: answer some requests with 429 so that clients' retry paths can be tested. */
export interface ThrottleOptions {
  /** Fraction of requests (0..1) answered with 429. */
  probability?: number;
  /** Answer the next N requests with 429 (then stop). */
  next?: number;
  /** `x-ms-retry-after-ms` sent with each 429. */
  retryAfterMs?: number;
}

export interface CosmosAppOptions extends AuthOptions {
  store: CosmosStore;
  /** The endpoint the account advertises; the SDK ignores it because the account id is "localhost". */
  endpoint: () => string;
  throttle?: ThrottleOptions;
}

export interface CosmosHttpResult {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/**
 * One request through throttling, auth and routing, to status, headers and a serialized body. Both front
 * ends use it: the hono app (in-process tests, `app.request()`) and the plain Node listener the server runs,
 * which skips the cost of building WHATWG requests for every call.
 */
export async function handleCosmosRequest(
  options: CosmosAppOptions,
  makeRequest: (activityId: string) => CosmosRequest,
): Promise<CosmosHttpResult> {
  const started = performance.now();
  const activityId = randomUUID();
  const throttle = (options.throttle ??= {});
  let response: CosmosResponse;
  let operation: string | undefined = 'unknown';
  try {
    const request = makeRequest(activityId);
    operation = operationOf(request);
    // The metrics endpoint (operation undefined) is the harness's, not a client's: never throttled.
    if (request.segments.length > 0 && operation !== undefined && shouldThrottle(throttle)) {
      const retryAfter = String(throttle.retryAfterMs ?? 100);
      throw new CosmosError(
        429,
        'Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later. (injected by the emulator)',
        {
          substatus: 3200,
          headers: { 'x-ms-retry-after-ms': retryAfter },
        },
      );
    }
    verifyAuthorization(options, request, (token) => options.store.permissionOfToken(token));
    response = await route(request, options);
    response.headers = { ...ownerHeaders(request, options.store), ...response.headers };
  } catch (error) {
    response = errorResponse(error, activityId);
  }
  if (operation !== undefined)
    options.store.requestMetrics.record(operation, response.status, performance.now() - started);
  const headers: Record<string, string> = {
    'x-ms-activity-id': activityId,
    'x-ms-request-charge': response.status < 300 || response.status === 304 ? '1' : '0',
    'x-ms-gatewayversion': '2.14.0',
    'x-ms-serviceversion': 'version=2.14.0.0',
    'x-ms-schemaversion': '1.18',
    ...response.headers,
  };
  if (response.body === undefined || response.status === 204 || response.status === 304) {
    return { status: response.status, headers, body: null };
  }
  headers['content-type'] = 'application/json';
  return { status: response.status, headers, body: JSON.stringify(response.body) };
}

/** The emulator's HTTP API as a hono app, testable in-process with `app.request()`. */
export function createCosmosApp(options: CosmosAppOptions): Hono {
  const app = new Hono();
  app.all('*', async (c) => {
    const result = await handleCosmosRequest(options, (activityId) => cosmosRequest(c, activityId));
    if (result.body === null) return c.body(null, result.status as 204, result.headers);
    return c.body(result.body, result.status as 200, result.headers);
  });
  return app;
}

/**
 * The owner of what a request addresses, as the service names it: `x-ms-alt-content-path` by name (`dbs/d` for a
 * container, `dbs/d/colls/c` for items and ranges) and `x-ms-content-path` by rid. The SDKs build resources'
 * links from them (Java's change feed needs the container's) and key their session tokens by them. Requests on
 * items also carry a session token (`<range>:-1#<lsn>`): the Java SDK's change feed and queries require one.
 */
function ownerHeaders(request: CosmosRequest, store: CosmosStore): Record<string, string> {
  const { segments } = request;
  if (segments[0] !== 'dbs' || segments.length < 2) return {};
  try {
    const database = store.database(segments[1]!);
    const databasePath = `dbs/${headerSafe(database.resource.id)}`;
    if (segments.length <= 4) {
      return segments.length <= 2
        ? { 'x-ms-alt-content-path': 'dbs' }
        : { 'x-ms-alt-content-path': databasePath, 'x-ms-content-path': database.resource._rid };
    }
    const container = store.container(segments[1]!, segments[3]!);
    const headers: Record<string, string> = {
      'x-ms-alt-content-path': `${databasePath}/colls/${headerSafe(container.resource.id)}`,
      'x-ms-content-path': container.resource._rid,
    };
    if (segments[4] === 'docs') {
      const range = request.header('x-ms-documentdb-partitionkeyrangeid') ?? '0';
      headers['x-ms-session-token'] = `${range}:-1#${container.lsn}`;
    }
    return headers;
  } catch {
    return {};
  }
}

/** Names may hold characters a header cannot carry; those travel URL-encoded. */
function headerSafe(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name : encodeURI(name);
}

function shouldThrottle(throttle: ThrottleOptions): boolean {
  if (throttle.next && throttle.next > 0) {
    throttle.next--;
    return true;
  }
  return (
    throttle.probability !== undefined && throttle.probability > 0 && Math.random() < throttle.probability
  );
}

function errorResponse(error: unknown, activityId: string): CosmosResponse {
  if (error instanceof CosmosError) {
    const headers: Record<string, string> = { ...error.headers };
    if (error.substatus !== undefined) headers['x-ms-substatus'] = String(error.substatus);
    return { status: error.status, body: error.body(activityId), headers };
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `[cosmos] internal error ${activityId}: ${error instanceof Error ? error.stack : message}\n`,
  );
  return {
    status: 500,
    body: { code: 'InternalServerError', message: `${message}\r\nActivityId: ${activityId}` },
  };
}

/** The emulator's own counters, at a root path the REST API does not use (its resources live under /dbs, /offers). */
const metricsPath = ['_hack', 'metrics'];

function emulatorMetrics(store: CosmosStore): EmulatorMetrics {
  const containers: EmulatorMetrics['containers'] = [];
  for (const database of store.databases.values()) {
    for (const container of database.containers.values()) {
      const readFrom = container.changeFeedReadFrom;
      containers.push({
        database: database.resource.id,
        container: container.resource.id,
        // Expired items the TTL sweeper has not deleted yet (it runs every second) still count.
        documents: container.items.size,
        lsn: container.lsn,
        ...(readFrom === undefined ? {} : { changeFeedLag: Math.max(container.lsn - readFrom, 0) }),
      });
    }
  }
  return {
    requests: store.requestMetrics.requests(),
    latency: store.requestMetrics.latency(),
    containers,
  };
}

/**
 * The operation a request is counted under: a constant per kind of request, so the counters' label values stay
 * few whatever the names in the path. Undefined for the metrics endpoint, whose scrapes are not counted.
 */
export function operationOf(request: CosmosRequest): string | undefined {
  const { segments, method } = request;
  if (segments.length === 0) return 'account';
  if (segments[0] === metricsPath[0]) return segments[1] === metricsPath[1] ? undefined : 'unknown';
  if (segments[0] === 'offers') return 'offer';
  if (segments[0] !== 'dbs') return 'unknown';
  if (segments.length <= 2) return 'database';
  if (segments[2] === 'users') return 'user';
  if (segments[2] !== 'colls') return 'unknown';
  if (segments.length <= 4 || segments[4] !== 'docs') return 'container';
  if (segments.length === 5) {
    if (method === 'GET') return isChangeFeed(request) ? 'change_feed' : 'read_feed';
    if (isQueryPlan(request)) return 'query_plan';
    if (isTrue(request.header('x-ms-documentdb-isquery'))) return 'query';
    if (isTrue(request.header('x-ms-cosmos-is-batch-request'))) return 'batch';
    return isTrue(request.header('x-ms-documentdb-is-upsert')) ? 'upsert' : 'create';
  }
  if (segments.length === 6) return itemOperations[method] ?? 'unknown';
  return 'unknown';
}

const itemOperations: Record<string, string> = {
  GET: 'read',
  PUT: 'replace',
  DELETE: 'delete',
  PATCH: 'patch',
};

async function route(request: CosmosRequest, options: CosmosAppOptions): Promise<CosmosResponse> {
  const { segments } = request;
  const store = options.store;
  if (segments.length === 0) {
    if (request.method !== 'GET') throw methodNotAllowed(request);
    return account(options.endpoint());
  }
  if (segments[0] === metricsPath[0] && segments[1] === metricsPath[1] && segments.length === 2) {
    if (request.method !== 'GET') throw methodNotAllowed(request);
    return ok(emulatorMetrics(store));
  }
  if (segments[0] === 'offers') return offers(request, store);
  if (segments[0] !== 'dbs') throw notFound(`/${segments.join('/')}`);
  if (segments.length <= 2) return databases(request, store);
  if (segments[2] === 'users') return users(request, store);
  if (segments[2] !== 'colls') throw notFound(`/${segments.join('/')}`);
  if (segments.length <= 4 || segments[4] !== 'docs') return containers(request, store);
  const container = store.container(segments[1]!, segments[3]!);
  if (segments.length === 5) {
    if (request.method === 'GET')
      return isChangeFeed(request) ? changeFeed(request, container) : readFeed(request, container);
    if (request.method !== 'POST') throw methodNotAllowed(request);
    if (isQueryPlan(request)) return queryPlan(request);
    if (isTrue(request.header('x-ms-documentdb-isquery'))) return queryItems(request, container);
    if (isTrue(request.header('x-ms-cosmos-is-batch-request'))) return batch(request, store, container);
    return createItem(request, store, container);
  }
  if (segments.length === 6) return item(request, store, container, segments[5]!);
  throw notFound(`/${segments.join('/')}`);
}
