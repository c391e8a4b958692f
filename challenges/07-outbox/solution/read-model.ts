/**
 * The reference read model's rule, apart from Kafka and MongoDB so that it can be tested: an order-events record
 * turns the cached entry into the next one, or into nothing when it was applied already (a redelivery).
 */
export interface CacheEntry {
  _id: string;
  status?: string;
  totalCents?: number;
  customerId?: string;
  version: number;
  history: string[];
  deleted?: boolean;
}

export interface OrderEvent {
  orderId: string;
  eventType: string;
  /** The event's position in its order's history (the `sequence` header). */
  sequence: number;
  payload: Record<string, unknown>;
}

export function applyOrderEvent(
  current: CacheEntry | null | undefined,
  event: OrderEvent,
): CacheEntry | undefined {
  // At-least-once delivery: an event at or below the cached sequence was applied already.
  if (current && current.version >= event.sequence) return undefined;
  const history = [...(current?.history ?? []), event.eventType];
  // A cancelled order is evicted; the tombstone keeps its sequence so an older redelivery cannot revive it.
  if (event.payload.deleted) return { _id: event.orderId, version: event.sequence, history, deleted: true };
  return {
    _id: event.orderId,
    status: String(event.payload.status),
    totalCents: Number(event.payload.totalCents),
    customerId: String(event.payload.customerId),
    version: event.sequence,
    history,
  };
}
