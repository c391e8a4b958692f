import { appendFileSync } from 'node:fs';
import type { Connector, Props, SinkTask } from '../runtime/api/plugins.ts';
import type { SinkRecord } from '../runtime/api/records.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import { fileSinkSpec } from './spec.ts';
import { javaToString } from '../runtime/data/java-values.ts';
import { javaHashOrderKeys } from './java-hash-order.ts';

/** `org.apache.kafka.connect.file.FileStreamSinkConnector`: `tasks.max` identical tasks. */
export class FileStreamSinkConnector implements Connector {
  readonly type = 'sink';
  private props: Props = {};
  config() {
    return fileSinkSpec;
  }
  start(props: Props): void {
    this.props = props;
  }
  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
  alterOffsets(): boolean {
    return true;
  }
}

/** Writes `String.valueOf(record.value())` per line, as Apache's task does; `flush` makes it durable. */
export class FileStreamSinkTask implements SinkTask {
  private file = '';
  private buffered: string[] = [];

  initialize(): void {}

  start(props: Props): void {
    this.file = props.file ?? '';
    if (!this.file) throw new ConnectException('Writing to standard output is not supported by this worker.');
  }

  async put(records: SinkRecord[]): Promise<void> {
    let text = '';
    for (const record of records)
      text += `${record.value === null ? 'null' : javaToString(record.value, record.valueSchema, javaHashOrderKeys)}\n`;
    if (text) this.buffered.push(text);
    // Written at once (not only on flush) so the file follows the topic as Apache's PrintStream does.
    this.write();
  }

  flush(): void {
    this.write();
  }

  stop(): void {
    this.write();
  }

  private write(): void {
    if (this.buffered.length === 0) return;
    appendFileSync(this.file, this.buffered.join(''));
    this.buffered = [];
  }
}
