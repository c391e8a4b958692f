import { Binary, type Document } from 'bson';
import { findContainer, requireContainer, type CommandContext } from './context.ts';
import { firstBatch, arrayCursor } from './cursors.ts';
import { MongoError, authenticationFailed, namespaceNotFound } from './errors.ts';
import { matchesFilter } from './query.ts';

/** Handshake, authentication and the database/collection/index commands. */

/** The MongoDB server version announced: Cosmos DB for MongoDB (RU) offers 6.0; wire version 17 is MongoDB 6.0's. */
export const serverVersion = '6.0.0';
export const maxWireVersion = 17;

export function hello(context: CommandContext, command: Document, legacy: boolean): Document {
  const { server, connection } = context;
  const reply: Document = {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    setName: 'globaldb',
    setVersion: 1,
    hosts: [server.hostPort],
    primary: server.hostPort,
    me: server.hostPort,
    secondary: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: connection.id,
    minWireVersion: 0,
    maxWireVersion,
    readOnly: false,
    ok: 1,
  };
  if (typeof command.saslSupportedMechs === 'string') reply.saslSupportedMechs = ['SCRAM-SHA-256'];
  const speculative = command.speculativeAuthenticate as Document | undefined;
  if (speculative?.saslStart) {
    try {
      reply.speculativeAuthenticate = saslStart(context, speculative);
    } catch {
      // The driver then authenticates with saslStart, which reports the failure.
    }
  }
  return reply;
}

export function buildInfo(): Document {
  return {
    version: serverVersion,
    versionArray: serverVersion.split('.').map(Number).concat(0),
    gitVersion: 'connect-hack-cosmos-mongo',
    bits: 64,
    maxBsonObjectSize: 16 * 1024 * 1024,
    ok: 1,
  };
}

export function saslStart(context: CommandContext, command: Document): Document {
  if (command.mechanism !== 'SCRAM-SHA-256') {
    throw new MongoError(
      334,
      `Received authentication for mechanism ${String(command.mechanism)} which is not enabled; use SCRAM-SHA-256.`,
      'MechanismUnavailable',
    );
  }
  const started = context.server.scram.start(payloadText(command.payload));
  if (!started) throw authenticationFailed();
  context.connection.scram = { conversation: started.conversation, done: false };
  return { conversationId: 1, done: false, payload: new Binary(Buffer.from(started.serverFirst)), ok: 1 };
}

export function saslContinue(context: CommandContext, command: Document): Document {
  const scram = context.connection.scram;
  if (!scram) throw authenticationFailed();
  if (scram.done) {
    return { conversationId: 1, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
  }
  const serverFinal = context.server.scram.finish(scram.conversation, payloadText(command.payload));
  if (!serverFinal) {
    context.connection.scram = undefined;
    throw authenticationFailed();
  }
  scram.done = true;
  context.connection.authenticated = true;
  return { conversationId: 1, done: true, payload: new Binary(Buffer.from(serverFinal)), ok: 1 };
}

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer).toString('utf8');
  return typeof payload === 'string' ? payload : '';
}

export function connectionStatus(context: CommandContext): Document {
  const users = context.connection.authenticated ? [{ user: context.server.account, db: 'admin' }] : [];
  const roles = context.connection.authenticated ? [{ role: 'root', db: 'admin' }] : [];
  return { authInfo: { authenticatedUsers: users, authenticatedUserRoles: roles }, ok: 1 };
}

export function listDatabases(context: CommandContext, command: Document): Document {
  const databases = [...context.server.store.databases.values()]
    .map((database) => ({
      name: database.resource.id,
      sizeOnDisk: 0,
      empty: [...database.containers.values()].every((container) => container.items.size === 0),
    }))
    .filter((database) => matchesFilter(database, command.filter as Document));
  if (command.nameOnly) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  return { databases, totalSize: 0, ok: 1 };
}

export function listCollections(context: CommandContext, command: Document): Promise<Document> {
  const database = context.server.store.databases.get(context.db);
  const collections = [...(database?.containers.values() ?? [])]
    .map((container) => ({
      name: container.resource.id,
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }))
    .filter((collection) => matchesFilter(collection, command.filter as Document))
    .map((collection) => (command.nameOnly ? { name: collection.name, type: collection.type } : collection));
  const ns = `${context.db}.$cmd.listCollections`;
  return firstBatch(
    context,
    ns,
    arrayCursor(ns, collections),
    (command.cursor as Document | undefined)?.batchSize,
    false,
  );
}

export async function create(context: CommandContext, command: Document): Promise<Document> {
  const name = String(command.create);
  const store = context.server.store;
  if (findContainer(context, name)) {
    throw new MongoError(48, `Collection ${context.db}.${name} already exists.`, 'NamespaceExists');
  }
  if (command.capped || command.timeseries || command.viewOn) {
    throw new MongoError(
      115,
      'Capped collections, time series and views are not supported by Cosmos DB for MongoDB (RU).',
      'CommandNotSupported',
    );
  }
  if (!store.databases.has(context.db)) await store.createDatabase({ id: context.db });
  await store.createContainer(context.db, { id: name });
  return { ok: 1 };
}

export async function drop(context: CommandContext, command: Document): Promise<Document> {
  const name = String(command.drop);
  const container = findContainer(context, name);
  if (!container) throw namespaceNotFound();
  await context.server.store.deleteContainer(context.db, name);
  return { nIndexesWas: 1 + indexesOf(context, name).length, ns: `${context.db}.${name}`, ok: 1 };
}

export async function dropDatabase(context: CommandContext): Promise<Document> {
  if (context.server.store.databases.has(context.db)) await context.server.store.deleteDatabase(context.db);
  return { dropped: context.db, ok: 1 };
}

interface IndexSpec {
  key: Document;
  name: string;
  unique?: boolean;
}

function indexesOf(context: CommandContext, collection: string): IndexSpec[] {
  const container = findContainer(context, collection);
  return ((container?.resource.mongoIndexes as IndexSpec[] | undefined) ?? []).filter(
    (index) => index.name !== '_id_',
  );
}

/** Index definitions are kept with the container (journaled); queries scan, as every emulator query does. */
export async function createIndexes(context: CommandContext, command: Document): Promise<Document> {
  const collection = String(command.createIndexes);
  const store = context.server.store;
  if (!store.databases.has(context.db)) await store.createDatabase({ id: context.db });
  if (!findContainer(context, collection)) await store.createContainer(context.db, { id: collection });
  const container = requireContainer(context, collection);
  const existing = indexesOf(context, collection);
  const before = existing.length + 1;
  const wanted = (command.indexes as IndexSpec[] | undefined) ?? [];
  for (const index of wanted) {
    if (index.key && Object.keys(index.key).join() === '_id') continue;
    if (index.unique && container.items.size > 0) {
      throw new MongoError(
        67,
        'Cosmos DB for MongoDB creates unique indexes only on empty collections.',
        'CannotCreateIndex',
      );
    }
    if (!existing.some((other) => other.name === index.name))
      existing.push({ key: index.key, name: index.name, ...(index.unique ? { unique: true } : {}) });
  }
  await store.replaceContainer(context.db, collection, { ...container.resource, mongoIndexes: existing });
  return {
    numIndexesBefore: before,
    numIndexesAfter: existing.length + 1,
    createdCollectionAutomatically: false,
    ok: 1,
  };
}

export function listIndexes(context: CommandContext, command: Document): Promise<Document> {
  const collection = String(command.listIndexes);
  requireContainer(context, collection);
  const indexes = [
    { v: 2, key: { _id: 1 }, name: '_id_' },
    ...indexesOf(context, collection).map((index) => ({ v: 2, ...index })),
  ];
  const ns = `${context.db}.${collection}`;
  return firstBatch(
    context,
    ns,
    arrayCursor(ns, indexes),
    (command.cursor as Document | undefined)?.batchSize,
    false,
  );
}

export async function dropIndexes(context: CommandContext, command: Document): Promise<Document> {
  const collection = String(command.dropIndexes);
  const container = requireContainer(context, collection);
  const names = command.index === '*' ? undefined : [command.index].flat().map(String);
  const kept = indexesOf(context, collection).filter((index) => names && !names.includes(index.name));
  await context.server.store.replaceContainer(context.db, collection, {
    ...container.resource,
    mongoIndexes: kept,
  });
  return { nIndexesWas: indexesOf(context, collection).length + 1, ok: 1 };
}
