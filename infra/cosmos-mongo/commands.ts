import { Binary, type Document } from 'bson';
import * as admin from './admin.ts';
import { openChangeStream } from './change-stream.ts';
import type { CommandContext, ConnectionState, ServerState, TransactionState } from './context.ts';
import * as crud from './crud.ts';
import { getMore, killCursors } from './cursors.ts';
import { MongoError, commandNotFound, unauthorized } from './errors.ts';

/** One command in, one reply out: authentication gate, transactions, then the command's handler. */
type Handler = (context: CommandContext, command: Document) => Document | Promise<Document>;

const handlers: Record<string, Handler> = {
  hello: (context, command) => admin.hello(context, command, false),
  isMaster: (context, command) => admin.hello(context, command, true),
  ismaster: (context, command) => admin.hello(context, command, true),
  ping: () => ({ ok: 1 }),
  buildInfo: () => admin.buildInfo(),
  buildinfo: () => admin.buildInfo(),
  saslStart: admin.saslStart,
  saslContinue: admin.saslContinue,
  connectionStatus: (context) => admin.connectionStatus(context),
  endSessions: () => ({ ok: 1 }),
  getParameter: () => ({ ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1', ok: 1 }),
  listDatabases: admin.listDatabases,
  listCollections: admin.listCollections,
  create: admin.create,
  drop: admin.drop,
  dropDatabase: (context) => admin.dropDatabase(context),
  createIndexes: admin.createIndexes,
  listIndexes: admin.listIndexes,
  dropIndexes: admin.dropIndexes,
  find: crud.find,
  getMore,
  killCursors,
  insert: crud.insert,
  update: crud.update,
  delete: crud.remove,
  findAndModify: crud.findAndModify,
  findandmodify: crud.findAndModify,
  count: crud.count,
  distinct: crud.distinct,
  aggregate: (context, command) => {
    const pipeline = (command.pipeline as Document[] | undefined) ?? [];
    if (pipeline[0] && '$changeStream' in pipeline[0]) return openChangeStream(context, command, pipeline);
    return crud.aggregate(context, command, pipeline);
  },
  commitTransaction: commitTransaction,
  abortTransaction: (context, command) => {
    context.server.transactions.delete(sessionKey(command));
    return { ok: 1 };
  },
};

const beforeAuthentication = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'saslStart',
  'saslContinue',
  'ping',
  'buildInfo',
  'buildinfo',
  'endSessions',
  'connectionStatus',
  'whatsmyuri',
]);

export async function runCommand(
  server: ServerState,
  connection: ConnectionState,
  command: Document,
): Promise<Document> {
  const started = performance.now();
  const name = Object.keys(command)[0] ?? '';
  let reply: Document;
  try {
    const handler = handlers[name];
    if (!handler) throw commandNotFound(name);
    if (!connection.authenticated && !beforeAuthentication.has(name)) throw unauthorized(name);
    const context: CommandContext = {
      server,
      connection,
      db: typeof command.$db === 'string' ? command.$db : 'admin',
      transaction: transactionOf(server, command, name),
    };
    reply = await handler(context, command);
  } catch (error) {
    reply = crud.asMongoError(error).toReply();
  }
  // Counted beside the NoSQL API's requests; a reply with `ok: 0` counts as a 4xx (the wire has no status).
  server.store.requestMetrics.record(
    operationNames.get(name) ?? 'mongo.unknown',
    reply.ok === 1 ? 200 : 400,
    performance.now() - started,
  );
  return reply;
}

/** Every command's counter name, made once: a command name from the wire never becomes a label by itself. */
const operationNames = new Map(Object.keys(handlers).map((name) => [name, `mongo.${name}`]));

function sessionKey(command: Document): string {
  const id = (command.lsid as Document | undefined)?.id;
  return id instanceof Binary ? Buffer.from(id.buffer).toString('hex') : '';
}

/** The transaction a command belongs to: `startTransaction` opens one, `autocommit: false` continues it. */
function transactionOf(server: ServerState, command: Document, name: string): TransactionState | undefined {
  if (command.autocommit !== false || name === 'commitTransaction' || name === 'abortTransaction')
    return undefined;
  const key = sessionKey(command);
  const txnNumber = BigInt(String(command.txnNumber ?? 0));
  if (command.startTransaction === true) {
    const transaction: TransactionState = { txnNumber, operations: [] };
    server.transactions.set(key, transaction);
    return transaction;
  }
  const transaction = server.transactions.get(key);
  if (!transaction || transaction.txnNumber !== txnNumber) {
    throw new MongoError(
      251,
      `Transaction ${txnNumber} has been aborted or was never started.`,
      'NoSuchTransaction',
      ['TransientTransactionError'],
    );
  }
  return transaction;
}

/** Journals the transaction's writes as one Cosmos transaction: all or nothing. */
async function commitTransaction(context: CommandContext, command: Document): Promise<Document> {
  const key = sessionKey(command);
  const transaction = context.server.transactions.get(key);
  context.server.transactions.delete(key);
  if (!transaction?.container) return { ok: 1 };
  try {
    await context.server.store.write(transaction.container, (tx) => {
      for (const operation of transaction.operations) operation(tx);
    });
  } catch (error) {
    const cause = crud.asMongoError(error);
    throw new MongoError(112, `Write conflict during commit: ${cause.message}`, 'WriteConflict', [
      'TransientTransactionError',
    ]);
  }
  return { ok: 1 };
}
