import { randomUUID } from 'node:crypto';
import { CosmosError, badRequest, conflict, notFound, preconditionFailed } from '../errors.ts';
import { matches, parseCondition } from '../query/index.ts';
import { applyPatch } from './patch.ts';
import {
  extractPartitionKey,
  partitionKeyHasPrefix,
  partitionKeyString,
  type PartitionKeyDefinition,
} from './partition-key.ts';

export type Document = Record<string, unknown> & {
  id: string;
  _rid: string;
  _etag: string;
  _ts: number;
  _lsn: number;
};

export interface ContainerResource extends Record<string, unknown> {
  id: string;
  _rid: string;
  _self: string;
  _etag: string;
  _ts: number;
  partitionKey: PartitionKeyDefinition;
  defaultTtl?: number;
}

/** One write, as the journal stores it and the replay applies it. */
export type ItemChange =
  | { op: 'put'; doc: Document }
  /** `at` (ms) dates the delete for "start from a point in time"; `ttl` marks a TTL expiry. */
  | { op: 'del'; pk: unknown[]; id: string; lsn: number; at?: number; ttl?: boolean };

interface FeedEntry {
  lsn: number;
  key: string;
  /** The version written, or for a delete the version deleted. */
  doc: Document;
  /** The version this one replaced or deleted (all-versions-and-deletes mode reports it). */
  previous?: Document;
  deleted?: boolean;
  ttlExpired?: boolean;
  /** Wall-clock ms of the write, never decreasing along the feed: "start from a point in time" searches it. */
  at: number;
}

/** Writes staged by one request; rolled back as a whole when a transactional batch fails. */
export class Transaction {
  readonly changes: ItemChange[] = [];
  readonly undo: { key: string; before: Document | undefined }[] = [];
  constructor(
    readonly lsnBefore: number,
    readonly counterBefore: number,
    readonly feedLengthBefore: number,
  ) {}
}

export const maxDocumentBytes = 2 * 1024 * 1024;
const invalidId = /[/\\?#]/;

/** One change as the all-versions-and-deletes feed reports it (wire format 2021-09-15). */
export interface VersionChange {
  current?: Document;
  previous?: Document;
  metadata: {
    lsn: number;
    crts: number;
    operationType: 'create' | 'replace' | 'delete';
    previousImageLSN?: number;
    timeToLiveExpired?: boolean;
    id?: string;
    partitionKey?: Record<string, unknown>;
  };
}

/** How long superseded versions and deletes stay readable in all-versions-and-deletes mode. */
export const allVersionsRetentionMs = 60 * 60 * 1000;
/** At most this many old versions and deletes are kept for it, whatever their age (bounds memory). */
const maxHistory = 100_000;

export interface ChangePage {
  documents: Document[];
  /** The LSN the page reads through: the next read continues after it. */
  through: number;
}

/**
 * A container's items, its LSN-ordered change log and its item operations. Writes change memory at once and
 * become visible to the change feed only when durable (`durableLsn`), so a reader never sees a change that a
 * crash could take back.
 */
export class ContainerState {
  readonly items = new Map<string, Document>();
  private feed: FeedEntry[] = [];
  private superseded = 0;
  private compactAt = 10_000;
  lsn = 0;
  durableLsn = 0;
  docCounter = 0;
  private lastAt = 0;

  constructor(
    public resource: ContainerResource,
    readonly databaseRid: string,
  ) {}

  get partitionKey(): PartitionKeyDefinition {
    return this.resource.partitionKey;
  }

  get ttlEnabled(): boolean {
    return typeof this.resource.defaultTtl === 'number';
  }

  keyOf(pk: unknown[], id: string): string {
    return `${partitionKeyString(pk)}\u0001${id}`;
  }

  partitionKeyOf(doc: Record<string, unknown>): unknown[] {
    return extractPartitionKey(doc, this.partitionKey);
  }

  isExpired(doc: Document, nowSeconds: number): boolean {
    const containerTtl = this.resource.defaultTtl;
    if (typeof containerTtl !== 'number') return false;
    const ttl = typeof doc.ttl === 'number' ? doc.ttl : containerTtl;
    return ttl > 0 && doc._ts + ttl <= nowSeconds;
  }

  /** Live (unexpired) documents, optionally of one partition key or a prefix of a hierarchical one. */
  *documents(partitionKey?: unknown[]): Generator<Document> {
    const now = Date.now() / 1000;
    const checkTtl = this.ttlEnabled;
    for (const doc of this.items.values()) {
      if (checkTtl && this.isExpired(doc, now)) continue;
      if (partitionKey && !partitionKeyHasPrefix(this.partitionKeyOf(doc), partitionKey)) continue;
      yield doc;
    }
  }

  begin(): Transaction {
    return new Transaction(this.lsn, this.docCounter, this.feed.length);
  }

  rollback(tx: Transaction): void {
    for (const { key, before } of tx.undo.reverse()) {
      if (before) this.items.set(key, before);
      else this.items.delete(key);
    }
    this.feed.length = tx.feedLengthBefore;
    this.lsn = tx.lsnBefore;
    this.docCounter = tx.counterBefore;
  }

  /**
   * Applies a journaled change (replay) or a new one (`live`, through `stage`). Replayed versions are dated by
   * their `_ts`, not by the restart, so "start from a point in time" still works after one.
   */
  apply(change: ItemChange, live = false): void {
    if (change.op === 'put') {
      const doc = change.doc;
      const key = this.keyOf(this.partitionKeyOf(doc), doc.id);
      const previous = this.items.get(key);
      if (previous) this.superseded++;
      this.items.set(key, doc);
      this.lastAt = Math.max(this.lastAt, live ? Date.now() : doc._ts * 1000);
      this.feed.push({ lsn: doc._lsn, key, doc, previous, at: this.lastAt });
      this.lsn = Math.max(this.lsn, doc._lsn);
      this.docCounter = Math.max(this.docCounter, ridCounter(doc._rid));
    } else {
      const key = this.keyOf(change.pk, change.id);
      const previous = this.items.get(key);
      if (previous) {
        this.items.delete(key);
        this.superseded += 2; // the deleted version and the delete itself are both history now
        this.lastAt = Math.max(this.lastAt, change.at ?? (live ? Date.now() : this.lastAt));
        this.feed.push({
          lsn: change.lsn,
          key,
          doc: previous,
          previous,
          deleted: true,
          ttlExpired: change.ttl,
          at: this.lastAt,
        });
      }
      this.lsn = Math.max(this.lsn, change.lsn);
    }
  }

  private stage(tx: Transaction, change: ItemChange, key: string): void {
    tx.undo.push({ key, before: this.items.get(key) });
    tx.changes.push(change);
    this.apply(change, true);
  }

  /** After the journal has the transaction: visible to the change feed; the feed is compacted now and then. */
  markDurable(lsn: number): void {
    this.durableLsn = Math.max(this.durableLsn, lsn);
    if (this.superseded > this.compactAt && this.superseded > this.feed.length / 2) this.compactFeed();
  }

  /**
   * Drops history the feeds no longer need: superseded versions and deletes older than the all-versions
   * retention, and beyond `maxHistory` the oldest of them. The next compaction waits until history has doubled,
   * so heavy update traffic costs amortized constant time per write.
   */
  private compactFeed(): void {
    const keepAfter = Date.now() - allVersionsRetentionMs;
    const isHistory = (entry: FeedEntry): boolean =>
      entry.deleted === true || this.items.get(entry.key) !== entry.doc;
    let history = 0;
    for (const entry of this.feed) if (isHistory(entry) && entry.at > keepAfter) history++;
    let drop = Math.max(0, history - maxHistory);
    this.feed = this.feed.filter((entry) => {
      if (!isHistory(entry)) return true;
      if (entry.at <= keepAfter) return false;
      if (drop > 0) {
        drop--;
        return false;
      }
      return true;
    });
    this.superseded = Math.min(history, maxHistory);
    this.compactAt = Math.max(10_000, this.superseded * 2);
  }

  private newDocument(body: Record<string, unknown>, existing: Document | undefined): Document {
    const lsn = ++this.lsn;
    const rid = existing?._rid ?? documentRid(this.resource._rid, ++this.docCounter);
    const user: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (!['_rid', '_self', '_etag', '_ts', '_lsn', '_attachments'].includes(key)) user[key] = value;
    }
    return {
      ...user,
      id: body.id as string,
      _rid: rid,
      _self: `dbs/${this.databaseRid}/colls/${this.resource._rid}/docs/${rid}/`,
      _etag: `"${randomUUID()}"`,
      _attachments: 'attachments/',
      _ts: Math.floor(Date.now() / 1000),
      _lsn: lsn,
    };
  }

  private validate(
    body: unknown,
    pkHeader: unknown[] | undefined,
  ): { doc: Record<string, unknown>; pk: unknown[] } {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('The request body must be a JSON object.');
    const doc = body as Record<string, unknown>;
    if (typeof doc.id !== 'string' || doc.id === '') {
      throw badRequest("The input content is invalid because the required properties - 'id; ' - are missing");
    }
    if (doc.id.length > 255 || invalidId.test(doc.id)) {
      throw badRequest(`The id '${doc.id}' is invalid: at most 255 characters, none of / \\ ? #.`);
    }
    if (Buffer.byteLength(JSON.stringify(doc)) > maxDocumentBytes) {
      throw new CosmosError(413, 'Request size is too large. Documents are limited to 2 MB.');
    }
    const pk = this.partitionKeyOf(doc);
    if (pkHeader && partitionKeyString(pkHeader) !== partitionKeyString(pk)) {
      throw badRequest("PartitionKey extracted from document doesn't match the one specified in the header.");
    }
    return { doc, pk };
  }

  /** The live document, or undefined (an expired one counts as gone). */
  find(pk: unknown[], id: string): Document | undefined {
    const doc = this.items.get(this.keyOf(pk, id));
    if (doc && this.ttlEnabled && this.isExpired(doc, Date.now() / 1000)) return undefined;
    return doc;
  }

  read(pk: unknown[], id: string): Document {
    const doc = this.find(pk, id);
    if (!doc) throw notFound('Entity with the specified id does not exist in the system.');
    return doc;
  }

  create(tx: Transaction, body: unknown, pkHeader?: unknown[]): Document {
    const { doc, pk } = this.validate(body, pkHeader);
    if (this.find(pk, doc.id as string)) throw conflict();
    const created = this.newDocument(doc, undefined);
    this.stage(tx, { op: 'put', doc: created }, this.keyOf(pk, created.id));
    return created;
  }

  /** Returns the document and whether it was created (201) rather than replaced (200). */
  upsert(
    tx: Transaction,
    body: unknown,
    pkHeader?: unknown[],
    ifMatch?: string,
  ): { doc: Document; created: boolean } {
    const { doc, pk } = this.validate(body, pkHeader);
    const existing = this.find(pk, doc.id as string);
    if (ifMatch !== undefined && ifMatch !== '*' && existing?._etag !== ifMatch) throw preconditionFailed();
    const written = this.newDocument(doc, existing);
    this.stage(tx, { op: 'put', doc: written }, this.keyOf(pk, written.id));
    return { doc: written, created: !existing };
  }

  replace(
    tx: Transaction,
    id: string,
    pkHeader: unknown[] | undefined,
    body: unknown,
    ifMatch?: string,
  ): Document {
    const { doc, pk } = this.validate(body, pkHeader);
    if (doc.id !== id)
      throw badRequest(`The id in the body (${String(doc.id)}) differs from the id in the URL (${id}).`);
    const existing = this.read(pk, id);
    if (ifMatch !== undefined && ifMatch !== '*' && existing._etag !== ifMatch) throw preconditionFailed();
    const written = this.newDocument(doc, existing);
    this.stage(tx, { op: 'put', doc: written }, this.keyOf(pk, id));
    return written;
  }

  delete(tx: Transaction, id: string, pk: unknown[], ifMatch?: string): Document {
    const existing = this.read(pk, id);
    if (ifMatch !== undefined && ifMatch !== '*' && existing._etag !== ifMatch) throw preconditionFailed();
    this.stage(tx, { op: 'del', pk, id, lsn: ++this.lsn, at: Date.now() }, this.keyOf(pk, id));
    return existing;
  }

  patch(tx: Transaction, id: string, pk: unknown[], body: unknown, ifMatch?: string): Document {
    const existing = this.read(pk, id);
    if (ifMatch !== undefined && ifMatch !== '*' && existing._etag !== ifMatch) throw preconditionFailed();
    // The SDK sends a bare array of operations, or {operations, condition} when there is a condition.
    const request = (Array.isArray(body) ? { operations: body } : (body ?? {})) as {
      operations?: unknown;
      condition?: unknown;
    };
    if (typeof request.condition === 'string' && !matches(parseCondition(request.condition), existing)) {
      throw preconditionFailed();
    }
    const forbidden = ['/id', ...(this.partitionKey.systemKey ? [] : this.partitionKey.paths)];
    const patched = applyPatch(existing, request.operations, forbidden);
    if (Buffer.byteLength(JSON.stringify(patched)) > maxDocumentBytes) {
      throw new CosmosError(413, 'Request size is too large. Documents are limited to 2 MB.');
    }
    const written = this.newDocument(patched, existing);
    this.stage(tx, { op: 'put', doc: written }, this.keyOf(pk, id));
    return written;
  }

  /** Deletes expired documents (the TTL sweeper); the changes still need journaling. */
  expire(tx: Transaction): void {
    if (!this.ttlEnabled) return;
    const now = Date.now() / 1000;
    for (const doc of [...this.items.values()]) {
      if (this.isExpired(doc, now)) {
        const pk = this.partitionKeyOf(doc);
        this.stage(
          tx,
          { op: 'del', pk, id: doc.id, lsn: ++this.lsn, at: Date.now(), ttl: true },
          this.keyOf(pk, doc.id),
        );
      }
    }
  }

  /** The LSN just before the first change at or after `ms`, for change feeds that start from a point in time. */
  lsnBefore(ms: number): number {
    let low = 0;
    let high = this.feed.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.feed[mid]!.at < ms) low = mid + 1;
      else high = mid;
    }
    const entry = this.feed[low];
    return entry && entry.lsn <= this.durableLsn ? entry.lsn - 1 : this.durableLsn;
  }

  /**
   * Latest-version change feed: the newest version of each item changed after `after`, in LSN order, up to
   * `max` documents, only durable changes, never deletes.
   */
  readChanges(after: number, max: number, filter?: (doc: Document) => boolean): ChangePage {
    if (after >= this.durableLsn) return { documents: [], through: Math.max(after, 0) };
    let low = 0;
    let high = this.feed.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.feed[mid]!.lsn <= after) low = mid + 1;
      else high = mid;
    }
    const documents: Document[] = [];
    const now = Date.now() / 1000;
    for (let i = low; i < this.feed.length; i++) {
      const entry = this.feed[i]!;
      if (entry.lsn > this.durableLsn) break;
      if (entry.deleted || this.items.get(entry.key) !== entry.doc) continue;
      if (this.ttlEnabled && this.isExpired(entry.doc, now)) continue;
      if (filter && !filter(entry.doc)) continue;
      documents.push(entry.doc);
      if (documents.length >= max) return { documents, through: entry.lsn };
    }
    return { documents, through: this.durableLsn };
  }

  /**
   * All-versions-and-deletes change feed: every create, replace and delete after `after`, in LSN order, as long
   * as it is within the retention window.
   */
  readAllVersions(
    after: number,
    max: number,
    filter?: (doc: Document) => boolean,
  ): { changes: VersionChange[]; through: number } {
    if (after >= this.durableLsn) return { changes: [], through: Math.max(after, 0) };
    let low = 0;
    let high = this.feed.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.feed[mid]!.lsn <= after) low = mid + 1;
      else high = mid;
    }
    const changes: VersionChange[] = [];
    for (let i = low; i < this.feed.length; i++) {
      const entry = this.feed[i]!;
      if (entry.lsn > this.durableLsn) break;
      if (filter && !filter(entry.doc)) continue;
      changes.push(this.versionChange(entry));
      if (changes.length >= max) return { changes, through: entry.lsn };
    }
    return { changes, through: this.durableLsn };
  }

  private versionChange(entry: FeedEntry): VersionChange {
    if (entry.deleted) {
      const partitionKey: Record<string, unknown> = {};
      const values = this.partitionKeyOf(entry.doc);
      this.partitionKey.paths.forEach(
        (path, index) => (partitionKey[path.replace(/^\//, '')] = values[index]),
      );
      return {
        previous: entry.previous,
        metadata: {
          lsn: entry.lsn,
          crts: Math.floor(entry.at / 1000),
          operationType: 'delete',
          previousImageLSN: entry.doc._lsn,
          timeToLiveExpired: entry.ttlExpired ?? false,
          id: entry.doc.id,
          partitionKey,
        },
      };
    }
    return {
      current: entry.doc,
      ...(entry.previous ? { previous: entry.previous } : {}),
      metadata: {
        lsn: entry.lsn,
        crts: entry.doc._ts,
        operationType: entry.previous ? 'replace' : 'create',
        ...(entry.previous ? { previousImageLSN: entry.previous._lsn } : {}),
      },
    };
  }
}

/** Item `_rid`s extend the container's: 8 bytes of container, 8 of a per-container counter. */
export function documentRid(containerRid: string, counter: number): string {
  const prefix = Buffer.from(containerRid.replace(/-/g, '/'), 'base64').subarray(0, 8);
  const suffix = Buffer.alloc(8);
  suffix.writeBigUInt64BE(BigInt(counter));
  return Buffer.concat([prefix, suffix]).toString('base64').replace(/\//g, '-');
}

function ridCounter(rid: string): number {
  const bytes = Buffer.from(rid.replace(/-/g, '/'), 'base64');
  return bytes.length >= 16 ? Number(bytes.readBigUInt64BE(8)) : 0;
}
