import type { Faker } from '@faker-js/faker';
import type { ClientSession, Collection, Document, MongoClient } from 'mongodb';
import { isoTime, seededFaker, sequenceId } from '../../generators/random.ts';

/**
 * Challenge 07's order service: every business change (order placed, paid, shipped, cancelled) updates the order
 * document and inserts its outbox document(s) in ONE multi-document transaction. Cosmos DB for MongoDB runs such
 * transactions only within one unsharded collection, so orders and their outbox live side by side in
 * `shop.orders`, told apart by `kind`. Some transactions abort on purpose (a declined payment, a rolled-back
 * shipment): their outbox documents never exist, and no event of theirs may ever reach Kafka.
 */
export const DATABASE = 'shop';
export const COLLECTION = 'orders';
/** Each aggregate type's topic: the participant routes outbox events here. */
export const AGGREGATE_TOPICS = { order: 'order-events', shipment: 'shipment-events' } as const;
export type AggregateType = keyof typeof AGGREGATE_TOPICS;
export const OUTBOX_TOPICS: string[] = Object.values(AGGREGATE_TOPICS);
/** Soft-deleted orders expire after this many seconds (Cosmos DB's per-document `ttl`). */
export const SOFT_DELETE_TTL_SECONDS = 7 * 24 * 3600;
/** Outbox documents expire after a day: once published they are of no use, and TTL deletions are never streamed. */
export const OUTBOX_TTL_SECONDS = 24 * 3600;

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'cancelled';

export interface OrderDocument {
  _id: string;
  kind: 'order';
  customerId: string;
  items: Array<{ sku: string; quantity: number; unitPriceCents: number }>;
  /** Money in cents: whole numbers keep one BSON type, which the connector's schema inference needs. */
  totalCents: number;
  status: OrderStatus;
  version: number;
  updatedAt: string;
  shipmentId?: string;
  deleted?: true;
  ttl?: number;
}

export interface OutboxDocument {
  _id: string;
  kind: 'outbox';
  aggregateType: AggregateType;
  aggregateId: string;
  eventType: string;
  /** Position in its aggregate's history: 1, 2, 3… — the order consumers must apply events in. */
  sequence: number;
  payload: Record<string, unknown>;
  occurredAt: string;
  ttl: number;
}

export type ShopDocument = OrderDocument | OutboxDocument;

export interface OrderServiceOptions {
  seed: number;
  orders: number;
  /** Every n-th transaction aborts on purpose (0: none). */
  abortEvery?: number;
  /** A prefix for every id (`order-b00001`, `evt-b000001`), so that a second run adds to the first. */
  batch?: string;
  onProgress?: (message: string) => void;
  /** Called after each commit with its outbox ids and the time (benchmarks: commit-to-topic latency). */
  onCommit?: (eventIds: string[], committedAt: number) => void;
}

export interface OrderServiceRun {
  committed: number;
  aborted: number;
  /** Event ids of the aborted transactions' outbox documents: they must never appear on a topic. */
  abortedEventIds: string[];
  events: number;
}

interface Change {
  orderId: string;
  kind: 'place' | 'pay' | 'ship' | 'cancel';
}

/** The business changes in the order they happen: per order place → pay → ship, or a cancel on the way. */
export function plannedChanges(faker: Faker, orders: number, batch = ''): Change[] {
  const queues: Change[][] = [];
  for (let n = 1; n <= orders; n++) {
    const orderId = `order-${batch}${String(n).padStart(5, '0')}`;
    const queue: Change[] = [{ orderId, kind: 'place' }];
    const fate = faker.number.int({ min: 1, max: 10 });
    if (fate <= 2) queue.push({ orderId, kind: 'cancel' });
    else {
      queue.push({ orderId, kind: 'pay' });
      if (fate <= 3) queue.push({ orderId, kind: 'cancel' });
      else if (fate <= 8) queue.push({ orderId, kind: 'ship' });
    }
    queues.push(queue);
  }
  // Interleave the orders' histories, each in its own order, as concurrent customers would.
  const changes: Change[] = [];
  let open = queues.filter((queue) => queue.length > 0);
  while (open.length > 0) {
    const queue = open[faker.number.int({ min: 0, max: Math.min(open.length, 8) - 1 })]!;
    changes.push(queue.shift()!);
    open = open.filter((item) => item.length > 0);
  }
  return changes;
}

const orderPayload = (order: OrderDocument): Record<string, unknown> => ({
  orderId: order._id,
  customerId: order.customerId,
  status: order.status,
  items: order.items,
  totalCents: order.totalCents,
  version: order.version,
  ...(order.shipmentId ? { shipmentId: order.shipmentId } : {}),
  ...(order.deleted ? { deleted: true } : {}),
});

/** One business change as the order service writes it: the order and its outbox documents, committed or not. */
export interface ShopTransaction {
  order: OrderDocument;
  /** Whether the order existed before (replace) or is new (insert). */
  existed: boolean;
  outbox: OutboxDocument[];
  commit: boolean;
}

/** The seeded transactions in the order the service runs them (pure: the unit tests build states from it). */
export function* shopTransactions(
  options: Pick<OrderServiceOptions, 'seed' | 'orders' | 'abortEvery' | 'batch'>,
): Generator<ShopTransaction> {
  const faker = seededFaker(options.seed, 7);
  const orders = new Map<string, OrderDocument>();
  const sequences = new Map<string, number>();
  let clock = Date.parse('2026-11-02T09:00:00.000Z');
  let eventCount = 0;
  let shipments = 0;
  const batch = options.batch ?? '';
  const changes = plannedChanges(faker, options.orders, batch);
  const abortEvery = options.abortEvery ?? 7;
  let transactions = 0;
  for (const change of changes) {
    // A doomed attempt first (a declined payment, a rolled-back shipment…): written, then aborted.
    const attempts = abortEvery > 0 && change.kind !== 'place' && ++transactions % abortEvery === 0 ? 2 : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const commit = attempt === attempts;
      clock += faker.number.int({ min: 1_000, max: 60_000 });
      const before = orders.get(change.orderId);
      const { order, events } = applyChange(
        faker,
        change,
        before,
        clock,
        () => `${batch}${String(++shipments).padStart(5, '0')}`,
      );
      const outbox = events.map((event): OutboxDocument => {
        const key = `${event.aggregateType}:${event.aggregateId}`;
        const sequence = (sequences.get(key) ?? 0) + 1;
        if (commit) sequences.set(key, sequence);
        return {
          _id: `evt-${batch}${String(++eventCount).padStart(6, '0')}`,
          kind: 'outbox',
          ...event,
          sequence,
          occurredAt: isoTime(clock),
          ttl: OUTBOX_TTL_SECONDS,
        };
      });
      if (commit) orders.set(order._id, order);
      yield { order, existed: before !== undefined, outbox, commit };
    }
  }
}

/**
 * Runs the order service against `client` (the official driver on Cosmos DB for MongoDB): creates `shop.orders`
 * with its TTL index and writes the seeded business changes, one transaction each.
 */
export async function runOrderService(
  client: MongoClient,
  options: OrderServiceOptions,
): Promise<OrderServiceRun> {
  const collection = client.db(DATABASE).collection<ShopDocument>(COLLECTION);
  // Cosmos DB expires a document `ttl` seconds after its last write when the collection has a TTL index on _ts.
  await collection.createIndex({ _ts: 1 }, { expireAfterSeconds: -1 }).catch(() => undefined);
  const run: OrderServiceRun = { committed: 0, aborted: 0, abortedEventIds: [], events: 0 };
  for (const { order, existed, outbox, commit } of shopTransactions(options)) {
    await transaction(
      client,
      async (session) => {
        if (existed) await collection.replaceOne({ _id: order._id }, order, { session });
        else await collection.insertOne(order, { session });
        await collection.insertMany(outbox, { session });
      },
      commit,
    );
    if (commit) {
      options.onCommit?.(
        outbox.map((document) => document._id),
        Date.now(),
      );
      run.committed++;
      run.events += outbox.length;
    } else {
      run.aborted++;
      run.abortedEventIds.push(...outbox.map((document) => document._id));
    }
    const done = run.committed + run.aborted;
    if (done % 100 === 0) options.onProgress?.(`${done} transactions`);
  }
  return run;
}

async function transaction(
  client: MongoClient,
  body: (session: ClientSession) => Promise<void>,
  commit: boolean,
): Promise<void> {
  const session = client.startSession();
  try {
    session.startTransaction();
    try {
      await body(session);
    } catch (error) {
      await session.abortTransaction().catch(() => undefined);
      throw error;
    }
    if (commit) await session.commitTransaction();
    else await session.abortTransaction();
  } finally {
    await session.endSession();
  }
}

interface PendingEvent {
  aggregateType: AggregateType;
  aggregateId: string;
  eventType: string;
  payload: Record<string, unknown>;
}

function applyChange(
  faker: Faker,
  change: Change,
  before: OrderDocument | undefined,
  now: number,
  nextShipment: () => string,
): { order: OrderDocument; events: PendingEvent[] } {
  const updatedAt = isoTime(now);
  if (change.kind === 'place') {
    const items = Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () => ({
      sku: sequenceId('sku', faker.number.int({ min: 1, max: 200 }), 4),
      quantity: faker.number.int({ min: 1, max: 4 }),
      unitPriceCents: faker.number.int({ min: 199, max: 9999 }),
    }));
    const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
    const order: OrderDocument = {
      _id: change.orderId,
      kind: 'order',
      customerId: sequenceId('customer', faker.number.int({ min: 1, max: 40 }), 4),
      items,
      totalCents,
      status: 'placed',
      version: 1,
      updatedAt,
    };
    return { order, events: [orderEvent('OrderPlaced', order)] };
  }
  if (!before) throw new Error(`${change.orderId}: ${change.kind} before the order was placed`);
  const order: OrderDocument = { ...before, version: before.version + 1, updatedAt };
  if (change.kind === 'pay') {
    order.status = 'paid';
    return { order, events: [orderEvent('OrderPaid', order)] };
  }
  if (change.kind === 'cancel') {
    // Cosmos DB for MongoDB streams no deletes: the order is soft-deleted and expires by TTL later.
    order.status = 'cancelled';
    order.deleted = true;
    order.ttl = SOFT_DELETE_TTL_SECONDS;
    return { order, events: [orderEvent('OrderCancelled', order)] };
  }
  const shipmentId = `shipment-${nextShipment()}`;
  order.status = 'shipped';
  order.shipmentId = shipmentId;
  return {
    order,
    events: [
      orderEvent('OrderShipped', order),
      {
        aggregateType: 'shipment',
        aggregateId: shipmentId,
        eventType: 'ShipmentCreated',
        payload: {
          shipmentId,
          orderId: order._id,
          carrier: faker.helpers.arrayElement(['DHL', 'UPS', 'PostNL', 'DPD']),
          parcels: faker.number.int({ min: 1, max: 3 }),
        },
      },
    ],
  };
}

const orderEvent = (eventType: string, order: OrderDocument): PendingEvent => ({
  aggregateType: 'order',
  aggregateId: order._id,
  eventType,
  payload: orderPayload(order),
});

/** Everything in `shop.orders`, split into orders and outbox documents (what the checks recompute from). */
export async function readShop(
  client: MongoClient,
): Promise<{ orders: OrderDocument[]; outbox: OutboxDocument[] }> {
  const collection: Collection<Document> = client.db(DATABASE).collection(COLLECTION);
  const documents = (await collection.find({}).toArray()) as unknown as ShopDocument[];
  return {
    orders: documents.filter((document): document is OrderDocument => document.kind === 'order'),
    outbox: documents.filter((document): document is OutboxDocument => document.kind === 'outbox'),
  };
}
