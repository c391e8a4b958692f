import {
  BulkOperationType,
  type Container,
  type CosmosClient,
  type JSONObject,
  type OperationInput,
} from '@azure/cosmos';
import { HackError } from '../../infra/errors.ts';
import { CATALOG_CONTAINERS, type AnyRecord, type Topic } from '../model.ts';
import type { RecordWriter } from './record-writer.ts';

/** A topic's target container and the path of its partition key (`/id`, `/category`). */
export interface CosmosTarget {
  container: Container;
  partitionKeyPath: string;
}

export const CATALOG_DATABASE = 'retail';

/**
 * Database `retail` with containers `users` (/id) and `products` (/category), created when missing — what
 * challenge 03's Cosmos source connector reads.
 */
export async function catalogTargets(
  client: CosmosClient,
  databaseId = CATALOG_DATABASE,
): Promise<Partial<Record<Topic, CosmosTarget>>> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const targets: Partial<Record<Topic, CosmosTarget>> = {};
  for (const [topic, { container: id, partitionKeyPath }] of Object.entries(CATALOG_CONTAINERS)) {
    const { container } = await database.containers.createIfNotExists({
      id,
      partitionKey: { paths: [partitionKeyPath] },
    });
    targets[topic as Topic] = { container, partitionKeyPath };
  }
  return targets;
}

/**
 * Upserts records with the SDK's bulk API, `batchSize` (≤ 100) operations per call. It uses `items.bulk`:
 * SDK 4.9's `executeBulkOperations` holds every partial batch back for a second (BulkHelper's
 * `intervalForPartialBatchInMs`), which would make each flush — and every live update — take a second. A second
 * version of an id waits for the next call, so the last version written is the last one generated whatever order
 * the service applies a batch in.
 */
export function cosmosWriter(
  targets: Partial<Record<Topic, CosmosTarget>>,
  options: { batchSize?: number; description?: string } = {},
): RecordWriter {
  // A bulk call of the SDK takes at most 100 operations.
  const batchSize = Math.min(options.batchSize ?? 100, 100);
  let pending = new Map<Topic, Map<string, OperationInput>>();
  let buffered = 0;

  const send = async (): Promise<void> => {
    const batches = pending;
    pending = new Map();
    buffered = 0;
    for (const [topic, operations] of batches) {
      const target = targets[topic];
      if (!target || operations.size === 0) continue;
      const results = await target.container.items.bulk([...operations.values()]);
      const failed = results.filter((result) => result.statusCode >= 400);
      if (failed.length > 0) {
        const status = failed[0]?.statusCode;
        throw new HackError(
          `${failed.length} of ${results.length} upserts into Cosmos container ${target.container.id} failed (first: status ${String(status)}).`,
          {
            fix: 'Check that the Cosmos endpoint and key are right and that the container exists with its partition key.',
            retriable: status === 429 || status === 503,
          },
        );
      }
    }
  };

  return {
    description: options.description ?? 'Cosmos DB',
    write(record: AnyRecord) {
      const target = targets[record.topic];
      if (!target) return;
      let operations = pending.get(record.topic);
      if (!operations) pending.set(record.topic, (operations = new Map()));
      const sameIdWaiting = operations.has(record.key);
      const value = record.value as unknown as JSONObject;
      const partitionKey = value[target.partitionKeyPath.replace(/^\//, '')] as string;
      const operation: OperationInput = {
        operationType: BulkOperationType.Upsert,
        resourceBody: value,
        partitionKey,
      };
      if (sameIdWaiting) {
        return send().then(() => {
          pending.set(record.topic, new Map([[record.key, operation]]));
          buffered = 1;
        });
      }
      operations.set(record.key, operation);
      buffered += 1;
      if (buffered >= batchSize) return send();
    },
    async close() {
      await send();
    },
  };
}
