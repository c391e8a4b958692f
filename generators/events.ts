import type { Faker } from '@faker-js/faker';
import type {
  AnyRecord,
  InventoryOnHand,
  InventoryReplenishment,
  Product,
  ProductInventoryCapacity,
  Purchase,
  User,
} from './model.ts';
import { isoTime, seededFaker, sequenceId, STREAMS } from './random.ts';
import { stockChange } from './inventory.ts';
import { TopProductsBoard } from './top-products.ts';

/**
 * The seven event topics, produced in time order: capacities and the initial stock first, then one activity per
 * slot (a purchase, a rating or a replenishment), each followed by what it derives (the product's new stock, the
 * top-5 ranks that changed). Returns are scheduled when their purchase is made and emitted in a later slot.
 *
 * Memory stays flat however many events there are: the state is per product (stock, rating stats) and the
 * returns pending within a bounded window of slots.
 */
export interface EventStreamOptions {
  seed: number;
  /** Activity slots. */
  events: number;
  startMs: number;
  spanMs: number;
  users: readonly User[];
  products: readonly Product[];
}

/** A slot lasts at least this long on average, so that a return fits strictly between two slots' times. */
export const MIN_SLOT_MS = 10;

const KIND_WEIGHTS = [
  { weight: 55, value: 'purchase' },
  { weight: 33, value: 'rating' },
  { weight: 12, value: 'replenishment' },
] as const;

const QUANTITY_WEIGHTS = [
  { weight: 60, value: 1 },
  { weight: 25, value: 2 },
  { weight: 10, value: 3 },
  { weight: 3, value: 4 },
  { weight: 2, value: 5 },
];

const RETURN_PROBABILITY = 0.08;
/** A return comes at most this many slots after its purchase; it bounds the pending returns held in memory. */
const RETURN_WINDOW_SLOTS = 2_000;
const RETURN_REASONS = ['damaged', 'wrong size', 'not as described', 'changed mind', 'arrived late'];

interface PendingReturn {
  purchase: Purchase;
  quantity: number;
  reason: string;
}

function capacityOf(faker: Faker, product: Product): ProductInventoryCapacity {
  const expected = faker.number.int({ min: 4, max: 40 }) * 5;
  return {
    id: product.id,
    productId: product.id,
    expected,
    minimum: Math.round(expected * 0.2),
    maximum: expected * 2,
  };
}

export function* generateEvents(options: EventStreamOptions): Generator<AnyRecord> {
  const { users, products, startMs, events } = options;
  const faker = seededFaker(options.seed, STREAMS.events);
  const byId = new Map(products.map((product) => [product.id, product]));
  const suppliers = faker.helpers.multiple(() => faker.company.name(), { count: 8 });
  // A hidden quality per product, so that averages differ and the top 5 means something.
  const quality = new Map(products.map((p) => [p.id, faker.number.float({ min: 2.2, max: 4.8 })]));

  const capacity = new Map<string, ProductInventoryCapacity>();
  for (const product of products) {
    const value = capacityOf(faker, product);
    capacity.set(product.id, value);
    yield { topic: 'product-inventory-capacity', key: value.id, value };
  }

  const stock = new Map<string, number>();
  const onHand = (productId: string, delta: number, at: number): AnyRecord => {
    const level = (stock.get(productId) ?? 0) + delta;
    stock.set(productId, level);
    const value: InventoryOnHand = {
      id: productId,
      productId,
      productName: byId.get(productId)?.name ?? '',
      onHand: level,
      updatedAt: isoTime(at),
    };
    return { topic: 'inventory-on-hand', key: productId, value };
  };
  for (const product of products) {
    const initial = stockChange('product-inventory-capacity', capacity.get(product.id)!);
    yield onHand(initial.productId, initial.delta, startMs);
  }

  const board = new TopProductsBoard(byId);
  const pending = new Map<number, PendingReturn[]>();
  const seq = { purchase: 0, return: 0, replenishment: 0, rating: 0 };
  const step = options.spanMs / events;

  const replenish = (product: Product, at: number): InventoryReplenishment => {
    const { expected, maximum } = capacity.get(product.id) ?? { expected: 0, maximum: 0 };
    const target = faker.number.int({ min: expected, max: maximum });
    return {
      id: sequenceId('replenishment', ++seq.replenishment, 8),
      productId: product.id,
      quantity: Math.max(1, target - (stock.get(product.id) ?? 0)),
      supplier: faker.helpers.arrayElement(suppliers),
      replenishedAt: isoTime(at),
    };
  };
  // The buyer restocks whichever of a few products runs lowest against its expected level.
  const lowestOfFew = (): Product =>
    faker.helpers
      .arrayElements(products, Math.min(3, products.length))
      .map((product) => ({
        product,
        ratio: (stock.get(product.id) ?? 0) / (capacity.get(product.id)?.expected || 1),
      }))
      .sort((a, b) => a.ratio - b.ratio || (a.product.id < b.product.id ? -1 : 1))[0]?.product ??
    faker.helpers.arrayElement(products);

  for (let slot = 0; slot < events; slot += 1) {
    // Strictly increasing, at least MIN_SLOT_MS / 2 - 1 ms apart: a return due here fits at `at - 1`.
    const at = startMs + Math.floor((slot + faker.number.float({ min: 0, max: 0.5 })) * step);

    for (const due of pending.get(slot) ?? []) {
      const value = {
        id: sequenceId('return', ++seq.return, 8),
        purchaseId: due.purchase.id,
        userId: due.purchase.userId,
        productId: due.purchase.productId,
        quantity: due.quantity,
        reason: due.reason,
        returnedAt: isoTime(at - 1),
      };
      yield { topic: 'returns', key: value.id, value };
      yield onHand(value.productId, stockChange('returns', value).delta, at - 1);
    }
    pending.delete(slot);

    const kind = faker.helpers.weightedArrayElement(KIND_WEIGHTS);
    if (kind === 'purchase') {
      const product = faker.helpers.arrayElement(products);
      const available = stock.get(product.id) ?? 0;
      if (available === 0) {
        // Sold out: the shop restocks instead of selling what it does not have.
        const value = replenish(product, at);
        yield { topic: 'inventory-replenishment', key: value.id, value };
        yield onHand(product.id, stockChange('inventory-replenishment', value).delta, at);
        continue;
      }
      const quantity = Math.min(faker.helpers.weightedArrayElement(QUANTITY_WEIGHTS), available);
      const cents = Math.round(product.unitPrice * 100);
      const purchase: Purchase = {
        id: sequenceId('purchase', ++seq.purchase, 8),
        userId: faker.helpers.arrayElement(users).id,
        productId: product.id,
        quantity,
        unitPrice: product.unitPrice,
        totalPrice: (cents * quantity) / 100,
        purchasedAt: isoTime(at),
      };
      yield { topic: 'purchases', key: purchase.id, value: purchase };
      yield onHand(product.id, stockChange('purchases', purchase).delta, at);
      if (slot < events - 1 && faker.datatype.boolean(RETURN_PROBABILITY)) {
        const dueSlot =
          slot + faker.number.int({ min: 1, max: Math.min(RETURN_WINDOW_SLOTS, events - 1 - slot) });
        const list = pending.get(dueSlot) ?? [];
        list.push({
          purchase,
          quantity: faker.number.int({ min: 1, max: quantity }),
          reason: faker.helpers.arrayElement(RETURN_REASONS),
        });
        pending.set(dueSlot, list);
      }
    } else if (kind === 'replenishment') {
      const value = replenish(lowestOfFew(), at);
      yield { topic: 'inventory-replenishment', key: value.id, value };
      yield onHand(value.productId, stockChange('inventory-replenishment', value).delta, at);
    } else {
      const product = faker.helpers.arrayElement(products);
      const noise = faker.number.float({ min: -1.5, max: 1.5 });
      const value = {
        id: sequenceId('rating', ++seq.rating, 8),
        productId: product.id,
        userId: faker.helpers.arrayElement(users).id,
        rating: Math.min(5, Math.max(1, Math.round((quality.get(product.id) ?? 3) + noise))),
        ratedAt: isoTime(at),
      };
      yield { topic: 'product-ratings', key: value.id, value };
      for (const top of board.rate(value)) yield { topic: 'top-5-products', key: top.id, value: top };
    }
  }
}
