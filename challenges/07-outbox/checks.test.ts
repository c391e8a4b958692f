import { describe, expect, it } from 'vitest';
import { readConnectorFiles } from '../../connectors/runtime/cli.ts';
import { evaluateGraph, rootCause } from '../../verify/graph.ts';
import type { RawRecord } from '../../verify/readers/kafka.ts';
import type { ConnectorView } from '../../verify/connect-state.ts';
import { outboxChecks, type OutboxState } from './checks.ts';
import { lintOutbox } from './lint.ts';
import {
  AGGREGATE_TOPICS,
  shopTransactions,
  type OrderDocument,
  type OutboxDocument,
} from './order-service.ts';
import { applyOrderEvent, type CacheEntry } from './solution/read-model.ts';

/**
 * The checks on states built from the order service's own transactions, piped the way the reference pipeline
 * does (one record per committed outbox document, keyed by aggregate id, payload unwrapped, eventId header) and
 * consumed by the reference read model — healthy, then broken the ways real outbox pipelines break.
 */
const transactions = [...shopTransactions({ seed: 11, orders: 24 })];

const reference = readConnectorFiles(new URL('solution', import.meta.url).pathname);
const connector = (name: string, patch: Partial<ConnectorView> = {}): ConnectorView => ({
  name,
  type: 'source',
  config: reference.find((file) => file.name === name)!.config,
  state: 'RUNNING',
  tasks: [{ id: 0, state: 'RUNNING' }],
  ...patch,
});

const record = (event: OutboxDocument, offset: number, partition = 0): RawRecord => ({
  key: event.aggregateId,
  value: event.payload,
  headers: { eventId: event._id, eventType: event.eventType, sequence: String(event.sequence) },
  partition,
  offset,
  timestamp: 1_000 + offset,
});

interface Build {
  /** Turns each committed outbox document into what lands on Kafka (default: the reference pipeline's record). */
  pipe?: (event: OutboxDocument, offset: number) => Array<{ topic: string; record: RawRecord }>;
  /** The consumer's rule (default: the reference, idempotent one). */
  apply?: typeof applyOrderEvent;
}

function stateOf({ pipe, apply = applyOrderEvent }: Build = {}): OutboxState {
  const orders = new Map<string, OrderDocument>();
  const outbox: OutboxDocument[] = [];
  for (const item of transactions.filter((transaction) => transaction.commit)) {
    orders.set(item.order._id, item.order);
    outbox.push(...item.outbox);
  }
  const topics = new Map<string, RawRecord[]>(Object.values(AGGREGATE_TOPICS).map((topic) => [topic, []]));
  for (const event of outbox) {
    const offset = topics.get(AGGREGATE_TOPICS[event.aggregateType])!.length;
    const delivered = pipe?.(event, offset) ?? [
      { topic: AGGREGATE_TOPICS[event.aggregateType], record: record(event, offset) },
    ];
    for (const item of delivered) topics.get(item.topic)!.push(item.record);
  }
  const cache = new Map<string, CacheEntry>();
  for (const item of topics.get('order-events')!) {
    const entry = apply(cache.get(item.key!), {
      orderId: item.key!,
      eventType: item.headers.eventType!,
      sequence: Number(item.headers.sequence),
      payload: item.value as Record<string, unknown>,
    });
    if (entry) cache.set(entry._id, entry);
  }
  return {
    orders: [...orders.values()],
    outbox,
    topics,
    cache: [...cache.values()],
    connectors: [connector('outbox-order-events'), connector('outbox-shipment-events')],
    consumer: { alive: true, logFile: '.hack/logs/consumer-07.log', logTail: '' },
  };
}

const verdict = (state: OutboxState) => {
  const checks = evaluateGraph(outboxChecks, state);
  return { checks, cause: rootCause(checks), byId: new Map(checks.map((check) => [check.id, check])) };
};

/** A redelivery as a worker crash produces it: the events since the last committed offset, once more. */
const redeliverFrom = (state: OutboxState, topic: string, from: number): void => {
  const records = state.topics.get(topic)!;
  const again = records.slice(from).map((item, index) => ({ ...item, offset: records.length + index }));
  records.push(...again);
};

describe('challenge 07 checks', () => {
  it('pass on the reference pipeline and consumer, aborted transactions and cancellations included', () => {
    expect(transactions.some((transaction) => !transaction.commit)).toBe(true);
    expect(transactions.some((transaction) => transaction.order.deleted)).toBe(true);
    const { checks } = verdict(stateOf());
    expect(checks.filter((check) => !check.passed).map((check) => check.hint)).toEqual([]);
  });

  it("names Cosmos DB's refusal when the pipeline has no $match stage, though the task shows RUNNING", () => {
    // MongoDB's connector logs the refusal as a WARN and retries: the task stays RUNNING, nothing arrives.
    const state = stateOf();
    state.topics = new Map(Object.values(AGGREGATE_TOPICS).map((topic) => [topic, []]));
    state.cache = [];
    const order = connector('outbox-order-events');
    order.config = {
      ...order.config,
      pipeline: JSON.stringify([{ $project: { _id: 1, fullDocument: 1, ns: 1, documentKey: 1 } }]),
    };
    state.connectors = [order, connector('outbox-shipment-events')];
    const { cause, byId } = verdict(state);
    expect(cause?.id).toBe('connectors');
    expect(cause?.hint).toContain('Change stream must be followed by a match and then a project stage');
    expect(cause?.hint).toContain('task shows RUNNING');
    expect(byId.get('events-delivered')?.blockedBy).toBe('connectors');
    expect(byId.get('read-model')?.blockedBy).toBe('connectors');
  });

  it('turns a FAILED task into its innermost cause', () => {
    const state = stateOf();
    state.connectors = [
      connector('outbox-order-events', {
        tasks: [
          {
            id: 0,
            state: 'FAILED',
            trace:
              "org.apache.kafka.connect.errors.ConnectException: Unexpected error\nCaused by: com.mongodb.MongoSecurityException: Exception authenticating MongoCredential{mechanism=SCRAM-SHA-256, userName='localhost'}",
          },
        ],
      }),
    ];
    const { cause } = verdict(state);
    expect(cause?.id).toBe('connectors');
    expect(cause?.hint).toContain('Task 0 of outbox-order-events FAILED: Exception authenticating');
  });

  it('names routing by the wrong field: shipment events on the order topic', () => {
    // The $match selects by eventType prefix "Order…"/"Shipment…" wrongly: every outbox document to order-events.
    const { cause } = verdict(
      stateOf({ pipe: (event, offset) => [{ topic: 'order-events', record: record(event, offset + 1000) }] }),
    );
    expect(cause?.id).toBe('routing');
    expect(cause?.hint).toMatch(/aggregateType shipment\) is on order-events, expected shipment-events/);
    expect(cause?.hint).toContain('fullDocument.aggregateType');
  });

  it('names an event from an aborted transaction on a topic (a dual write around the outbox)', () => {
    const aborted = transactions.find((transaction) => !transaction.commit)!.outbox[0]!;
    const state = stateOf();
    state.topics.get(AGGREGATE_TOPICS[aborted.aggregateType])!.push(record(aborted, 9_999));
    const { cause } = verdict(state);
    expect(cause?.id).toBe('events-delivered');
    expect(cause?.extra).toEqual([aborted._id]);
    expect(cause?.hint).toContain('aborted transaction');
  });

  it('names the events a source starting at "latest" missed', () => {
    const state = stateOf({
      pipe: (event, offset) =>
        event.sequence === 1 && event.aggregateType === 'order'
          ? []
          : [{ topic: AGGREGATE_TOPICS[event.aggregateType], record: record(event, offset) }],
    });
    const { cause } = verdict(state);
    expect(cause?.id).toBe('events-delivered');
    expect(cause?.hint).toContain('startup.mode=timestamp');
  });

  it('names records keyed by the resume token, and what ordering then cannot promise', () => {
    const state = stateOf({
      pipe: (event, offset) => [
        {
          topic: AGGREGATE_TOPICS[event.aggregateType],
          record: { ...record(event, offset, offset % 3), key: `{"_id":{"_data":"8264${offset}"}}` },
        },
      ],
    });
    const { cause, byId } = verdict(state);
    expect(cause?.id).toBe('event-keys');
    expect(cause?.hint).toContain("keyed by the change stream's resume token");
    expect(cause?.hint).toContain('ValueToKey');
    expect(byId.get('commit-order')?.blockedBy).toBe('event-keys');
  });

  it('names a payload still wrapped in the outbox envelope', () => {
    const { cause } = verdict(
      stateOf({
        pipe: (event, offset) => [
          {
            topic: AGGREGATE_TOPICS[event.aggregateType],
            record: { ...record(event, offset), value: event },
          },
        ],
      }),
    );
    expect(cause?.id).toBe('event-payloads');
    expect(cause?.hint).toContain('ExtractField$Value (field=payload)');
  });

  it('names events out of commit order within an aggregate', () => {
    const state = stateOf();
    const orders = state.topics.get('order-events')!;
    const first = orders.findIndex((item) => item.headers.sequence === '2');
    const earlier = orders.findIndex(
      (item) => item.key === orders[first]!.key && item.headers.sequence === '1',
    );
    [orders[first]!.timestamp, orders[earlier]!.timestamp] = [
      orders[earlier]!.timestamp,
      orders[first]!.timestamp,
    ];
    const { cause } = verdict(state);
    expect(cause?.id).toBe('commit-order');
    expect(cause?.hint).toContain(`${orders[first]!.key} on order-events`);
  });

  it('names a hard delete, which Cosmos DB for MongoDB would never stream', () => {
    const state = stateOf();
    const cancelled = state.orders.find((order) => order.deleted)!;
    state.orders = state.orders.filter((order) => order !== cancelled);
    const { cause } = verdict(state);
    expect(cause?.id).toBe('soft-deletes');
    expect(cause?.hint).toContain('report no deletes');
  });

  it('passes an idempotent consumer under a redelivery, and names one that applies it twice', () => {
    const healthy = stateOf();
    redeliverFrom(healthy, 'order-events', 10);
    expect(verdict(healthy).cause).toBeUndefined();
    const delivered = verdict(healthy).byId.get('events-delivered')!;
    expect(delivered.details?.join('\n')).toContain('at-least-once');

    // The same redelivery, consumed by a consumer that applies whatever arrives.
    const blind: typeof applyOrderEvent = (current, event) => {
      const entry = applyOrderEvent(current ? { ...current, version: 0 } : current, event)!;
      return { ...entry, history: [...(current?.history ?? []), event.eventType] };
    };
    const state = stateOf({
      apply: blind,
      pipe: (event, offset) => [
        { topic: AGGREGATE_TOPICS[event.aggregateType], record: record(event, offset) },
      ],
    });
    redeliverFrom(state, 'order-events', 10);
    // Rebuild the blind read model over the topic with the redelivered tail.
    const cache = new Map<string, CacheEntry>();
    for (const item of state.topics.get('order-events')!) {
      const entry = blind(cache.get(item.key!), {
        orderId: item.key!,
        eventType: item.headers.eventType!,
        sequence: Number(item.headers.sequence),
        payload: item.value as Record<string, unknown>,
      });
      if (entry) cache.set(entry._id, entry);
    }
    state.cache = [...cache.values()];
    const { cause } = verdict(state);
    expect(cause?.id).toBe('read-model');
    expect(cause?.hint).toMatch(
      /applies \w+ twice — a redelivered event \(at-least-once\) was not deduplicated/,
    );
  });

  it('names a cancelled order still in the cache', () => {
    const state = stateOf();
    const cancelled = state.orders.find((order) => order.deleted)!;
    state.cache = state.cache!.map((entry) =>
      entry._id === cancelled._id ? { _id: entry._id, status: 'paid', version: 2, history: [] } : entry,
    );
    const { cause } = verdict(state);
    expect(cause?.id).toBe('read-model');
    expect(cause?.hint).toContain('still cached');
  });

  it('names the consumer that died', () => {
    const state = stateOf();
    state.consumer = {
      alive: false,
      logFile: 'consumer.log',
      logTail: 'TypeError: cache.upsert is not a function',
    };
    const { cause } = verdict(state);
    expect(cause?.id).toBe('consumer');
    expect(cause?.hint).toContain('cache.upsert is not a function');
  });
});

describe('challenge 07 lint', () => {
  it('accepts the reference and stops the template at its first TODO', () => {
    const dir = new URL('.', import.meta.url).pathname;
    expect(lintOutbox(`${dir}solution`).filter((finding) => finding.level === 'error')).toEqual([]);
    const template = lintOutbox(`${dir}outbox`);
    expect(template.find((finding) => finding.level === 'error')?.key).toBe('pipeline');
  });
});
