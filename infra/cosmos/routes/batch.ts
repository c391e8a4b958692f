import { badRequest, CosmosError } from '../errors.ts';
import { isTrue, ok, type CosmosRequest, type CosmosResponse } from '../http.ts';
import { itemBody } from './items.ts';
import {
  parsePartitionKeyHeader,
  type ContainerState,
  type CosmosStore,
  type Document,
  type Transaction,
} from '../store/index.ts';

interface BatchOperation {
  operationType: string;
  id?: string;
  partitionKey?: string;
  resourceBody?: unknown;
  ifMatch?: string;
  ifNoneMatch?: string;
}

interface OperationResult {
  statusCode: number;
  requestCharge: number;
  eTag?: string;
  resourceBody?: unknown;
  message?: string;
  subStatusCode?: number;
}

const maxOperations = 100;

/**
 * `POST …/docs` with `x-ms-cosmos-is-batch-request`. Atomic (transactional batch): all operations in one
 * transaction, rolled back on the first failure, which answers 207 with that operation's status and 424 for
 * the others. Non-atomic (bulk): each operation succeeds or fails on its own, one journal write for all.
 */
export async function batch(
  request: CosmosRequest,
  store: CosmosStore,
  container: ContainerState,
): Promise<CosmosResponse> {
  const operations = (await request.json()) as BatchOperation[];
  if (!Array.isArray(operations) || operations.length === 0)
    throw badRequest('A batch request needs a non-empty array of operations.');
  if (operations.length > maxOperations)
    throw badRequest(`A batch request supports at most ${maxOperations} operations.`);
  const rangeId = request.header('x-ms-documentdb-partitionkeyrangeid');
  if (rangeId !== undefined) container.range(rangeId); // bulk aimed at a split partition: 410/1002, the SDK re-routes
  const atomic = isTrue(request.header('x-ms-cosmos-batch-atomic'));
  const minimal = request.header('prefer')?.toLowerCase().includes('return=minimal') ?? false;
  const batchKey = parsePartitionKeyHeader(request.header('x-ms-documentdb-partitionkey'));

  if (atomic) {
    let failedAt = -1;
    let failure: OperationResult | undefined;
    const results = await store
      .write(container, (tx) =>
        operations.map((operation, index) => {
          try {
            return execute(tx, container, operation, batchKey, minimal);
          } catch (error) {
            failedAt = index;
            failure = errorResult(error);
            throw error;
          }
        }),
      )
      .catch((error: unknown) => {
        if (failedAt < 0) throw error;
        return undefined;
      });
    if (results) return ok(results);
    const failed = operations.map((_, index): OperationResult =>
      index === failedAt ? failure! : { statusCode: 424, requestCharge: 0, message: 'Failed dependency' },
    );
    return ok(failed, {}, 207);
  }

  let anyFailed = false;
  const results = await store.write(container, (tx) =>
    operations.map((operation) => {
      try {
        return execute(tx, container, operation, undefined, minimal);
      } catch (error) {
        anyFailed = true;
        return errorResult(error);
      }
    }),
  );
  return ok(results, {}, anyFailed ? 207 : 200);
}

function errorResult(error: unknown): OperationResult {
  if (error instanceof CosmosError)
    return { statusCode: error.status, requestCharge: 0, message: error.message };
  throw error;
}

function execute(
  tx: Transaction,
  container: ContainerState,
  operation: BatchOperation,
  batchKey: unknown[] | undefined,
  minimal: boolean,
): OperationResult {
  const pk =
    operation.partitionKey !== undefined ? parsePartitionKeyHeader(operation.partitionKey) : batchKey;
  const keyOf = (): unknown[] => {
    if (pk) return pk;
    if (container.partitionKey.systemKey) return [];
    throw badRequest('The operation needs a partition key.');
  };
  const result = (statusCode: number, doc: Document | undefined, body = !minimal): OperationResult => ({
    statusCode,
    requestCharge: statusCode === 200 && operation.operationType === 'Read' ? 1 : 5,
    ...(doc ? { eTag: doc._etag } : {}),
    ...(doc && body ? { resourceBody: itemBody(doc) } : {}),
  });
  const id = operation.id ?? (operation.resourceBody as { id?: string } | undefined)?.id ?? '';
  switch (operation.operationType) {
    case 'Create':
      return result(201, container.create(tx, operation.resourceBody, pk));
    case 'Upsert': {
      const { doc, created } = container.upsert(tx, operation.resourceBody, pk, operation.ifMatch);
      return result(created ? 201 : 200, doc);
    }
    case 'Replace':
      return result(200, container.replace(tx, id, pk, operation.resourceBody, operation.ifMatch));
    case 'Patch':
      return result(200, container.patch(tx, id, keyOf(), operation.resourceBody, operation.ifMatch));
    case 'Delete':
      container.delete(tx, id, keyOf(), operation.ifMatch);
      return result(204, undefined);
    case 'Read': {
      const doc = container.read(keyOf(), id);
      if (operation.ifNoneMatch !== undefined && operation.ifNoneMatch === doc._etag)
        return result(304, doc, false);
      return result(200, doc, true);
    }
    default:
      throw badRequest(`Unknown batch operation type ${operation.operationType}.`);
  }
}
