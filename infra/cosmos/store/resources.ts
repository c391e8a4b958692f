import { randomUUID } from 'node:crypto';
import { badRequest } from '../errors.ts';
import { checkTtl, type ContainerResource } from './container.ts';

/** Resource bodies of databases and containers as the service shapes them: names, rids, container defaults. */

const validName = /^[^/\\?#]{1,255}$/;

export function checkName(id: unknown): string {
  if (typeof id !== 'string' || !validName.test(id) || id.endsWith(' ')) {
    throw badRequest(`The id ${JSON.stringify(id)} is invalid: 1 to 255 characters, none of / \\ ? #.`);
  }
  return id;
}

export function containerResource(
  body: Record<string, unknown>,
  id: string,
  rid: string,
  databaseRid: string,
): ContainerResource {
  const partitionKey = (body.partitionKey as ContainerResource['partitionKey'] | undefined) ?? {
    paths: ['/_partitionKey'],
    kind: 'Hash',
    version: 2,
  };
  if (
    !Array.isArray(partitionKey.paths) ||
    partitionKey.paths.length === 0 ||
    partitionKey.paths.length > 3
  ) {
    throw badRequest('The partition key needs one to three paths.');
  }
  for (const path of partitionKey.paths) {
    if (typeof path !== 'string' || !validPartitionKeyPath.test(path))
      throw badRequest(
        `The partition key path ${JSON.stringify(path)} is invalid: it starts with / and names a property (e.g. /tenantId or /address/city), without wildcards or a trailing /.`,
      );
  }
  if (partitionKey.paths.length > 1 && partitionKey.kind !== undefined && partitionKey.kind !== 'MultiHash')
    throw badRequest('A partition key with several paths is hierarchical: its kind must be MultiHash.');
  checkTtl(body.defaultTtl, 'The defaultTtl');
  return {
    conflictResolutionPolicy: {
      mode: 'LastWriterWins',
      conflictResolutionPath: '/_ts',
      conflictResolutionProcedure: '',
    },
    geospatialConfig: { type: 'Geography' },
    ...body,
    indexingPolicy: normalizedIndexingPolicy(body.indexingPolicy),
    id,
    partitionKey: { kind: partitionKey.paths.length > 1 ? 'MultiHash' : 'Hash', version: 2, ...partitionKey },
    _rid: rid,
    _self: `dbs/${databaseRid}/colls/${rid}/`,
    _etag: `"${randomUUID()}"`,
    _docs: 'docs/',
    _sprocs: 'sprocs/',
    _triggers: 'triggers/',
    _udfs: 'udfs/',
    _conflicts: 'conflicts/',
    _ts: nowSeconds(),
  };
}

/** `/a`, `/a/b`, `/"quoted key"`: segments of property names, no wildcard, no empty or trailing segment. */
const validPartitionKeyPath = /^(\/("([^"\\]|\\.)+"|[^/"*?\s][^/"*?]*))+$/;

/**
 * The indexing policy as the service returns it: mode lowercased (default consistent), `automatic`, `/*` included
 * when nothing is, and the system's `/"_etag"/?` always among the excluded paths. Mode none indexes nothing.
 */
export function normalizedIndexingPolicy(policy: unknown): Record<string, unknown> {
  const given = (typeof policy === 'object' && policy !== null ? policy : {}) as Record<string, unknown>;
  const mode = typeof given.indexingMode === 'string' ? given.indexingMode.toLowerCase() : 'consistent';
  if (mode === 'none')
    return { ...given, indexingMode: 'none', automatic: false, includedPaths: [], excludedPaths: [] };
  const included = Array.isArray(given.includedPaths) ? given.includedPaths : [{ path: '/*' }];
  const excluded = (Array.isArray(given.excludedPaths) ? given.excludedPaths : []) as { path?: string }[];
  const etag = '/"_etag"/?';
  return {
    ...given,
    indexingMode: mode,
    automatic: given.automatic ?? true,
    includedPaths: included,
    excludedPaths: excluded.some((p) => p.path === etag) ? excluded : [...excluded, { path: etag }],
  };
}

export function newRid(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\//g, '-');
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
