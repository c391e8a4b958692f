import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readSync,
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
      // Read in chunks, not as one string: a journal may outgrow V8's maximum string length.
      const fd = openSync(path, 'r');
      let complete = 0; // bytes up to the end of the last complete line
      try {
        const chunk = Buffer.alloc(4 << 20);
        let carry = Buffer.alloc(0);
        let offset = 0;
        for (;;) {
          const read = readSync(fd, chunk, 0, chunk.length, offset);
          if (read === 0) break;
          offset += read;
          let data =
            carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
          let start = 0;
          for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
            if (end > start) records.push(JSON.parse(data.toString('utf8', start, end)));
            complete = offset - data.length + end + 1;
            start = end + 1;
          }
          data = data.subarray(start);
          carry = Buffer.from(data); // copy: the chunk buffer is reused
        }
        // A torn last line is a write that was never acknowledged: cut it off.
        if (complete < offset) truncateSync(path, complete);
      } finally {
        closeSync(fd);
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
    if (this.closed) return;
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
