import { round2, type Product, type ProductRating, type TopProduct } from './model.ts';
import { canonicalJson } from './canonical.ts';

/**
 * The top-5 products changelog, derived from the ratings. Ranking rule (documented for participants and
 * verification): higher exact average rating first; on equal averages, more ratings first; then the product id
 * in ascending order. Only rated products take part. `ratingScore` is the average rounded to 2 decimals.
 */
export const TOP_N = 5;

interface RatingStats {
  productId: string;
  count: number;
  sum: number;
  highest: number;
  lowest: number;
  mostRecent: number;
}

/** Negative when `a` ranks before `b`. Averages compare by cross-multiplication: exact, no float rounding. */
function compareStats(a: RatingStats, b: RatingStats): number {
  return (
    b.sum * a.count - a.sum * b.count ||
    b.count - a.count ||
    (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0)
  );
}

/**
 * Keeps the ranking incrementally: one rating changes one product, so a full scan is needed only when a product
 * already in the top list got worse (someone outside may overtake it).
 */
export class TopProductsBoard {
  private readonly stats = new Map<string, RatingStats>();
  private top: RatingStats[] = [];
  private readonly lastEmitted = new Map<number, string>();

  constructor(private readonly products: ReadonlyMap<string, Product>) {}

  /** Records the rating and returns the ranks whose record changed, in rank order. */
  rate(rating: ProductRating): TopProduct[] {
    let stats = this.stats.get(rating.productId);
    const before = stats ? { ...stats } : undefined;
    if (!stats) {
      stats = { productId: rating.productId, count: 0, sum: 0, highest: 0, lowest: 6, mostRecent: 0 };
      this.stats.set(rating.productId, stats);
    }
    stats.count += 1;
    stats.sum += rating.rating;
    stats.highest = Math.max(stats.highest, rating.rating);
    stats.lowest = Math.min(stats.lowest, rating.rating);
    stats.mostRecent = rating.rating;

    if (this.top.includes(stats)) {
      if (before && compareStats(stats, before) > 0) this.top = this.rankAll();
      else this.top.sort(compareStats);
    } else {
      const last = this.top[this.top.length - 1];
      if (this.top.length >= TOP_N && last && compareStats(stats, last) > 0) return [];
      this.top = [...this.top, stats].sort(compareStats).slice(0, TOP_N);
    }
    return this.changedRecords();
  }

  private rankAll(): RatingStats[] {
    return [...this.stats.values()].sort(compareStats).slice(0, TOP_N);
  }

  private changedRecords(): TopProduct[] {
    const changed: TopProduct[] = [];
    this.top.forEach((stats, index) => {
      const record = this.recordOf(index + 1, stats);
      const text = canonicalJson(record);
      if (this.lastEmitted.get(record.rank) !== text) {
        this.lastEmitted.set(record.rank, text);
        changed.push(record);
      }
    });
    return changed;
  }

  private recordOf(rank: number, stats: RatingStats): TopProduct {
    const product = this.products.get(stats.productId);
    return {
      id: String(rank),
      rank,
      productId: stats.productId,
      productName: product?.name ?? '',
      unitPrice: product?.unitPrice ?? 0,
      totalRatings: stats.count,
      highest: stats.highest,
      lowest: stats.lowest,
      mostRecent: stats.mostRecent,
      ratingScore: round2(stats.sum / stats.count),
    };
  }
}
