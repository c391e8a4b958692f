/**
 * The TypeScript reference's logic, free of Kafka: feed it input events, it returns the output records that
 * changed. `fault` breaks it on purpose the ways real processors break (used by the harness's tests only).
 */
export type Fault =
  'returns-subtracted' | 'replenishment-twice' | 'integer-average' | 'top-not-updated' | undefined;

type Json = Record<string, unknown>;
export interface Output {
  topic: 'inventory-on-hand' | 'top-5-products';
  key: string;
  value: Json;
}

interface Stats {
  productId: string;
  count: number;
  sum: number;
  highest: number;
  lowest: number;
  mostRecent: number;
  mostRecentAt: string;
  mostRecentId: string;
}

const TOP_N = 5;
const SIGN: Record<string, number> = {
  'product-inventory-capacity': 1,
  'inventory-replenishment': 1,
  purchases: -1,
  returns: 1,
};

export class RetailProcessor {
  private readonly products = new Map<string, Json>();
  private readonly stock = new Map<string, { onHand: number; updatedAt: string }>();
  private readonly stats = new Map<string, Stats>();
  private top: string[] = [];
  private readonly replenishmentsSeen = new Set<string>();

  constructor(private readonly fault: Fault = undefined) {}

  /** One input record; returns the output records it changes. */
  handle(topic: string, value: Json): Output[] {
    if (topic === 'products') {
      // A product read after its events: re-emit what shows its name and price.
      this.products.set(String(value.id), value);
      const stock = this.stock.get(String(value.id));
      const listed = this.top.includes(String(value.id));
      return [
        ...(stock ? [this.inventoryRecord(String(value.id), stock)] : []),
        ...(listed ? this.ranks() : []),
      ];
    }
    if (topic === 'product-ratings') return this.rate(value);
    const sign = SIGN[topic];
    if (sign === undefined) return [];
    const productId = String(value.productId);
    let delta = Number(topic === 'product-inventory-capacity' ? value.expected : value.quantity) * sign;
    if (this.fault === 'returns-subtracted' && topic === 'returns') delta = -delta;
    if (this.fault === 'replenishment-twice' && topic === 'inventory-replenishment') {
      // A restart that re-reads the input without restoring its state counts the first replenishment twice.
      if (this.replenishmentsSeen.size === 0) delta *= 2;
      this.replenishmentsSeen.add(String(value.id));
    }
    const at = String(value.replenishedAt ?? value.purchasedAt ?? value.returnedAt ?? '');
    const current = this.stock.get(productId) ?? { onHand: 0, updatedAt: '' };
    const next = {
      onHand: current.onHand + delta,
      updatedAt: at > current.updatedAt ? at : current.updatedAt,
    };
    this.stock.set(productId, next);
    return [this.inventoryRecord(productId, next)];
  }

  private inventoryRecord(productId: string, stock: { onHand: number; updatedAt: string }): Output {
    return {
      topic: 'inventory-on-hand',
      key: productId,
      value: {
        id: productId,
        productId,
        productName: String(this.products.get(productId)?.name ?? ''),
        onHand: stock.onHand,
        updatedAt: stock.updatedAt,
      },
    };
  }

  private ranks(): Output[] {
    return this.top.flatMap((rankedId, index) => {
      const stats = this.stats.get(rankedId);
      return stats ? [this.rankRecord(index + 1, stats)] : [];
    });
  }

  private rate(rating: Json): Output[] {
    const productId = String(rating.productId);
    const stars = Number(rating.rating);
    const at = String(rating.ratedAt ?? '');
    const id = String(rating.id ?? '');
    const stats = this.stats.get(productId) ?? {
      productId,
      count: 0,
      sum: 0,
      highest: stars,
      lowest: stars,
      mostRecent: stars,
      mostRecentAt: '',
      mostRecentId: '',
    };
    stats.count += 1;
    stats.sum += stars;
    stats.highest = Math.max(stats.highest, stars);
    stats.lowest = Math.min(stats.lowest, stars);
    if (at > stats.mostRecentAt || (at === stats.mostRecentAt && id > stats.mostRecentId)) {
      Object.assign(stats, { mostRecent: stars, mostRecentAt: at, mostRecentId: id });
    }
    this.stats.set(productId, stats);
    const ranked = [...this.stats.values()].sort(compare).slice(0, TOP_N);
    if (this.fault === 'top-not-updated') {
      // Only ever adds a product to the board, never takes one off: a product that drops out stays listed.
      for (const entry of ranked) if (!this.top.includes(entry.productId)) this.top.push(entry.productId);
      this.top = this.top.slice(0, TOP_N);
    } else {
      this.top = ranked.map((entry) => entry.productId);
    }
    return this.ranks();
  }

  private rankRecord(rank: number, stats: Stats): Output {
    const product = this.products.get(stats.productId);
    const average =
      this.fault === 'integer-average' ? Math.floor(stats.sum / stats.count) : stats.sum / stats.count;
    return {
      topic: 'top-5-products',
      key: String(rank),
      value: {
        id: String(rank),
        rank,
        productId: stats.productId,
        productName: String(product?.name ?? ''),
        unitPrice: Number(product?.unitPrice ?? 0),
        totalRatings: stats.count,
        highest: stats.highest,
        lowest: stats.lowest,
        mostRecent: stats.mostRecent,
        ratingScore: Math.round(average * 100) / 100,
      },
    };
  }
}

/** Higher exact average first (cross-multiplied, no float rounding), then more ratings, then the product id. */
function compare(a: Stats, b: Stats): number {
  return (
    b.sum * a.count - a.sum * b.count ||
    b.count - a.count ||
    (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0)
  );
}
