import type { JSONObject, OperationInput, PatchOperation, PatchRequestBody } from '@azure/cosmos';
import type { JsonValue } from '../runtime/data/connect-json.ts';
import type { PartitionKeyValue } from './partition-key.ts';
import type { WriteStrategy } from './spec.ts';

/**
 * One record's write, planned before anything is sent: the operation, the item it touches, and which statuses
 * count as done for its strategy (ItemAppend ignores 409, deletes ignore 404, the IfNotModified strategies 412).
 */
export interface PlannedWrite {
  operation: OperationInput;
  /** Delete with `If-Match` has no bulk form; these go item by item. */
  etag?: string;
  id: string;
  partitionKey: PartitionKeyValue;
  acceptedStatuses: number[];
}

/** The patch operations of ItemPatch, from the default op and the `property(x).op(Y)` overrides. */
export interface PatchPlan {
  defaultOp: string;
  overrides: Map<string, { op: string; path?: string }>;
  filter: string;
  /** Top-level fields holding the partition key: Cosmos DB refuses patches that touch them (400). */
  partitionKeyFields?: ReadonlySet<string>;
}

export function parsePatchConfigs(text: string): Map<string, { op: string; path?: string }> {
  const overrides = new Map<string, { op: string; path?: string }>();
  const pattern = /property\(([^()]+)\)\.op\(([A-Za-z]+)\)(?:\.path\(([^()]+)\))?/g;
  for (const match of text.replace(/\s+/g, '').matchAll(pattern)) {
    overrides.set(match[1]!, { op: match[2]!, ...(match[3] ? { path: match[3] } : {}) });
  }
  return overrides;
}

const systemProperties = new Set(['id', '_rid', '_self', '_etag', '_ts', '_attachments', '_lsn']);
const patchOps: Record<string, PatchOperation['op'] | undefined> = {
  set: 'set',
  add: 'add',
  replace: 'replace',
  remove: 'remove',
  increment: 'incr',
};

export function patchBody(document: Record<string, JsonValue>, plan: PatchPlan): PatchRequestBody {
  const operations: PatchOperation[] = [];
  for (const [field, value] of Object.entries(document)) {
    if (systemProperties.has(field) || plan.partitionKeyFields?.has(field)) continue;
    const override = plan.overrides.get(field);
    const op = patchOps[(override?.op ?? plan.defaultOp).toLowerCase()];
    if (!op) continue;
    const path = override?.path ?? `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    operations.push(op === 'remove' ? { op, path } : { op, path, value });
  }
  return plan.filter.trim() ? { operations, condition: plan.filter } : operations;
}

/** The write a record's document turns into under a write strategy. */
export function planWrite(
  strategy: WriteStrategy,
  document: Record<string, JsonValue>,
  id: string,
  partitionKey: PartitionKeyValue,
  patch: PatchPlan,
): PlannedWrite {
  const body = { ...document, id } as JSONObject;
  const base = { id, partitionKey };
  const etag = typeof document._etag === 'string' ? document._etag : undefined;
  switch (strategy) {
    case 'ItemOverwrite':
      return {
        ...base,
        operation: { operationType: 'Upsert', partitionKey, resourceBody: body },
        acceptedStatuses: [],
      };
    case 'ItemAppend':
      return {
        ...base,
        operation: { operationType: 'Create', partitionKey, resourceBody: body },
        acceptedStatuses: [409],
      };
    case 'ItemDelete':
      return { ...base, operation: { operationType: 'Delete', partitionKey, id }, acceptedStatuses: [404] };
    case 'ItemDeleteIfNotModified':
      return {
        ...base,
        operation: { operationType: 'Delete', partitionKey, id },
        ...(etag ? { etag } : {}),
        acceptedStatuses: [404, 412],
      };
    case 'ItemOverwriteIfNotModified':
      return etag
        ? {
            ...base,
            operation: { operationType: 'Replace', partitionKey, id, resourceBody: body, ifMatch: etag },
            acceptedStatuses: [404, 412],
          }
        : {
            ...base,
            operation: { operationType: 'Create', partitionKey, resourceBody: body },
            acceptedStatuses: [409],
          };
    case 'ItemPatch':
      return {
        ...base,
        operation: { operationType: 'Patch', partitionKey, id, resourceBody: patchBody(document, patch) },
        acceptedStatuses: [],
      };
  }
}

/** The delete a tombstone becomes (our extension), for an item found under `partitionKey`. */
export function planDelete(id: string, partitionKey: PartitionKeyValue): PlannedWrite {
  return {
    id,
    partitionKey,
    operation: { operationType: 'Delete', partitionKey, id },
    acceptedStatuses: [404],
  };
}

/**
 * Splits writes into waves where no item appears twice, keeping record order: bulk requests do not keep the
 * order of operations on one item, so a second write of the same item waits for the next wave.
 */
export function waves<T extends { key: string }>(writes: T[]): T[][] {
  const seen = new Map<string, number>();
  const result: T[][] = [];
  for (const write of writes) {
    const wave = seen.get(write.key) ?? 0;
    seen.set(write.key, wave + 1);
    (result[wave] ??= []).push(write);
  }
  return result;
}
