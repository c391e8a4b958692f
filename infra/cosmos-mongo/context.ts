import { Long, type Document } from 'bson';
import type { ContainerState, CosmosStore, Transaction } from '../cosmos/store/index.ts';
import { MongoError, namespaceNotFound } from './errors.ts';
import type { ScramConversation, ScramServer } from './scram.ts';

/** What every command handler can reach: the store, the listener's shared state, the connection's own. */
export interface ServerState {
  store: CosmosStore;
  scram: ScramServer;
  /** The account name: the SCRAM user, as on Cosmos DB for MongoDB. */
  account: string;
  /** `host:port` as clients reach it: hello's `me`, `primary` and `hosts`. */
  hostPort: string;
  cursors: Map<bigint, Cursor>;
  /** Open multi-document transactions by session id. */
  transactions: Map<string, TransactionState>;
  nextConnectionId: number;
}

export interface ConnectionState {
  id: number;
  authenticated: boolean;
  scram?: { conversation: ScramConversation; done: boolean };
}

export interface CommandContext {
  server: ServerState;
  connection: ConnectionState;
  /** The command's database (`$db`). */
  db: string;
  /** The open transaction the command runs in, if any. */
  transaction?: TransactionState;
}

export interface Cursor {
  ns: string;
  /** The next batch; `done` when the cursor is exhausted (its id becomes 0). */
  next(
    batchSize: number,
    maxTimeMS: number,
  ): Promise<{ docs: Document[]; done: boolean; postBatchResumeToken?: Document }>;
  close(): void;
}

/** A multi-document transaction: its writes are replayed on a staged copy for each read and once on commit. */
export interface TransactionState {
  txnNumber: bigint;
  container?: ContainerState;
  ns?: string;
  operations: ((tx: Transaction) => void)[];
}

export function newCursorId(): Long {
  return Long.fromBigInt(BigInt(Math.floor(Math.random() * 2 ** 52)) + 1n);
}

export function findContainer(context: CommandContext, collection: string): ContainerState | undefined {
  return context.server.store.databases.get(context.db)?.containers.get(collection);
}

export function requireContainer(context: CommandContext, collection: string): ContainerState {
  const container = findContainer(context, collection);
  if (!container) throw namespaceNotFound(`Collection [${context.db}.${collection}] not found.`);
  return container;
}

/** Cosmos DB for MongoDB creates databases and collections on first write, as MongoDB does. */
export async function ensureContainer(context: CommandContext, collection: string): Promise<ContainerState> {
  const store = context.server.store;
  if (!store.databases.has(context.db)) await store.createDatabase({ id: context.db }).catch(ignoreConflict);
  if (!store.databases.get(context.db)?.containers.has(collection)) {
    await store.createContainer(context.db, { id: collection }).catch(ignoreConflict);
  }
  return requireContainer(context, collection);
}

function ignoreConflict(error: unknown): void {
  if ((error as { status?: number }).status !== 409) throw error;
}

export function collectionName(command: Document, name: string): string {
  const value = command[name];
  if (typeof value !== 'string' || value === '') {
    throw new MongoError(73, `collection name has invalid type ${typeof value}`, 'InvalidNamespace');
  }
  return value;
}

/**
 * Runs `read` on the collection as the command's transaction sees it: its own uncommitted writes staged, then
 * rolled back before anything else can run (all synchronous), so no other client ever sees them.
 */
export function inTransactionView<T>(context: CommandContext, container: ContainerState, read: () => T): T {
  const transaction = context.transaction;
  if (!transaction || transaction.container !== container || transaction.operations.length === 0)
    return read();
  const tx = container.begin();
  try {
    for (const operation of transaction.operations) operation(tx);
    return read();
  } finally {
    container.rollback(tx);
  }
}

/**
 * Runs a write: inside a transaction it is staged (tried on a staged copy now, journaled at commit); otherwise
 * it is journaled at once as one Cosmos transaction.
 */
export async function runWrite<T>(
  context: CommandContext,
  container: ContainerState,
  write: (tx: Transaction) => T,
): Promise<T> {
  const transaction = context.transaction;
  if (!transaction) return context.server.store.write(container, write);
  if (transaction.container && transaction.container !== container) {
    throw new MongoError(
      263,
      'Multi-document transactions are limited to one collection on this emulator (as on Cosmos DB for MongoDB, where a transaction spans documents of one unsharded collection).',
      'OperationNotSupportedInTransaction',
    );
  }
  transaction.container = container;
  const tx = container.begin();
  try {
    for (const operation of transaction.operations) operation(tx);
    const result = write(tx);
    transaction.operations.push(write);
    return result;
  } finally {
    container.rollback(tx);
  }
}
