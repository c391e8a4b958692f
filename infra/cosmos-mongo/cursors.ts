import { Long, type Document } from 'bson';
import { newCursorId, type CommandContext, type Cursor } from './context.ts';
import { MongoError } from './errors.ts';
import { toNumber } from './values.ts';

/** Cursors: the first batch comes with the command, the rest with getMore until the cursor is exhausted. */
export const defaultBatchSize = 101;

export function arrayCursor(ns: string, docs: Document[]): Cursor {
  let position = 0;
  return {
    ns,
    next(batchSize) {
      const batch = docs.slice(position, position + batchSize);
      position += batch.length;
      return Promise.resolve({ docs: batch, done: position >= docs.length });
    },
    close() {
      position = docs.length;
    },
  };
}

/** The command's reply `{ cursor: { id, ns, firstBatch } }`; a cursor with more to read is kept for getMore. */
export async function firstBatch(
  context: CommandContext,
  ns: string,
  cursor: Cursor,
  batchSize: unknown,
  singleBatch: boolean,
): Promise<Document> {
  const size = batchSize === undefined ? defaultBatchSize : toNumber(batchSize);
  const { docs, done, postBatchResumeToken } = await cursor.next(size, 0);
  let id = Long.ZERO;
  if (!done && !singleBatch) {
    id = newCursorId();
    context.server.cursors.set(id.toBigInt(), cursor);
  }
  return {
    cursor: { id, ns, firstBatch: docs, ...(postBatchResumeToken ? { postBatchResumeToken } : {}) },
    ok: 1,
  };
}

export async function getMore(context: CommandContext, command: Document): Promise<Document> {
  const id = BigInt(String(command.getMore));
  const cursor = context.server.cursors.get(id);
  if (!cursor) throw new MongoError(43, `cursor id ${id} not found`, 'CursorNotFound');
  const batchSize = command.batchSize === undefined ? Number.MAX_SAFE_INTEGER : toNumber(command.batchSize);
  const maxTimeMS = command.maxTimeMS === undefined ? 1000 : toNumber(command.maxTimeMS);
  const { docs, done, postBatchResumeToken } = await cursor.next(batchSize, maxTimeMS);
  if (done) context.server.cursors.delete(id);
  return {
    cursor: {
      id: done ? Long.ZERO : Long.fromBigInt(id),
      ns: cursor.ns,
      nextBatch: docs,
      ...(postBatchResumeToken ? { postBatchResumeToken } : {}),
    },
    ok: 1,
  };
}

export function killCursors(context: CommandContext, command: Document): Document {
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const value of (command.cursors as unknown[] | undefined) ?? []) {
    const id = BigInt(String(value));
    const cursor = context.server.cursors.get(id);
    (cursor ? killed : notFound).push(Long.fromBigInt(id));
    cursor?.close();
    context.server.cursors.delete(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}
