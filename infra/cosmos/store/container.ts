import { randomUUID } from 'node:crypto';
import { CosmosError, badRequest, conflict, notFound, preconditionFailed } from '../errors.ts';
import { matches, parseCondition } from '../query/index.ts';
import { ChangeLog, versionChange, type VersionChange } from './change-log.ts';
import { applyPatch } from './patch.ts';
import {
  valueAtPath,
  extractPartitionKey,
  partitionKeyHasPrefix,
  partitionKeyString,
  type PartitionKeyDefinition,
} from './partition-key.ts';
import {
  effectivePartitionKey,
  initialRanges,
  rangeContains,
  defaultThroughput,
  type PartitionKeyRange,
} from './ranges.ts';

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

/** A TTL is -1 (never expire) or a positive whole number of seconds, as the service requires; absent or null is no TTL. */
export function checkTtl(value: unknown, what: string): void {
  if (value === undefined || value === null) return;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value === 0 ||
    value < -1 ||
    value > 2_147_483_647
  ) {
    throw badRequest(
      `${what} ${JSON.stringify(value)} is invalid: use -1 (never expire) or a positive number of seconds.`,
    );
  }
}
const invalidId = /[/\\?#]/;

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
  /** id → item keys: ids repeat across partition keys, so one id may name several items. */
  private readonly idIndex = new Map<string, Set<string>>();
  private readonly log = new ChangeLog();
  lsn = 0;
  durableLsn = 0;
  /**
   * The LSN the latest change-feed request read from (its continuation), or undefined when none came: the change
   * feed's lag is `lsn` minus it. With several readers (one per range, or several processors) it is the last one's.
   */
  changeFeedReadFrom: number | undefined;
  docCounter = 0;
  /** Physical partitions; one unless provisioned throughput or a split made more (see `ranges.ts`). */
  ranges: PartitionKeyRange[] = initialRanges(1);
  /** The id the next split child gets: ids are never reused, so a gone id stays gone. */
  nextRangeId = 1;
  /** Provisioned RU/s (manual, or the autoscale maximum): what the container's offer reports. */
  throughput = defaultThroughput;
  autoscale = false;
  private readonly epks = new WeakMap<Document, string>();

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

  /** The range with this id; a split parent (or any unknown id) is gone: 410 with substatus 1002. */
  range(id: string): PartitionKeyRange {
    const range = this.ranges.find((r) => r.id === id);
    if (!range) {
      throw new CosmosError(
        410,
        `The partition key range ${id} is gone (it was split); refresh the ranges.`,
        {
          substatus: 1002,
        },
      );
    }
    return range;
  }

  /** The document's effective partition key (cached per document version). */
  epkOf(doc: Document): string {
    let epk = this.epks.get(doc);
    if (epk === undefined) {
      epk = effectivePartitionKey(this.partitionKeyOf(doc), this.partitionKey);
      this.epks.set(doc, epk);
    }
    return epk;
  }

  /** Whether the document lies in `[min, max)` of the EPK space; free when the container has one range. */
  inEpkRange(doc: Document, min: string, max: string): boolean {
    if (min === '' && max.toUpperCase() === 'FF') return true;
    return rangeContains({ minInclusive: min, maxExclusive: max }, this.epkOf(doc));
  }

  /** The id of the range that holds the document: what its session token names. */
  rangeIdOf(doc: Document): string {
    if (this.ranges.length === 1) return this.ranges[0]!.id;
    const epk = this.epkOf(doc);
    return (this.ranges.find((r) => rangeContains(r, epk)) ?? this.ranges[0]!).id;
  }

  begin(): Transaction {
    return new Transaction(this.lsn, this.docCounter, this.log.length);
  }

  rollback(tx: Transaction): void {
    for (const { key, before } of tx.undo.reverse()) {
      if (before) this.setItem(key, before);
      else this.deleteItem(key);
    }
    this.log.truncate(tx.feedLengthBefore);
    this.lsn = tx.lsnBefore;
    this.docCounter = tx.counterBefore;
  }

  /**
   * Applies a journaled change (replay) or a new one (`live`, through `stage`). Replayed versions are dated by
   * their `_ts`, not by the restart, so "start from a point in time" still works after one. `knownKey` is the
   * item's key when the caller has it already (a live write).
   */
  apply(change: ItemChange, live = false, knownKey?: string): void {
    if (change.op === 'put') {
      const doc = change.doc;
      const key = knownKey ?? this.keyOf(this.partitionKeyOf(doc), doc.id);
      const previous = this.items.get(key);
      this.setItem(key, doc);
      this.log.recordPut(key, doc, previous, live);
      this.lsn = Math.max(this.lsn, doc._lsn);
      // A live write's `_rid` came from the counter (or is an older item's): only a replay needs to raise it.
      if (!live) this.docCounter = Math.max(this.docCounter, ridCounter(doc._rid));
    } else {
      const key = knownKey ?? this.keyOf(change.pk, change.id);
      const previous = this.items.get(key);
      if (previous) {
        this.deleteItem(key);
        this.log.recordDelete(change.lsn, key, previous, change.at, change.ttl, live);
      }
      this.lsn = Math.max(this.lsn, change.lsn);
    }
  }

  private setItem(key: string, doc: Document): void {
    this.items.set(key, doc);
    const keys = this.idIndex.get(doc.id);
    if (keys) keys.add(key);
    else this.idIndex.set(doc.id, new Set([key]));
  }

  private deleteItem(key: string): void {
    const doc = this.items.get(key);
    if (!doc) return;
    this.items.delete(key);
    const keys = this.idIndex.get(doc.id);
    keys?.delete(key);
    if (keys?.size === 0) this.idIndex.delete(doc.id);
  }

  /** Live documents with this id (one per partition key): queries that pin `c.id` read only these. */
  *documentsWithId(id: string, partitionKey?: unknown[]): Generator<Document> {
    const now = Date.now() / 1000;
    for (const key of this.idIndex.get(id) ?? []) {
      const doc = this.items.get(key);
      if (!doc || (this.ttlEnabled && this.isExpired(doc, now))) continue;
      if (partitionKey && !partitionKeyHasPrefix(this.partitionKeyOf(doc), partitionKey)) continue;
      yield doc;
    }
  }

  private stage(tx: Transaction, change: ItemChange, key: string): void {
    tx.undo.push({ key, before: this.items.get(key) });
    tx.changes.push(change);
    this.apply(change, true, key);
  }

  /** After the journal has the transaction: visible to the change feed; the log is compacted now and then. */
  markDurable(lsn: number): void {
    this.durableLsn = Math.max(this.durableLsn, lsn);
    this.log.compactIfWorthIt((entry) => this.items.get(entry.key) === entry.doc);
  }

  /**
   * Unique key policies, enforced within the logical partition as the service does (a missing value counts as
   * null). A scan of the partition, and only for containers that declare unique keys.
   */
  private checkUniqueKeys(body: Record<string, unknown>): void {
    const policy = this.resource.uniqueKeyPolicy as { uniqueKeys?: { paths?: string[] }[] } | undefined;
    const uniqueKeys = (policy?.uniqueKeys ?? []).filter(
      (key) => Array.isArray(key.paths) && key.paths.length > 0,
    );
    if (uniqueKeys.length === 0) return;
    const signature = (doc: Record<string, unknown>, paths: string[]): string =>
      JSON.stringify(paths.map((path) => valueAtPath(doc, path) ?? null));
    const pk = this.partitionKeyOf(body);
    for (const other of this.documents(pk)) {
      if (other.id === body.id || partitionKeyString(this.partitionKeyOf(other)) !== partitionKeyString(pk))
        continue;
      for (const { paths } of uniqueKeys) {
        if (signature(other, paths!) === signature(body, paths!)) {
          throw new CosmosError(409, 'Unique index constraint violation.');
        }
      }
    }
  }

  private newDocument(body: Record<string, unknown>, existing: Document | undefined): Document {
    this.checkUniqueKeys(body);
    const lsn = ++this.lsn;
    const rid = existing?._rid ?? this.documentRid(++this.docCounter);
    // Built property by property (no entries array, no spread): this runs once per item written. The order is
    // the body's, then the system properties, as before.
    const doc: Record<string, unknown> = {};
    for (const key of Object.keys(body)) if (!systemProperties.has(key)) doc[key] = body[key];
    doc.id = body.id as string;
    doc._rid = rid;
    doc._self = `dbs/${this.databaseRid}/colls/${this.resource._rid}/docs/${rid}/`;
    doc._etag = `"${randomUUID()}"`;
    doc._attachments = 'attachments/';
    doc._ts = Math.floor(Date.now() / 1000);
    doc._lsn = lsn;
    return doc as Document;
  }

  /** The container's 8 `_rid` bytes, decoded once: every new item's `_rid` starts with them. */
  private ridPrefix: Buffer | undefined;

  private documentRid(counter: number): string {
    this.ridPrefix ??= ridPrefixOf(this.resource._rid);
    return ridWithCounter(this.ridPrefix, counter);
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
    checkTtl(doc.ttl, "The item's ttl");
    const pk = this.partitionKeyOf(doc);
    if (pkHeader && partitionKeyString(pkHeader) !== partitionKeyString(pk)) {
      throw badRequest("PartitionKey extracted from document doesn't match the one specified in the header.");
    }
    return { doc, pk };
  }

  /** The live document, or undefined (an expired one counts as gone). */
  find(pk: unknown[], id: string): Document | undefined {
    if (!this.partitionKey.systemKey && pk.length !== this.partitionKey.paths.length) {
      // A prefix of a hierarchical key scopes queries and feeds; a point operation needs the full key.
      throw badRequest(
        `The partition key has ${pk.length} of the ${this.partitionKey.paths.length} values the container's definition (${this.partitionKey.paths.join(', ')}) needs.`,
      );
    }
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
    return this.log.lsnBefore(ms, this.durableLsn);
  }

  /**
   * Latest-version change feed: the newest version of each item changed after `after`, in LSN order, up to
   * `max` documents, only durable changes, never deletes.
   */
  readChanges(after: number, max: number, filter?: (doc: Document) => boolean): ChangePage {
    if (after >= this.durableLsn) return { documents: [], through: Math.max(after, 0) };
    const documents: Document[] = [];
    const now = Date.now() / 1000;
    for (const entry of this.log.between(after, this.durableLsn)) {
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
    const changes: VersionChange[] = [];
    for (const entry of this.log.between(after, this.durableLsn)) {
      if (filter && !filter(entry.doc)) continue;
      changes.push(versionChange(entry, () => this.partitionKeyObject(entry.doc)));
      if (changes.length >= max) return { changes, through: entry.lsn };
    }
    return { changes, through: this.durableLsn };
  }

  /** `{ "<path>": value }` for each partition key path: how deletes name their item's key. */
  private partitionKeyObject(doc: Document): Record<string, unknown> {
    const values = this.partitionKeyOf(doc);
    const result: Record<string, unknown> = {};
    this.partitionKey.paths.forEach((path, index) => (result[path.replace(/^\//, '')] = values[index]));
    return result;
  }
}

/** Item `_rid`s extend the container's: 8 bytes of container (this prefix), 8 of a per-container counter. */
function ridPrefixOf(containerRid: string): Buffer {
  return Buffer.from(containerRid.replace(/-/g, '/'), 'base64').subarray(0, 8);
}

function ridWithCounter(prefix: Buffer, counter: number): string {
  const rid = Buffer.alloc(prefix.length + 8);
  prefix.copy(rid);
  rid.writeBigUInt64BE(BigInt(counter), prefix.length);
  return rid.toString('base64').replace(/\//g, '-');
}

/** Properties the service sets on every item: a body's own values for them are dropped. */
const systemProperties = new Set(['_rid', '_self', '_etag', '_ts', '_lsn', '_attachments']);

function ridCounter(rid: string): number {
  const bytes = Buffer.from(rid.replace(/-/g, '/'), 'base64');
  return bytes.length >= 16 ? Number(bytes.readBigUInt64BE(8)) : 0;
}
