import type { AnyRecord } from '../model.ts';

/**
 * Where generated records go. `write` returns a promise only when the caller must wait (a batch is being sent, a
 * file buffer is draining) — awaiting a million already-resolved promises would cost more than the writing.
 */
export interface RecordWriter {
  /** For messages: "Kafka 127.0.0.1:9092", "JSONL in ./out". */
  readonly description: string;
  write(record: AnyRecord): void | Promise<void>;
  /** Sends or writes whatever is buffered and releases connections and files. */
  close(): Promise<void>;
}
