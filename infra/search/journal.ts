import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The emulator's durability: an append-only journal of JSON lines, fsynced before a request is answered, so an
 * acknowledged write survives `kill -9`. Replay tolerates a torn last line (a write cut short by the kill, never
 * acknowledged) and cuts it off so later appends start on a clean line. Generic over the record type: the Schema
 * Registry journals its own records the same way.
 */
export type JournalRecord =
  | { t: 'index'; definition: Record<string, unknown> }
  | { t: 'drop'; name: string }
  | { t: 'docs'; index: string; changes: unknown[] }
  | { t: 'synonyms'; definition: Record<string, unknown> }
  | { t: 'dropSynonyms'; name: string };

export class Journal<R = JournalRecord> {
  private fd: number;

  private constructor(
    fd: number,
    private readonly dataDir: string,
  ) {
    this.fd = fd;
  }

  static open<R = JournalRecord>(dataDir: string, replay: (record: R) => void): Journal<R> {
    mkdirSync(dataDir, { recursive: true });
    const file = journalFile(dataDir);
    let goodBytes = 0;
    if (existsSync(file)) {
      const content = readFileSync(file);
      let start = 0;
      while (start < content.length) {
        const end = content.indexOf(0x0a, start);
        if (end < 0) break; // no newline: the tail was torn
        const line = content.subarray(start, end).toString('utf8');
        try {
          if (line.trim() !== '') replay(JSON.parse(line) as R);
        } catch (error) {
          if (error instanceof SyntaxError) break;
          throw error;
        }
        start = end + 1;
        goodBytes = start;
      }
    }
    const created = !existsSync(file);
    const fd = openSync(file, created ? 'w+' : 'r+');
    ftruncateSync(fd, goodBytes);
    if (created) syncDirectory(dataDir); // the new file's directory entry must be durable too
    const journal = new Journal<R>(fd, dataDir);
    journal.position = goodBytes;
    return journal;
  }

  private position = 0;

  /**
   * Replaces the journal with one holding only `records` (the live state): written to a temp file, synced, then
   * renamed over the old one, so a kill at any moment leaves either the old or the new journal, both complete.
   */
  compact(records: Iterable<R>): void {
    const file = journalFile(this.dataDir);
    const temp = `${file}.compacting`;
    const fd = openSync(temp, 'w');
    let position = 0;
    try {
      for (const record of records)
        position += writeAll(fd, Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'), position);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    closeSync(this.fd);
    renameSync(temp, file);
    syncDirectory(this.dataDir);
    this.fd = openSync(file, 'r+');
    this.position = position;
  }

  /** Appends and syncs; returns only when the record is on disk. */
  append(record: R): void {
    this.position += writeAll(this.fd, Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'), this.position);
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function journalFile(dataDir: string): string {
  return join(dataDir, 'journal.jsonl');
}

function writeAll(fd: number, bytes: Buffer, position: number): number {
  let written = 0;
  while (written < bytes.length)
    written += writeSync(fd, bytes, written, bytes.length - written, position + written);
  return bytes.length;
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
