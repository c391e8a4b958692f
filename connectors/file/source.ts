import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Connector, Props, SourceTask, SourceTaskContext } from '../runtime/api/plugins.ts';
import type { SourceRecord } from '../runtime/api/records.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import { parseConfig, errorCount } from '../runtime/api/config.ts';
import { fileSourceSpec } from './spec.ts';

const stringSchema = { type: 'string', optional: false } as const;

/** `org.apache.kafka.connect.file.FileStreamSourceConnector`: one task, whatever `tasks.max` says. */
export class FileStreamSourceConnector implements Connector {
  readonly type = 'source';
  private props: Props = {};
  config() {
    return fileSourceSpec;
  }
  start(props: Props): void {
    const parsed = parseConfig(fileSourceSpec, props);
    if (errorCount(parsed) > 0) throw new ConnectException(Object.values(parsed.errors).flat().join('; '));
    this.props = props;
  }
  /** Apache 4.x hands the whole connector config to its single task. */
  taskConfigs(): Props[] {
    return [{ ...this.props }];
  }
  stop(): void {}
  alterOffsets(): boolean {
    return true;
  }
}

/**
 * Reads lines from the file, remembering the position after each line as the source offset `{"position": n}`
 * under partition `{"filename": path}`: Apache's keys and unit (characters, as Java counts them), so stored
 * offsets are interchangeable. (Apache skips that many bytes on restart, wrong for non-ASCII text; we convert.)
 */
export class FileStreamSourceTask implements SourceTask {
  private context!: SourceTaskContext;
  private file = '';
  private topic = '';
  private batchSize = 2000;
  /** Apache's offset: characters (Java UTF-16 units) read so far, newlines included. */
  private position = 0;
  /** Where that is in the file's bytes. */
  private bytePosition = 0;
  private pending = Buffer.alloc(0);

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  start(props: Props): void {
    this.file = props.file ?? '';
    this.topic = props.topic ?? '';
    this.batchSize = Number(props['batch.size'] ?? 2000);
    if (!this.file)
      throw new ConnectException('Reading from standard input is not supported by this worker.');
    const stored = this.context.offsetStorageReader().offset({ filename: this.file });
    this.position = Number(stored?.position ?? 0);
    this.bytePosition = this.position === 0 ? 0 : bytesForChars(this.file, this.position);
  }

  async poll(): Promise<SourceRecord[] | null> {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250)); // the file may appear later
      return null;
    }
    const records: SourceRecord[] = [];
    try {
      const chunk = Buffer.alloc(64 * 1024);
      let readAt = this.bytePosition + this.pending.length;
      while (records.length < this.batchSize) {
        const newline = this.pending.indexOf(10);
        if (newline >= 0) {
          const raw = this.pending.subarray(0, newline + 1).toString('utf8');
          this.pending = this.pending.subarray(newline + 1);
          this.bytePosition += newline + 1;
          this.position += raw.length;
          records.push({
            kind: 'source',
            sourcePartition: { filename: this.file },
            sourceOffset: { position: this.position },
            topic: this.topic,
            kafkaPartition: null,
            keySchema: null,
            key: null,
            valueSchema: stringSchema,
            value: raw.replace(/\r?\n$/, ''),
            timestamp: Date.now(),
            headers: [],
          });
          continue;
        }
        const read = readSync(fd, chunk, 0, chunk.length, readAt);
        if (read === 0) break;
        readAt += read;
        this.pending = Buffer.concat([this.pending, chunk.subarray(0, read)]);
      }
    } finally {
      closeSync(fd);
    }
    if (records.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return null;
    }
    return records;
  }

  stop(): void {}
}

/** The byte length of the first `chars` UTF-16 units of the file's text. */
function bytesForChars(file: string, chars: number): number {
  try {
    return Buffer.byteLength(readFileSync(file, 'utf8').slice(0, chars));
  } catch {
    return 0;
  }
}
