import type { Producer } from 'kafkajs';
import type { SourceOffsetMap } from '../api/records.ts';
import { parseJsonValue, writeRecord, type LogRecord } from './kafka-log.ts';

export interface StoredOffset {
  partition: SourceOffsetMap;
  offset: SourceOffsetMap;
}

/**
 * Source offsets in Apache's offsets-topic format: key `["<connector>",{partition}]`, value the offset map, null
 * = reset. Partitions are matched whatever their key order: Apache writes them in Java HashMap order, a task
 * looks them up in its own.
 */
export class OffsetStore {
  private readonly offsets = new Map<string, Map<string, StoredOffset>>();

  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  apply(record: LogRecord): void {
    const key = parseJsonValue(record.key === null ? null : Buffer.from(record.key)) as unknown;
    if (!Array.isArray(key) || typeof key[0] !== 'string') return;
    const [connector, partition] = key as [string, SourceOffsetMap];
    const offset = parseJsonValue(record.value) as SourceOffsetMap | null | undefined;
    if (offset === undefined) return;
    this.set(connector, partition, offset);
  }

  private set(connector: string, partition: SourceOffsetMap, offset: SourceOffsetMap | null): void {
    const partitions = this.offsets.get(connector) ?? new Map<string, StoredOffset>();
    const id = partitionId(partition);
    if (offset === null) partitions.delete(id);
    else partitions.set(id, { partition, offset });
    this.offsets.set(connector, partitions);
  }

  get(connector: string, partition: SourceOffsetMap): SourceOffsetMap | null {
    return this.offsets.get(connector)?.get(partitionId(partition))?.offset ?? null;
  }

  all(connector: string): StoredOffset[] {
    return [...(this.offsets.get(connector)?.values() ?? [])];
  }

  /** Writes (acks=all) then remembers; `null` offsets are tombstones that reset the partition. */
  async write(
    connector: string,
    entries: Array<{ partition: SourceOffsetMap; offset: SourceOffsetMap | null }>,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: entries.map(({ partition, offset }) => ({
        key: JSON.stringify([connector, partition]),
        value: offset === null ? null : JSON.stringify(offset),
      })),
    });
    for (const { partition, offset } of entries) this.set(connector, partition, offset);
  }

  async resetAll(connector: string): Promise<void> {
    await this.write(
      connector,
      this.all(connector).map(({ partition }) => ({ partition, offset: null })),
    );
  }
}

export { writeRecord };

/** A partition's identity regardless of key order. */
function partitionId(partition: SourceOffsetMap): string {
  return JSON.stringify(Object.entries(partition).sort(([a], [b]) => a.localeCompare(b)));
}
