import { closeSync, openSync, readSync } from 'node:fs';
import type { Connector, Props, SourceTask, SourceTaskContext } from '../runtime/api/plugins.ts';
import type { SourceRecord } from '../runtime/api/records.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import { configReader, parseConfig, errorCount } from '../runtime/api/config.ts';
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
  taskConfigs(): Props[] {
    const reader = configReader(parseConfig(fileSourceSpec, this.props));
    const config: Props = { topic: reader.string('topic'), 'batch.size': String(reader.int('batch.size')) };
    const file = reader.optionalString('file');
    if (file) config.file = file;
    return [config];
  }
  stop(): void {}
  alterOffsets(): boolean {
    return true;
  }
}

/**
 * Reads lines from the file, remembering the byte position after each line as the source offset
 * `{"position": n}` under partition `{"filename": path}` (Apache's keys, so stored offsets are interchangeable).
 */
export class FileStreamSourceTask implements SourceTask {
  private context!: SourceTaskContext;
  private file = '';
  private topic = '';
  private batchSize = 2000;
  private position = 0;
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
    const position = stored?.position;
    this.position = typeof position === 'number' ? position : Number(position ?? 0);
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
      let readAt = this.position + this.pending.length;
      while (records.length < this.batchSize) {
        const newline = this.pending.indexOf(10);
        if (newline >= 0) {
          const line = this.pending.subarray(0, newline).toString('utf8').replace(/\r$/, '');
          this.pending = this.pending.subarray(newline + 1);
          this.position += newline + 1;
          records.push({
            kind: 'source',
            sourcePartition: { filename: this.file },
            sourceOffset: { position: this.position },
            topic: this.topic,
            kafkaPartition: null,
            keySchema: null,
            key: null,
            valueSchema: stringSchema,
            value: line,
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
