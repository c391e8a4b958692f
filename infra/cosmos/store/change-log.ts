import type { Document } from './container.ts';

/** One entry of a container's change log: a version written, or a delete. */
export interface LogEntry {
  lsn: number;
  key: string;
  /** The version written, or for a delete the version deleted. */
  doc: Document;
  /** The version this one replaced or deleted (all-versions-and-deletes mode reports it). */
  previous?: Document;
  deleted?: boolean;
  ttlExpired?: boolean;
  /** Wall-clock ms of the write, never decreasing along the log: "start from a point in time" searches it. */
  at: number;
}

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

/**
 * A container's changes in LSN order, the change feed's source. Entries are appended as writes are applied
 * and searched by binary search, so a read from a continuation costs O(log n + page).
 */
export class ChangeLog {
  private entries: LogEntry[] = [];
  /** Entries that are history (superseded versions and deletes): what a compaction could drop. */
  private history = 0;
  private compactAt = 10_000;
  private lastAt = 0;

  get length(): number {
    return this.entries.length;
  }

  /** Drops entries appended after `length` (a rolled-back transaction). */
  truncate(length: number): void {
    this.entries.length = length;
  }

  /** `live` writes are dated now; replayed ones by their `_ts`, so a point-in-time start survives restarts. */
  recordPut(key: string, doc: Document, previous: Document | undefined, live: boolean): void {
    if (previous) this.history++;
    this.lastAt = Math.max(this.lastAt, live ? Date.now() : doc._ts * 1000);
    this.entries.push({ lsn: doc._lsn, key, doc, previous, at: this.lastAt });
  }

  recordDelete(
    lsn: number,
    key: string,
    deleted: Document,
    at: number | undefined,
    ttl: boolean | undefined,
    live: boolean,
  ): void {
    this.history += 2; // the deleted version and the delete itself are both history now
    this.lastAt = Math.max(this.lastAt, at ?? (live ? Date.now() : this.lastAt));
    this.entries.push({
      lsn,
      key,
      doc: deleted,
      previous: deleted,
      deleted: true,
      ttlExpired: ttl,
      at: this.lastAt,
    });
  }

  /**
   * Drops history the feeds no longer need, now and then: superseded versions and deletes older than the
   * all-versions retention and, beyond `maxHistory`, the oldest of them. The next compaction waits until history
   * has doubled, so heavy update traffic costs amortized constant time per write.
   */
  compactIfWorthIt(isCurrent: (entry: LogEntry) => boolean): void {
    if (this.history <= this.compactAt || this.history <= this.entries.length / 2) return;
    const keepAfter = Date.now() - allVersionsRetentionMs;
    const isHistory = (entry: LogEntry): boolean => entry.deleted === true || !isCurrent(entry);
    let young = 0;
    for (const entry of this.entries) if (isHistory(entry) && entry.at > keepAfter) young++;
    let drop = Math.max(0, young - maxHistory);
    this.entries = this.entries.filter((entry) => {
      if (!isHistory(entry)) return true;
      if (entry.at <= keepAfter) return false;
      if (drop > 0) {
        drop--;
        return false;
      }
      return true;
    });
    this.history = Math.min(young, maxHistory);
    this.compactAt = Math.max(10_000, this.history * 2);
  }

  /** The LSN just before the first change at or after `ms` (bounded by `durableLsn`). */
  lsnBefore(ms: number, durableLsn: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.entries[mid]!.at < ms) low = mid + 1;
      else high = mid;
    }
    const entry = this.entries[low];
    return entry && entry.lsn <= durableLsn ? entry.lsn - 1 : durableLsn;
  }

  /** Entries with `after < lsn <= through`, in order. */
  *between(after: number, through: number): Generator<LogEntry> {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.entries[mid]!.lsn <= after) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (entry.lsn > through) return;
      yield entry;
    }
  }
}

/** An entry in the all-versions-and-deletes wire format. */
export function versionChange(entry: LogEntry, partitionKey: () => Record<string, unknown>): VersionChange {
  if (entry.deleted) {
    return {
      previous: entry.previous,
      metadata: {
        lsn: entry.lsn,
        crts: Math.floor(entry.at / 1000),
        operationType: 'delete',
        previousImageLSN: entry.doc._lsn,
        timeToLiveExpired: entry.ttlExpired ?? false,
        id: entry.doc.id,
        partitionKey: partitionKey(),
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
