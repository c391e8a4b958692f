import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The emulator's durability: an append-only JSON-lines file. Writers are acknowledged only once their line is
 * on disk (fdatasync), and lines written while a sync is in flight are committed together by the next one —
 * a group commit, so thousands of concurrent bulk writes cost a few syncs, not thousands.
 */
export class Journal {
  private pending: { line: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  private flushing = false;
  private closed = false;
  /** Lines in the file: a measure of how much a compaction would save. */
  lineCount: number;

  private constructor(
    private readonly file: FileHandle,
    lineCount: number,
  ) {
    this.lineCount = lineCount;
  }

  /** Opens (creating) the journal in `dir` and returns it with the records it already holds, in order. */
  static async open(dir: string): Promise<{ journal: Journal; records: unknown[] }> {
    const path = journalPath(dir);
    const records: unknown[] = [];
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      let end = 0;
      for (let start = 0; start < text.length; start = end + 1) {
        end = text.indexOf('\n', start);
        if (end === -1) break; // a torn last line: its writer was never acknowledged
        const line = text.slice(start, end);
        if (line.length > 0) records.push(JSON.parse(line));
      }
      const complete = text.lastIndexOf('\n') + 1;
      if (complete < Buffer.byteLength(text)) {
        truncateSync(path, Buffer.byteLength(text.slice(0, complete)));
      }
    }
    const file = await open(path, 'a');
    return { journal: new Journal(file, records.length), records };
  }

  /** Resolves once the record is durable. */
  append(record: unknown): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The journal is closed.'));
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.file.write(batch.map((entry) => entry.line).join(''));
          await this.file.datasync();
          this.lineCount += batch.length;
          for (const entry of batch) entry.resolve();
        } catch (error) {
          for (const entry of batch) entry.reject(error as Error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Waits for everything appended so far to be durable. */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    await this.file.close();
  }
}

export function journalPath(dir: string): string {
  return join(dir, 'journal.jsonl');
}

/**
 * Replaces the journal with `records` (a snapshot of the live state): written to a temporary file, synced,
 * then renamed over the old one, so a crash at any point leaves one complete journal.
 */
export function writeSnapshot(dir: string, records: Iterable<unknown>): number {
  const path = journalPath(dir);
  const temp = `${path}.compacting`;
  const fd = openSync(temp, 'w');
  let count = 0;
  try {
    let chunk = '';
    for (const record of records) {
      chunk += `${JSON.stringify(record)}\n`;
      count++;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return count;
}
