import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HackError, errorMessage } from '../../errors.ts';
import { isAlive } from '../../process/index.ts';
import { CosmosError, badRequest, conflict, notFound } from '../errors.ts';
import { ContainerState, type ContainerResource, type ItemChange, type Transaction } from './container.ts';
import { Journal, writeSnapshot } from './journal.ts';
import { RequestMetrics } from './request-metrics.ts';
import { checkName, containerResource, newRid, nowSeconds } from './resources.ts';
import {
  initialRanges,
  partitionCountFor,
  splitRange,
  widestRange,
  defaultThroughput,
  type PartitionKeyRange,
} from './ranges.ts';

export interface DatabaseResource extends Record<string, unknown> {
  id: string;
  _rid: string;
  _self: string;
  _etag: string;
  _ts: number;
}

export interface DatabaseState {
  resource: DatabaseResource;
  containers: Map<string, ContainerState>;
  /** Users and their permissions (resource tokens). */
  users: Map<string, UserState>;
}

export interface UserState {
  resource: Record<string, unknown> & { id: string; _rid: string };
  permissions: Map<string, PermissionResource>;
}

export type PermissionResource = Record<string, unknown> & {
  id: string;
  /** Read or All (the JS SDK sends them lowercased). */
  permissionMode: string;
  resource: string;
  _token: string;
};

type JournalRecord =
  | { op: 'db'; db: DatabaseResource }
  | { op: 'dropdb'; id: string }
  | { op: 'coll'; db: string; coll: ContainerResource }
  | { op: 'dropcoll'; db: string; id: string }
  | { op: 'tx'; db: string; coll: string; changes: ItemChange[] }
  | { op: 'lsn'; db: string; coll: string; lsn: number; docCounter: number }
  | { op: 'user'; db: string; user: UserState['resource']; replaces?: string }
  | { op: 'dropuser'; db: string; id: string }
  | { op: 'perm'; db: string; user: string; perm: PermissionResource; replaces?: string }
  | { op: 'dropperm'; db: string; user: string; id: string }
  /** The container's physical partitions and throughput (absent in older journals: one range, 400 RU/s). */
  | {
      op: 'ranges';
      db: string;
      coll: string;
      ranges: PartitionKeyRange[];
      nextRangeId: number;
      throughput: number;
      autoscale: boolean;
    };

/** Throughput asked for at container creation (`x-ms-offer-throughput` or the autoscale maximum). */
export interface ProvisionOptions {
  throughput?: number;
  autoscale?: boolean;
}

/**
 * All databases, containers and items of one emulator, rebuilt from the journal at start and journaled on
 * every change. Every method that changes something resolves only once the change is durable.
 */
export class CosmosStore {
  readonly databases = new Map<string, DatabaseState>();
  /** Emits `durable` with the container whenever writes to it become durable (change-feed readers wait on it). */
  readonly events = new EventEmitter().setMaxListeners(0);
  /** Requests answered since start, by operation and status (both APIs): `GET /_hack/metrics` serves them. */
  readonly requestMetrics = new RequestMetrics();
  private sweeper: NodeJS.Timeout | undefined;
  /** Set when the journal could not be written: from then on writes answer 503. */
  private failure: CosmosError | undefined;

  private constructor(
    private readonly dir: string,
    private journal: Journal,
  ) {}

  static async open(dir: string): Promise<CosmosStore> {
    mkdirSync(dir, { recursive: true });
    lockDataDir(dir);
    let { journal, records } = await Journal.open(dir);
    let store = new CosmosStore(dir, journal);
    for (const record of records) store.replay(record as JournalRecord);
    // Compact when most of the journal is history: start-up time then stays proportional to the live data.
    if (changeCount(records) > 1000 && changeCount(records) > 2 * store.liveRecordEstimate()) {
      await journal.close();
      writeSnapshot(dir, store.snapshot());
      const reopened = await Journal.open(dir);
      journal = reopened.journal;
      records = reopened.records;
      store = new CosmosStore(dir, journal);
      for (const record of records) store.replay(record as JournalRecord);
    }
    for (const database of store.databases.values()) {
      for (const container of database.containers.values()) container.durableLsn = container.lsn;
    }
    store.sweeper = setInterval(() => void store.sweepExpired(), 1000);
    store.sweeper.unref();
    return store;
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.journal.close();
    rmSync(join(this.dir, lockFileName), { force: true });
  }

  private liveRecordEstimate(): number {
    let count = 0;
    for (const database of this.databases.values()) {
      count += 1;
      for (const container of database.containers.values()) count += 2 + container.items.size;
    }
    return count;
  }

  private *snapshot(): Generator<JournalRecord> {
    for (const database of this.databases.values()) {
      yield { op: 'db', db: database.resource };
      for (const user of database.users.values()) {
        yield { op: 'user', db: database.resource.id, user: user.resource };
        for (const perm of user.permissions.values())
          yield { op: 'perm', db: database.resource.id, user: user.resource.id, perm };
      }
      for (const container of database.containers.values()) {
        yield { op: 'coll', db: database.resource.id, coll: container.resource };
        yield rangesRecord(database.resource.id, container);
        const docs = [...container.items.values()].sort((a, b) => a._lsn - b._lsn);
        for (let i = 0; i < docs.length; i += 500) {
          const changes = docs.slice(i, i + 500).map((doc): ItemChange => ({ op: 'put', doc }));
          yield { op: 'tx', db: database.resource.id, coll: container.resource.id, changes };
        }
        // The LSN and rid counter survive even when the newest items were deleted: tokens stay valid.
        yield {
          op: 'lsn',
          db: database.resource.id,
          coll: container.resource.id,
          lsn: container.lsn,
          docCounter: container.docCounter,
        };
      }
    }
  }

  private replay(record: JournalRecord): void {
    switch (record.op) {
      case 'db':
        this.databases.set(record.db.id, { resource: record.db, containers: new Map(), users: new Map() });
        break;
      case 'dropdb':
        this.databases.delete(record.id);
        break;
      case 'coll': {
        const database = this.databases.get(record.db);
        if (!database) break;
        const existing = database.containers.get(record.coll.id);
        if (existing && existing.resource._rid === record.coll._rid) existing.resource = record.coll;
        else database.containers.set(record.coll.id, new ContainerState(record.coll, database.resource._rid));
        break;
      }
      case 'dropcoll':
        this.databases.get(record.db)?.containers.delete(record.id);
        break;
      case 'tx': {
        const container = this.databases.get(record.db)?.containers.get(record.coll);
        for (const change of record.changes) container?.apply(change);
        break;
      }
      case 'ranges': {
        const container = this.databases.get(record.db)?.containers.get(record.coll);
        if (container) {
          container.ranges = record.ranges;
          container.nextRangeId = record.nextRangeId;
          container.throughput = record.throughput;
          container.autoscale = record.autoscale;
        }
        break;
      }
      case 'user':
      case 'dropuser':
      case 'perm':
      case 'dropperm':
        applyUserRecord(this.databases.get(record.db), record);
        break;
      case 'lsn': {
        const container = this.databases.get(record.db)?.containers.get(record.coll);
        if (container) {
          container.lsn = Math.max(container.lsn, record.lsn);
          container.docCounter = Math.max(container.docCounter, record.docCounter);
        }
        break;
      }
    }
  }

  database(id: string): DatabaseState {
    const database =
      this.databases.get(id) ?? [...this.databases.values()].find((d) => d.resource._rid === id);
    if (!database) throw notFound(`Database ${id}`);
    return database;
  }

  container(databaseId: string, id: string): ContainerState {
    const database = this.database(databaseId);
    const container =
      database.containers.get(id) ?? [...database.containers.values()].find((c) => c.resource._rid === id);
    if (!container) throw notFound(`Container ${id}`);
    return container;
  }

  async createDatabase(body: Record<string, unknown>): Promise<DatabaseResource> {
    const id = checkName(body.id);
    if (this.databases.has(id)) throw conflict();
    const rid = newRid(randomBytes(4));
    const resource: DatabaseResource = {
      ...body,
      id,
      _rid: rid,
      _self: `dbs/${rid}/`,
      _etag: `"${randomUUID()}"`,
      _colls: 'colls/',
      _users: 'users/',
      _ts: nowSeconds(),
    };
    this.databases.set(id, { resource, containers: new Map(), users: new Map() });
    await this.journal.append({ op: 'db', db: resource } satisfies JournalRecord);
    return resource;
  }

  async deleteDatabase(id: string): Promise<void> {
    const database = this.database(id);
    this.databases.delete(database.resource.id);
    await this.journal.append({ op: 'dropdb', id: database.resource.id } satisfies JournalRecord);
  }

  /**
   * Creates a container; with `provision.throughput` above 10,000 RU/s it starts with several physical
   * partitions, as the service provisions them. (The second argument is optional: older callers are unchanged.)
   */
  async createContainer(
    databaseId: string,
    body: Record<string, unknown>,
    provision: ProvisionOptions = {},
  ): Promise<ContainerResource> {
    const database = this.database(databaseId);
    const id = checkName(body.id);
    if (database.containers.has(id)) throw conflict();
    const ridBytes = Buffer.concat([
      Buffer.from(database.resource._rid.replace(/-/g, '/'), 'base64'),
      randomBytes(4),
    ]);
    ridBytes[4] = ridBytes[4]! | 0x80; // a collection rid's fifth byte has its high bit set, as in Cosmos DB
    const rid = newRid(ridBytes);
    const resource = containerResource(body, id, rid, database.resource._rid);
    const container = new ContainerState(resource, database.resource._rid);
    container.throughput = provision.throughput ?? defaultThroughput;
    container.autoscale = provision.autoscale ?? false;
    container.ranges = initialRanges(partitionCountFor(container.throughput));
    container.nextRangeId = container.ranges.length;
    database.containers.set(id, container);
    await this.journal.append({
      op: 'coll',
      db: database.resource.id,
      coll: resource,
    } satisfies JournalRecord);
    if (container.ranges.length > 1 || provision.throughput !== undefined)
      await this.journal.append(rangesRecord(database.resource.id, container));
    return resource;
  }

  /**
   * Changes a container's throughput. Above what its partitions serve (10,000 RU/s each), the widest range
   * splits until there are enough — at once, where the service takes hours. Lowering never merges.
   */
  async replaceThroughput(container: ContainerState, throughput: number, autoscale: boolean): Promise<void> {
    container.throughput = throughput;
    container.autoscale = autoscale;
    while (container.ranges.length < partitionCountFor(throughput)) this.split(container);
    await this.journal.append(rangesRecord(this.databaseOf(container), container));
  }

  /**
   * Splits one physical partition (the widest, or `rangeId`) into two: a live split, as the service does when a
   * partition grows. Readers of the old range get 410/1002 and move to the children.
   */
  async splitPartition(container: ContainerState, rangeId?: string): Promise<PartitionKeyRange[]> {
    this.split(container, rangeId);
    await this.journal.append(rangesRecord(this.databaseOf(container), container));
    return container.ranges;
  }

  private split(container: ContainerState, rangeId = widestRange(container.ranges).id): void {
    container.range(rangeId);
    container.ranges = splitRange(container.ranges, rangeId, container.nextRangeId);
    container.nextRangeId += 2;
  }

  /**
   * Creates (or, with `replaces`, renames/replaces) a user or a permission; what the users routes journal. A
   * permission's `_token` is a resource token that authorizes requests under its `resource`.
   */
  async writeUser(
    record: Extract<JournalRecord, { op: 'user' | 'dropuser' | 'perm' | 'dropperm' }>,
  ): Promise<void> {
    applyUserRecord(this.database(record.db), record);
    await this.journal.append(record);
  }

  /** The permission a resource token belongs to, if any. */
  permissionOfToken(token: string): PermissionResource | undefined {
    for (const database of this.databases.values())
      for (const user of database.users.values())
        for (const perm of user.permissions.values()) if (perm._token === token) return perm;
    return undefined;
  }

  private databaseOf(container: ContainerState): string {
    for (const database of this.databases.values())
      if (database.containers.get(container.resource.id) === container) return database.resource.id;
    throw notFound(`Container ${container.resource.id}`);
  }

  async replaceContainer(
    databaseId: string,
    id: string,
    body: Record<string, unknown>,
  ): Promise<ContainerResource> {
    const container = this.container(databaseId, id);
    if (body.id !== undefined && body.id !== container.resource.id)
      throw badRequest('A container cannot be renamed.');
    if (
      body.partitionKey &&
      JSON.stringify((body.partitionKey as { paths?: unknown }).paths) !==
        JSON.stringify(container.partitionKey.paths)
    ) {
      throw badRequest('The partition key of a container cannot be changed.');
    }
    const resource = containerResource(
      { ...body, partitionKey: container.partitionKey },
      container.resource.id,
      container.resource._rid,
      container.databaseRid,
    );
    resource._ts = nowSeconds();
    container.resource = resource;
    await this.journal.append({
      op: 'coll',
      db: this.database(databaseId).resource.id,
      coll: resource,
    } satisfies JournalRecord);
    return resource;
  }

  async deleteContainer(databaseId: string, id: string): Promise<void> {
    const database = this.database(databaseId);
    const container = this.container(databaseId, id);
    database.containers.delete(container.resource.id);
    await this.journal.append({
      op: 'dropcoll',
      db: database.resource.id,
      id: container.resource.id,
    } satisfies JournalRecord);
  }

  /**
   * Runs item writes in one transaction: `body` stages them (synchronously); if it throws, all are rolled
   * back; otherwise they are journaled as one record and the promise resolves when durable.
   */
  async write<T>(container: ContainerState, body: (tx: Transaction) => T): Promise<T> {
    if (this.failure) throw this.failure;
    const tx = container.begin();
    let result: T;
    try {
      result = body(tx);
    } catch (error) {
      container.rollback(tx);
      throw error;
    }
    if (tx.changes.length > 0) {
      const database = [...this.databases.values()].find(
        (d) => d.containers.get(container.resource.id) === container,
      );
      const lsn = container.lsn;
      try {
        await this.journal.append({
          op: 'tx',
          db: database?.resource.id ?? '',
          coll: container.resource.id,
          changes: tx.changes,
        } satisfies JournalRecord);
      } catch (error) {
        // Memory now holds a write the disk does not (and later writes may build on it): refuse all further
        // writes rather than acknowledge anything that a restart would lose.
        this.failure = new CosmosError(
          503,
          `The emulator could not write its journal (${errorMessage(error)}); no further writes are accepted until it is restarted.`,
        );
        throw this.failure;
      }
      container.markDurable(lsn);
      this.events.emit('durable', container);
    }
    return result;
  }

  private async sweepExpired(): Promise<void> {
    for (const database of this.databases.values()) {
      for (const container of database.containers.values()) {
        if (container.ttlEnabled)
          await this.write(container, (tx) => container.expire(tx)).catch(() => undefined);
      }
    }
  }
}

function applyUserRecord(
  database: DatabaseState | undefined,
  record: Extract<JournalRecord, { op: 'user' | 'dropuser' | 'perm' | 'dropperm' }>,
): void {
  if (!database) return;
  switch (record.op) {
    case 'user': {
      const previous = database.users.get(record.replaces ?? record.user.id);
      if (record.replaces) database.users.delete(record.replaces);
      database.users.set(record.user.id, {
        resource: record.user,
        permissions: previous?.permissions ?? new Map(),
      });
      break;
    }
    case 'dropuser':
      database.users.delete(record.id);
      break;
    case 'perm': {
      const user = database.users.get(record.user);
      if (record.replaces) user?.permissions.delete(record.replaces);
      user?.permissions.set(record.perm.id, record.perm);
      break;
    }
    case 'dropperm':
      database.users.get(record.user)?.permissions.delete(record.id);
      break;
  }
}

function rangesRecord(db: string, container: ContainerState): JournalRecord {
  return {
    op: 'ranges',
    db,
    coll: container.resource.id,
    ranges: container.ranges,
    nextRangeId: container.nextRangeId,
    throughput: container.throughput,
    autoscale: container.autoscale,
  };
}

/** Changes a journal holds (a transaction record holds many): what the live state is compared against. */
function changeCount(records: unknown[]): number {
  let count = 0;
  for (const record of records as JournalRecord[]) count += record.op === 'tx' ? record.changes.length : 1;
  return count;
}

const lockFileName = 'emulator.pid';

/**
 * Two emulators appending to one journal would corrupt it: the data dir holds the pid of the process that has
 * it open, and another live process is refused. A lock left by a dead process (kill -9) is taken over.
 */
function lockDataDir(dir: string): void {
  const lock = join(dir, lockFileName);
  const holder = existsSync(lock) ? Number(readFileSync(lock, 'utf8').trim()) : 0;
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new HackError(`The Cosmos DB emulator data dir ${dir} is in use by process ${holder}.`, {
      fix: 'Stop that emulator (`npx hack down`), or give this one another data dir.',
    });
  }
  writeFileSync(lock, String(process.pid));
}
