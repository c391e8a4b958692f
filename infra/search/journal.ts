import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * The emulator's durability: an append-only journal of JSON lines, fsynced before a request is answered, so an
 * acknowledged write survives `kill -9`. Replay tolerates a torn last line (a write cut short by the kill, never
 * acknowledged) and cuts it off so later appends start on a clean line.
 */
export type JournalRecord =
  | { t: 'index'; definition: Record<string, unknown> }
  | { t: 'drop'; name: string }
  | { t: 'docs'; index: string; changes: unknown[] };

export class Journal {
  private readonly fd: number;

  private constructor(fd: number) {
    this.fd = fd;
  }

  static open(dataDir: string, replay: (record: JournalRecord) => void): Journal {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'journal.jsonl');
    let goodBytes = 0;
    if (existsSync(file)) {
      const content = readFileSync(file);
      let start = 0;
      while (start < content.length) {
        const end = content.indexOf(0x0a, start);
        if (end < 0) break; // no newline: the tail was torn
        const line = content.subarray(start, end).toString('utf8');
        try {
          if (line.trim() !== '') replay(JSON.parse(line) as JournalRecord);
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
    const journal = new Journal(fd);
    journal.position = goodBytes;
    return journal;
  }

  private position = 0;

  /** Appends and syncs; returns only when the record is on disk. */
  append(record: JournalRecord): void {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.fd, bytes, written, bytes.length - written, this.position + written);
    }
    this.position += bytes.length;
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
