import type { Admin } from 'kafkajs';
import type { SourceOffsetMap } from '../api/records.ts';
import { badRequest } from './errors.ts';
import type { ConnectorOffsets } from './shapes.ts';

/**
 * KIP-875 offsets of sink connectors live in the consumer group `connect-<name>`, in Apache's REST form:
 * partition `{"kafka_topic","kafka_partition"}`, offset `{"kafka_offset"}`.
 */
export async function readSinkOffsets(admin: Admin, groupId: string): Promise<ConnectorOffsets> {
  const topics = await admin.fetchOffsets({ groupId }).catch(() => []);
  return {
    offsets: topics.flatMap(({ topic, partitions }) =>
      partitions
        .filter((partition) => Number(partition.offset) >= 0)
        .map((partition) => ({
          partition: { kafka_topic: topic, kafka_partition: partition.partition },
          offset: { kafka_offset: Number(partition.offset) },
        })),
    ),
  };
}

function integerOf(value: unknown, what: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw badRequest(
      `Failed to parse the following Kafka ${what} value in the provided offsets: '${String(value)}'. ${what === 'partition' ? 'Partition' : 'Offset'} values for sink connectors need to be integers.`,
    );
  }
  return number;
}

/** Parses and applies a PATCH body; a null offset resets that partition (to the earliest, as a fresh group would). */
export async function alterSinkOffsets(
  admin: Admin,
  groupId: string,
  offsets: unknown[],
): Promise<Array<{ partition: SourceOffsetMap; offset: SourceOffsetMap | null }>> {
  const parsed = offsets.map((entry) => {
    const { partition, offset } = (entry ?? {}) as {
      partition?: Record<string, unknown>;
      offset?: Record<string, unknown> | null;
    };
    if (!partition || typeof partition !== 'object')
      throw badRequest('The partition for a sink connector offset cannot be null or missing');
    const topic = partition.kafka_topic;
    if (typeof topic !== 'string' || topic === '') {
      throw badRequest('Kafka topic names must be valid strings and may not be null');
    }
    if (partition.kafka_partition === undefined || partition.kafka_partition === null) {
      throw badRequest('Kafka partitions must be valid numbers and may not be null');
    }
    const number = integerOf(partition.kafka_partition, 'partition');
    if (offset === null || offset === undefined) return { topic, partition: number, offset: null };
    if (offset.kafka_offset === undefined || offset.kafka_offset === null) {
      throw badRequest('Kafka offsets must be valid numbers and may not be null');
    }
    return { topic, partition: number, offset: integerOf(offset.kafka_offset, 'offset') };
  });
  for (const entry of parsed) {
    if (entry.offset === null) {
      await admin.resetOffsets({ groupId, topic: entry.topic, earliest: true });
    } else {
      await admin.setOffsets({
        groupId,
        topic: entry.topic,
        partitions: [{ partition: entry.partition, offset: String(entry.offset) }],
      });
    }
  }
  return parsed.map((entry) => ({
    partition: { kafka_topic: entry.topic, kafka_partition: entry.partition },
    offset: entry.offset === null ? null : { kafka_offset: entry.offset },
  }));
}

export async function resetSinkOffsets(admin: Admin, groupId: string): Promise<void> {
  await admin.deleteGroups([groupId]).catch((error: unknown) => {
    // A group that never committed does not exist: nothing to reset.
    if (!/does not exist|GROUP_ID_NOT_FOUND/i.test(String((error as Error).message) + JSON.stringify(error)))
      throw error;
  });
}

/** Source partitions and offsets must be maps of primitives (they are stored as JSON in the offsets topic). */
export function validateSourceOffsets(
  offsets: unknown[],
): Array<{ partition: SourceOffsetMap; offset: SourceOffsetMap | null }> {
  return offsets.map((entry) => {
    const { partition, offset } = (entry ?? {}) as { partition?: unknown; offset?: unknown };
    if (!partition || typeof partition !== 'object' || Array.isArray(partition)) {
      throw badRequest('The source partition for a connector offset cannot be null or missing');
    }
    if (offset !== null && (typeof offset !== 'object' || Array.isArray(offset))) {
      throw badRequest('The source offset for a connector offset must be a map or null');
    }
    for (const value of [...Object.values(partition), ...Object.values((offset as object | null) ?? {})]) {
      if (value !== null && typeof value === 'object') {
        throw badRequest('Offsets may only contain primitive types as values, but a nested value was found');
      }
    }
    return { partition: partition as SourceOffsetMap, offset: offset as SourceOffsetMap | null };
  });
}
