import { Timestamp, type Document } from 'bson';
import type { ContainerState, CosmosStore } from '../cosmos/store/index.ts';
import { runPipeline } from './aggregate.ts';
import { ensureContainer, type CommandContext, type Cursor } from './context.ts';
import { firstBatch } from './cursors.ts';
import { fromItem } from './documents.ts';
import { MongoError, badValue } from './errors.ts';
import { matchesFilter } from './query.ts';
import { isPlainObject } from './values.ts';

/**
 * Change streams with Cosmos DB for MongoDB's rules, read from the container's change log (so resume tokens are
 * LSNs and survive restarts): one collection at a time; `$match` then `$project` required; inserts, updates and
 * replaces only (no deletes); the newest version of each changed document, with `fullDocument` always; no
 * `operationType` or `updateDescription` in the events.
 */
const pageSize = 1000;

interface ResumePoint {
  /** The container's `_rid`: a token of another collection is refused. */
  rid: string;
  lsn: number;
}

export function resumeToken(point: ResumePoint): Document {
  return { _data: Buffer.from(`${point.rid}|${point.lsn}`).toString('hex') };
}

function parseResumeToken(token: unknown): ResumePoint {
  const data = isPlainObject(token) ? token._data : undefined;
  const match = typeof data === 'string' ? /^(.+)\|(\d+)$/.exec(Buffer.from(data, 'hex').toString()) : null;
  if (!match) throw badValue('Invalid resume token: it was not issued by this change stream service.');
  return { rid: match[1]!, lsn: Number(match[2]) };
}

export async function openChangeStream(
  context: CommandContext,
  command: Document,
  pipeline: Document[],
): Promise<Document> {
  if (typeof command.aggregate !== 'string') {
    // What Cosmos DB answers to db.watch() and client.watch(): only collections have change streams.
    throw badValue('Expected type string but found int.');
  }
  const options = (pipeline[0]!.$changeStream ?? {}) as Document;
  const rest = pipeline.slice(1);
  if (rest.length < 2 || !('$match' in rest[0]!) || !('$project' in rest[1]!)) {
    throw badValue('Change stream must be followed by a match and then a project stage');
  }
  if (
    options.fullDocument !== undefined &&
    !['updateLookup', 'default'].includes(String(options.fullDocument))
  ) {
    throw badValue(`fullDocument: '${String(options.fullDocument)}' is not supported; use 'updateLookup'.`);
  }
  if (options.showExpandedEvents || options.fullDocumentBeforeChange) {
    throw badValue(
      'showExpandedEvents and fullDocumentBeforeChange are not supported by Cosmos DB change streams.',
    );
  }
  const container = await ensureContainer(context, command.aggregate);
  const rid = container.resource._rid;
  let after = container.durableLsn;
  const token = options.resumeAfter ?? options.startAfter;
  if (token !== undefined) {
    const point = parseResumeToken(token);
    if (point.rid !== rid) {
      throw new MongoError(
        280,
        'The resume token was issued for another collection.',
        'ChangeStreamFatalError',
      );
    }
    after = point.lsn;
  } else if (options.startAtOperationTime instanceof Timestamp) {
    after = container.lsnBefore(options.startAtOperationTime.high * 1000);
  }
  const ns = `${context.db}.${command.aggregate}`;
  const cursor = changeStreamCursor(
    context.server.store,
    container,
    ns,
    { db: context.db, coll: command.aggregate },
    rest,
    after,
  );
  return firstBatch(context, ns, cursor, (command.cursor as Document | undefined)?.batchSize, false);
}

function changeStreamCursor(
  store: CosmosStore,
  container: ContainerState,
  ns: string,
  namespace: { db: string; coll: string },
  stages: Document[],
  start: number,
): Cursor {
  let after = start;
  let closed = false;
  const rid = container.resource._rid;
  const match = stages[0]!.$match as Document;

  function eventOf(
    lsn: number,
    current: Parameters<typeof fromItem>[0],
    created: boolean,
  ): Document | undefined {
    const fullDocument = fromItem(current);
    const event: Document = {
      _id: resumeToken({ rid, lsn }),
      operationType: created ? 'insert' : 'update',
      fullDocument,
      ns: namespace,
      documentKey: { _id: fullDocument._id },
    };
    // Latest-version change feed: an update and a replace look alike, so either operation type matches one.
    const matched =
      matchesFilter(event, match) ||
      (!created && matchesFilter({ ...event, operationType: 'replace' }, match));
    if (!matched) return undefined;
    const [shaped] = runPipeline([event], stages.slice(1));
    if (!shaped) return undefined;
    delete shaped.operationType;
    delete shaped.updateDescription;
    return shaped;
  }

  function read(batchSize: number): Document[] {
    const events: Document[] = [];
    for (;;) {
      const { changes, through } = container.readAllVersions(after, pageSize);
      for (const change of changes) {
        const current = change.current;
        // Only the newest version of each document, never deletes: what Cosmos DB's change feed reports.
        if (current && container.find(container.partitionKeyOf(current), current.id) === current) {
          const event = eventOf(change.metadata.lsn, current, change.metadata.operationType === 'create');
          if (event) events.push(event);
        }
        after = change.metadata.lsn;
        if (events.length >= batchSize) return events;
      }
      after = Math.max(after, through);
      if (changes.length < pageSize) return events;
    }
  }

  return {
    ns,
    async next(batchSize, maxTimeMS) {
      const deadline = Date.now() + maxTimeMS;
      for (;;) {
        const docs = closed ? [] : read(Math.max(1, batchSize));
        if (docs.length > 0 || Date.now() >= deadline || closed) {
          return { docs, done: false, postBatchResumeToken: resumeToken({ rid, lsn: after }) };
        }
        await durableChange(store, container, deadline - Date.now());
      }
    },
    close() {
      closed = true;
    },
  };
}

/** Resolves when the container has new durable changes or after `ms`: the change stream waits, never polls. */
function durableChange(store: CosmosStore, container: ContainerState, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      store.events.off('durable', listener);
      resolve();
    };
    const listener = (changed: ContainerState): void => {
      if (changed === container) done();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    store.events.on('durable', listener);
  });
}
