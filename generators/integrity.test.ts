import { describe, expect, it } from 'vitest';
import {
  round2,
  type AnyRecord,
  type InventoryOnHand,
  type Product,
  type ProductInventoryCapacity,
  type ProductRating,
  type Purchase,
  type TopProduct,
  type User,
} from './model.ts';
import { liveUpdates } from './live-updates.ts';
import { generateCatalog, generateScenario, resolveScenario } from './scenario.ts';
import { validateEntity } from './schemas.ts';

/**
 * Everything here is recomputed from the emitted records alone, as a participant's stream processor or the
 * verifier would see them — never from the generator's own state.
 */
const options = resolveScenario({ seed: 7, scale: 'medium', liveUpdates: 50 });
const records: AnyRecord[] = [...generateScenario(options)];
const ofTopic = <T extends AnyRecord['topic']>(topic: T) =>
  records.filter((record) => record.topic === topic).map((record) => record.value) as Extract<
    AnyRecord,
    { topic: T }
  >['value'][];

describe('the generated records', () => {
  it('conform to their schemas, with ids safe for Cosmos and Search, times in one ISO form, prices with 2 decimals', () => {
    for (const record of records) {
      expect(validateEntity(record.topic, record.value), `${record.topic} ${record.key}`).toEqual([]);
      expect(record.key).toBe(record.value.id);
    }
    const prices = [...ofTopic('products'), ...ofTopic('purchases')].flatMap((value) =>
      'totalPrice' in value ? [value.unitPrice, value.totalPrice] : [value.unitPrice],
    );
    for (const price of prices) expect(round2(price)).toBe(price);
    expect(records.some((record) => record.topic === 'returns')).toBe(true);
  });

  it('give every event topic record an id of its own', () => {
    for (const topic of ['purchases', 'returns', 'inventory-replenishment', 'product-ratings'] as const) {
      const ids = ofTopic(topic).map((value) => value.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const capacityIds = ofTopic('product-inventory-capacity').map((value) => value.productId);
    expect(capacityIds.sort()).toEqual(
      ofTopic('products')
        .map((value) => value.id)
        .filter(unique)
        .sort(),
    );
  });

  it('name only users and products that exist, and returns follow their purchase', () => {
    const users = new Set(ofTopic('users').map((user) => user.id));
    const products = new Map<string, Product>();
    for (const product of ofTopic('products'))
      if (!products.has(product.id)) products.set(product.id, product);
    const purchases = new Map<string, Purchase>();
    const returned = new Set<string>();
    for (const record of records) {
      if (record.topic === 'purchases') {
        const purchase = record.value;
        expect(users.has(purchase.userId)).toBe(true);
        expect(purchase.unitPrice).toBe(products.get(purchase.productId)?.unitPrice);
        expect(purchase.totalPrice).toBe(round2(purchase.unitPrice * purchase.quantity));
        purchases.set(purchase.id, purchase);
      } else if (record.topic === 'returns') {
        const back = record.value;
        const purchase = purchases.get(back.purchaseId); // emitted before its return
        expect(purchase, back.id).toBeDefined();
        expect(back.userId).toBe(purchase?.userId);
        expect(back.productId).toBe(purchase?.productId);
        expect(back.quantity).toBeLessThanOrEqual(purchase?.quantity ?? 0);
        expect(Date.parse(back.returnedAt)).toBeGreaterThan(Date.parse(purchase?.purchasedAt ?? ''));
        expect(returned.has(back.purchaseId)).toBe(false);
        returned.add(back.purchaseId);
      } else if (record.topic === 'product-ratings' || record.topic === 'inventory-replenishment') {
        expect(products.has(record.value.productId)).toBe(true);
        if (record.topic === 'product-ratings') expect(users.has(record.value.userId)).toBe(true);
      }
    }
  });

  it('keep the events in time order, after the catalog was created', () => {
    const times = records.flatMap((record) => {
      const value = record.value as unknown as Record<string, unknown>;
      const at = value.purchasedAt ?? value.returnedAt ?? value.replenishedAt ?? value.ratedAt;
      return typeof at === 'string' ? [Date.parse(at)] : [];
    });
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const latestCreated = Math.max(
      ...[...ofTopic('users'), ...ofTopic('products')].map((value) => Date.parse(value.createdAt)),
    );
    expect(latestCreated).toBeLessThan(times[0] ?? 0);
  });
});

describe('inventory on hand', () => {
  it('is initial stock + replenished − purchased + returned at every change, never negative', () => {
    const capacity = new Map<string, ProductInventoryCapacity>();
    const stock = new Map<string, number>();
    const initialised = new Set<string>();
    let changes = 0;
    for (const record of records) {
      const { topic, value } = record;
      if (topic === 'product-inventory-capacity') capacity.set(value.productId, value);
      else if (topic === 'purchases')
        stock.set(value.productId, (stock.get(value.productId) ?? 0) - value.quantity);
      else if (topic === 'returns' || topic === 'inventory-replenishment')
        stock.set(value.productId, (stock.get(value.productId) ?? 0) + value.quantity);
      else if (topic === 'inventory-on-hand') {
        const onHand: InventoryOnHand = value;
        if (!initialised.has(onHand.productId)) {
          initialised.add(onHand.productId);
          expect(onHand.onHand).toBe(capacity.get(onHand.productId)?.expected);
          expect(onHand.updatedAt).toBe(options.start);
          stock.set(onHand.productId, onHand.onHand);
        } else {
          expect(onHand.onHand, `${onHand.productId} at ${onHand.updatedAt}`).toBe(
            stock.get(onHand.productId),
          );
          changes += 1;
        }
        expect(onHand.onHand).toBeGreaterThanOrEqual(0);
      }
    }
    const stockEvents =
      ofTopic('purchases').length + ofTopic('returns').length + ofTopic('inventory-replenishment').length;
    expect(changes).toBe(stockEvents); // one changelog record per stock event
    expect(initialised.size).toBe(capacity.size);
  });
});

/** The documented rule, naively: exact average desc, then more ratings, then product id ascending. */
function naiveTop5(ratings: ProductRating[], products: Map<string, Product>): TopProduct[] {
  const byProduct = new Map<string, ProductRating[]>();
  for (const rating of ratings)
    byProduct.set(rating.productId, [...(byProduct.get(rating.productId) ?? []), rating]);
  return [...byProduct.entries()]
    .map(([productId, list]) => ({
      productId,
      list,
      average: list.reduce((sum, r) => sum + r.rating, 0) / list.length,
    }))
    .sort(
      (a, b) =>
        b.average - a.average || b.list.length - a.list.length || a.productId.localeCompare(b.productId),
    )
    .slice(0, 5)
    .map(({ productId, list, average }, index) => ({
      id: String(index + 1),
      rank: index + 1,
      productId,
      productName: products.get(productId)?.name ?? '',
      unitPrice: products.get(productId)?.unitPrice ?? 0,
      totalRatings: list.length,
      highest: Math.max(...list.map((r) => r.rating)),
      lowest: Math.min(...list.map((r) => r.rating)),
      mostRecent: list[list.length - 1]?.rating ?? 0,
      ratingScore: round2(average),
    }));
}

describe('the top-5 products changelog', () => {
  it('after every rating, the latest record per rank is the ranking recomputed from the ratings so far', () => {
    const products = new Map<string, Product>();
    for (const product of ofTopic('products'))
      if (!products.has(product.id)) products.set(product.id, product);
    const ratings: ProductRating[] = [];
    const latestPerRank = new Map<string, TopProduct>();
    const check = (): void => {
      if (ratings.length === 0) return;
      expect([...latestPerRank.values()].sort((a, b) => a.rank - b.rank)).toEqual(
        naiveTop5(ratings, products),
      );
    };
    for (const record of records) {
      if (record.topic === 'product-ratings') {
        check(); // the previous rating's changes are complete once the next rating arrives
        ratings.push(record.value);
      } else if (record.topic === 'top-5-products') {
        latestPerRank.set(record.value.id, record.value);
      }
    }
    check();
    expect(latestPerRank.size).toBe(5);
  });
});

describe('live updates', () => {
  it('change existing users and products only, never a product category', () => {
    const catalog = [...generateScenario(options, ['catalog'])];
    const { users, products } = generateCatalog(options);
    const updates = [...liveUpdates(options.seed, users, products, 50)];
    // The scenario's `updates` part is exactly this sequence.
    expect([...generateScenario(options, ['updates'])]).toEqual(updates);
    expect(updates).toHaveLength(50);
    const original = new Map(catalog.map((record) => [`${record.topic}/${record.key}`, record.value]));
    for (const update of updates) {
      const before = original.get(`${update.topic}/${update.key}`) as User | Product | undefined;
      expect(before, update.key).toBeDefined();
      if (update.topic === 'products') expect(update.value.category).toBe((before as Product).category);
      expect(update.value.createdAt).toBe(before?.createdAt);
    }
    expect(
      updates.some(
        (update) =>
          JSON.stringify(update.value) !== JSON.stringify(original.get(`${update.topic}/${update.key}`)),
      ),
    ).toBe(true);
  });
});

function unique<T>(value: T, index: number, all: T[]): boolean {
  return all.indexOf(value) === index;
}
