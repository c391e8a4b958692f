import { describe, expect, it } from 'vitest';
import { hashMapOrder, javaStringHash } from './java-hash-order.ts';
import { fileConnectorPlugins } from './index.ts';

describe('FileStream connectors', () => {
  it("prints schemaless maps in Java's HashMap order, as Apache's sink does", () => {
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648); // Integer.MIN_VALUE, a known Java example
    // Order observed from Apache Kafka Connect 4.1.2's FileStreamSink for this JSON object.
    expect(hashMapOrder(['id', 'name', 'email', 'score', 'active', 'tags'])).toEqual([
      'score',
      'name',
      'active',
      'id',
      'email',
      'tags',
    ]);
  });

  it("hands the source's whole config to its one task, and tasks.max copies to the sink's tasks", async () => {
    const [source, sink] = fileConnectorPlugins as Array<{
      create(): { start(p: object): void; taskConfigs(n: number): unknown };
    }>;
    const src = source!.create();
    src.start({ name: 's', topic: 't', file: '/in' });
    expect(await src.taskConfigs(3)).toEqual([{ name: 's', topic: 't', file: '/in' }]);
    const snk = sink!.create();
    snk.start({ name: 'k', topics: 't', file: '/out' });
    expect(await snk.taskConfigs(2)).toEqual([
      { name: 'k', topics: 't', file: '/out' },
      { name: 'k', topics: 't', file: '/out' },
    ]);
  });
});
