import { ObjectId, type Document } from 'bson';
import { CosmosError } from '../cosmos/errors.ts';
import type { ContainerState, Transaction } from '../cosmos/store/index.ts';
import { runPipeline } from './aggregate.ts';
import {
  collectionName,
  ensureContainer,
  findContainer,
  inTransactionView,
  runWrite,
  type CommandContext,
} from './context.ts';
import { arrayCursor, firstBatch } from './cursors.ts';
import { fromItem, itemId, toItem } from './documents.ts';
import { MongoError, badValue, duplicateKey } from './errors.ts';
import { matchesFilter, project, sortDocuments } from './query.ts';
import { applyUpdate, upsertDocument } from './update.ts';
import { isPlainObject, toNumber, valuesEqual } from './values.ts';

/** The CRUD commands: find, insert, update, delete, findAndModify, count, distinct and plain aggregates. */

/** Documents of a collection matching `filter`; an `_id` equality reads only that item. */
export function matching(container: ContainerState | undefined, filter: Document | undefined): Document[] {
  if (!container) return [];
  const id = filter?._id;
  const source =
    id !== undefined && !isPlainObject(id) && !(id instanceof RegExp)
      ? container.documentsWithId(itemId(id))
      : container.documents();
  const result: Document[] = [];
  for (const item of source) {
    const doc = fromItem(item);
    if (matchesFilter(doc, filter)) result.push(doc);
  }
  return result;
}

function readDocuments(
  context: CommandContext,
  collection: string,
  filter: Document | undefined,
): Document[] {
  const container = findContainer(context, collection);
  if (!container) return [];
  return inTransactionView(context, container, () => matching(container, filter));
}

export function find(context: CommandContext, command: Document): Document {
  const collection = collectionName(command, 'find');
  let docs = sortDocuments(
    readDocuments(context, collection, command.filter as Document),
    command.sort as Document,
  );
  const skip = toNumber(command.skip ?? 0);
  const limit = Math.abs(toNumber(command.limit ?? 0));
  if (skip) docs = docs.slice(skip);
  if (limit) docs = docs.slice(0, limit);
  docs = docs.map((doc) => project(doc, command.projection as Document));
  const ns = `${context.db}.${collection}`;
  return firstBatch(context, ns, arrayCursor(ns, docs), command.batchSize, command.singleBatch === true);
}

export function count(context: CommandContext, command: Document): Document {
  let docs = readDocuments(context, collectionName(command, 'count'), command.query as Document);
  if (command.skip) docs = docs.slice(toNumber(command.skip));
  if (command.limit) docs = docs.slice(0, Math.abs(toNumber(command.limit)));
  return { n: docs.length, ok: 1 };
}

export function distinct(context: CommandContext, command: Document): Document {
  const docs = readDocuments(context, collectionName(command, 'distinct'), command.query as Document);
  const values: unknown[] = [];
  for (const doc of docs) {
    const value = runPipeline([doc], [{ $project: { v: `$${String(command.key)}` } }])[0]?.v;
    for (const element of Array.isArray(value) ? value : [value]) {
      if (element !== undefined && !values.some((seen) => valuesEqual(seen, element))) values.push(element);
    }
  }
  return { values, ok: 1 };
}

export function aggregate(context: CommandContext, command: Document, pipeline: Document[]): Document {
  const collection = collectionName(command, 'aggregate');
  const docs = runPipeline(readDocuments(context, collection, undefined), pipeline);
  const ns = `${context.db}.${collection}`;
  const batchSize = (command.cursor as Document | undefined)?.batchSize;
  return firstBatch(context, ns, arrayCursor(ns, docs), batchSize, false);
}

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
}

/** Runs each statement; a failing one is a write error (ordered writes stop there), as MongoDB reports it. */
function eachStatement<T>(
  statements: T[],
  ordered: boolean,
  tx: Transaction,
  run: (statement: T, index: number, tx: Transaction) => void,
): WriteError[] {
  const errors: WriteError[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      run(statement, index, tx);
    } catch (error) {
      const mongo = asMongoError(error);
      errors.push({ index, code: mongo.code, errmsg: mongo.message });
      if (ordered) break;
    }
  }
  return errors;
}

export function asMongoError(error: unknown): MongoError {
  if (error instanceof MongoError) return error;
  if (error instanceof CosmosError) {
    if (error.status === 413)
      return new MongoError(10334, `Document is too large (${error.message})`, 'BSONObjectTooLarge');
    if (error.status === 409) return new MongoError(11000, 'E11000 duplicate key error', 'DuplicateKey');
    if (error.status === 400) return new MongoError(2, error.message, 'BadValue');
    return new MongoError(1, error.message, 'InternalError');
  }
  throw error;
}

function withWriteErrors(reply: Document, errors: WriteError[]): Document {
  return errors.length > 0 ? { ...reply, writeErrors: errors } : reply;
}

function insertOne(container: ContainerState, tx: Transaction, ns: string, doc: Document): void {
  if (container.documentsWithId(itemId(doc._id)).next().done === false) throw duplicateKey(ns, doc._id);
  container.create(tx, toItem(doc));
}

export async function insert(context: CommandContext, command: Document): Promise<Document> {
  const collection = collectionName(command, 'insert');
  const docs = ((command.documents as Document[] | undefined) ?? []).map((doc) =>
    doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc,
  );
  const container = await ensureContainer(context, collection);
  const ns = `${context.db}.${collection}`;
  const errors = await runWrite(context, container, (tx) =>
    eachStatement(docs, command.ordered !== false, tx, (doc) => insertOne(container, tx, ns, doc)),
  );
  return withWriteErrors({ n: docs.length - errors.length, ok: 1 }, errors);
}

interface UpdateStatement {
  q?: Document;
  u: Document;
  upsert?: boolean;
  multi?: boolean;
}

export async function update(context: CommandContext, command: Document): Promise<Document> {
  const collection = collectionName(command, 'update');
  const statements = (command.updates as UpdateStatement[] | undefined) ?? [];
  const container = await ensureContainer(context, collection);
  const ns = `${context.db}.${collection}`;
  const newIds = statements.map(() => new ObjectId());
  const totals = { n: 0, nModified: 0, upserted: [] as Document[] };
  const errors = await runWrite(context, container, (tx) => {
    Object.assign(totals, { n: 0, nModified: 0, upserted: [] });
    return eachStatement(statements, command.ordered !== false, tx, (statement, index) => {
      const filter = statement.q ?? {};
      const targets = matching(container, filter);
      if (targets.length === 0) {
        if (!statement.upsert) return;
        const doc = upsertDocument(filter, statement.u, newIds[index]!);
        insertOne(container, tx, ns, doc);
        totals.n += 1;
        totals.upserted.push({ index, _id: doc._id });
        return;
      }
      for (const target of statement.multi ? targets : targets.slice(0, 1)) {
        const updated = applyUpdate(target, statement.u, false);
        totals.n += 1;
        if (valuesEqual(updated, target)) continue;
        container.upsert(tx, toItem(updated));
        totals.nModified += 1;
      }
    });
  });
  const reply: Document = { n: totals.n, nModified: totals.nModified, ok: 1 };
  if (totals.upserted.length > 0) reply.upserted = totals.upserted;
  return withWriteErrors(reply, errors);
}

interface DeleteStatement {
  q?: Document;
  limit?: number;
}

export async function remove(context: CommandContext, command: Document): Promise<Document> {
  const collection = collectionName(command, 'delete');
  const statements = (command.deletes as DeleteStatement[] | undefined) ?? [];
  const container = findContainer(context, collection);
  if (!container) return { n: 0, ok: 1 };
  let n = 0;
  const errors = await runWrite(context, container, (tx) => {
    n = 0;
    return eachStatement(statements, command.ordered !== false, tx, (statement) => {
      const targets = matching(container, statement.q ?? {});
      for (const target of toNumber(statement.limit ?? 0) === 1 ? targets.slice(0, 1) : targets) {
        deleteOne(container, tx, target);
        n += 1;
      }
    });
  });
  return withWriteErrors({ n, ok: 1 }, errors);
}

function deleteOne(container: ContainerState, tx: Transaction, doc: Document): void {
  const item = container.documentsWithId(itemId(doc._id)).next().value!;
  container.delete(tx, item.id, container.partitionKeyOf(item));
}

export async function findAndModify(context: CommandContext, command: Document): Promise<Document> {
  const collection = collectionName(command, 'findAndModify');
  const filter = (command.query as Document | undefined) ?? {};
  if (!command.remove && !command.update) throw badValue('Either an update or remove=true must be specified');
  const container = await ensureContainer(context, collection);
  const ns = `${context.db}.${collection}`;
  const newId = new ObjectId();
  return runWrite(context, container, (tx) => {
    const target = sortDocuments(matching(container, filter), command.sort as Document)[0];
    const fields = command.fields as Document | undefined;
    if (command.remove) {
      if (target) deleteOne(container, tx, target);
      return {
        lastErrorObject: { n: target ? 1 : 0 },
        value: target ? project(target, fields) : null,
        ok: 1,
      };
    }
    const change = command.update as Document;
    if (!target) {
      if (!command.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = upsertDocument(filter, change, newId);
      insertOne(container, tx, ns, doc);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
        value: command.new ? project(doc, fields) : null,
        ok: 1,
      };
    }
    const updated = applyUpdate(target, change, false);
    if (!valuesEqual(updated, target)) container.upsert(tx, toItem(updated));
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: project(command.new ? updated : target, fields),
      ok: 1,
    };
  });
}
