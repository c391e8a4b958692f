import { describe, expect, it } from 'vitest';
import { topicPartitionKey, topicPartitionOf, type PartitionOffsets } from './plugins.ts';

describe('TopicPartitionKey', () => {
  it('keys offset maps by value, so an equal partition finds the same entry', () => {
    const offsets: PartitionOffsets = new Map([[topicPartitionKey({ topic: 'orders', partition: 2 }), 7]]);
    expect(offsets.get(topicPartitionKey({ topic: 'orders', partition: 2 }))).toBe(7);
    expect(topicPartitionOf('my.topic-1:12')).toEqual({ topic: 'my.topic-1', partition: 12 });
  });
});
