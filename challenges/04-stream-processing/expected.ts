import { INVENTORY_INPUTS, stockChange, type InventoryInput } from '../../generators/inventory.ts';
import type { EntityByTopic, Product, ProductRating, TopProduct } from '../../generators/model.ts';
import { addRating, rankTop, topProductRecord, type RatingStats } from '../../generators/top-products.ts';
import type { LatestRecord, TopicSnapshot } from '../../verify/readers/kafka.ts';

/**
 * What the outputs must say, recomputed from the input topics as read back from Kafka (never from the
 * generator's manifest, so a coach can run it against a team's cluster), with the rules the generator uses.
 */
export interface Contribution {
  topic: InventoryInput;
  id: string;
  delta: number;
  /** The event's own time (replenishedAt, purchasedAt, returnedAt; '' for a capacity). */
  at: string;
}

export interface ExpectedInventory {
  productId: string;
  productName: string;
  onHand: number;
  /** Every input event that moved this product's stock, in topic order. */
  contributions: Contribution[];
}

export interface ExpectedRatings {
  /** Ranks 1…5 as the topic must show them. */
  top: TopProduct[];
  /** Every rated product's stats (to explain a product that should or should not be listed). */
  stats: Map<string, RatingStats>;
  /** Ratings per product in the order they were read (offset order per partition). */
  ratings: Map<string, ProductRating[]>;
}

type Topics = ReadonlyMap<string, TopicSnapshot>;

function values<T>(topics: Topics, topic: string): T[] {
  const snapshot = topics.get(topic);
  if (!snapshot) return [];
  return [...snapshot.latest.values()]
    .map((record: LatestRecord) => record.value)
    .filter((value): value is T => Boolean(value) && typeof value === 'object');
}

export function productsOf(topics: Topics): Map<string, Product> {
  return new Map(values<Product>(topics, 'products').map((product) => [String(product.id), product]));
}

export function expectedInventory(topics: Topics): Map<string, ExpectedInventory> {
  const products = productsOf(topics);
  const expected = new Map<string, ExpectedInventory>();
  for (const topic of INVENTORY_INPUTS) {
    for (const value of values<EntityByTopic[typeof topic]>(topics, topic)) {
      const { productId, delta } = stockChange(topic, value);
      if (typeof productId !== 'string' || !Number.isFinite(delta)) continue;
      const entry = expected.get(productId) ?? {
        productId,
        productName: products.get(productId)?.name ?? '',
        onHand: 0,
        contributions: [],
      };
      entry.onHand += delta;
      const times = value as { replenishedAt?: unknown; purchasedAt?: unknown; returnedAt?: unknown };
      const at = String(times.replenishedAt ?? times.purchasedAt ?? times.returnedAt ?? '');
      entry.contributions.push({ topic, id: String(value.id), delta, at });
      expected.set(productId, entry);
    }
  }
  return expected;
}

export function expectedRatings(topics: Topics): ExpectedRatings {
  const products = productsOf(topics);
  const stats = new Map<string, RatingStats>();
  const ratings = new Map<string, ProductRating[]>();
  for (const rating of values<ProductRating>(topics, 'product-ratings')) {
    if (typeof rating.productId !== 'string' || !Number.isFinite(rating.rating)) continue;
    stats.set(rating.productId, addRating(stats.get(rating.productId), rating));
    ratings.set(rating.productId, [...(ratings.get(rating.productId) ?? []), rating]);
  }
  const top = rankTop(stats.values()).map((entry, index) =>
    topProductRecord(index + 1, entry, products.get(entry.productId)),
  );
  return { top, stats, ratings };
}
