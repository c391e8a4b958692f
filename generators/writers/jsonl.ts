import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { AnyRecord, Topic } from '../model.ts';
import type { RecordWriter } from './record-writer.ts';

/** Lines are gathered into chunks this big: one stream write per line would dominate the cost. */
const CHUNK_BYTES = 256 * 1024;

interface TopicFile {
  stream: WriteStream;
  chunk: string;
}

/** One `<topic>.jsonl` per topic in `dir` (each record's value on a line of its own, the key is its `id`). */
export function jsonlWriter(dir: string, topics: readonly Topic[]): RecordWriter {
  mkdirSync(dir, { recursive: true });
  const files = new Map<Topic, TopicFile>();
  // Every selected topic gets its file, even when the scenario yields nothing for it.
  for (const topic of topics) {
    files.set(topic, { stream: createWriteStream(join(dir, `${topic}.jsonl`)), chunk: '' });
  }
  const flush = (file: TopicFile): Promise<void> | void => {
    const ok = file.stream.write(file.chunk);
    file.chunk = '';
    if (!ok) return once(file.stream, 'drain').then(() => undefined);
  };
  return {
    description: `JSONL in ${dir}`,
    write(record: AnyRecord) {
      const file = files.get(record.topic);
      if (!file) return;
      file.chunk += `${JSON.stringify(record.value)}\n`;
      if (file.chunk.length >= CHUNK_BYTES) return flush(file);
    },
    async close() {
      await Promise.all(
        [...files.values()].map(async (file) => {
          if (file.chunk) file.stream.write(file.chunk);
          file.chunk = '';
          file.stream.end();
          await once(file.stream, 'finish');
        }),
      );
    },
  };
}
