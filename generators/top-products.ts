import { round2, type Product, type ProductRating, type TopProduct } from './model.ts';
import { canonicalJson } from './canonical.ts';

/**
 * The top-5 products changelog, derived from the ratings. Ranking rule (documented for participants and
 * verification): higher exact average rating first; on equal averages, more ratings first; then the product id
 * in ascending order. Only rated products take part. `ratingScore` is the average rounded to 2 decimals.
 */
export const TOP_N = 5;

export interface RatingStats {
  productId: string;
  count: number;
  sum: number;
  highest: number;
  lowest: number;
  /** The rating with the latest `ratedAt` (a late rating does not replace it; equal times: the larger id). */
  mostRecent: number;
  mostRecentAt: string;
  mostRecentId: string;
}

/** A product's stats with one more rating (a new object when `stats` is undefined, else `stats` updated). */
export function addRating(stats: RatingStats | undefined, rating: ProductRating): RatingStats {
  const next = stats ?? {
    productId: rating.productId,
    count: 0,
    sum: 0,
    highest: 0,
    lowest: 6,
    mostRecent: 0,
    mostRecentAt: '',
    mostRecentId: '',
  };
  next.count += 1;
  next.sum += rating.rating;
  next.highest = Math.max(next.highest, rating.rating);
  next.lowest = Math.min(next.lowest, rating.rating);
  if (
    rating.ratedAt > next.mostRecentAt ||
    (rating.ratedAt === next.mostRecentAt && rating.id > next.mostRecentId)
  ) {
    next.mostRecent = rating.rating;
    next.mostRecentAt = rating.ratedAt;
    next.mostRecentId = rating.id;
  }
  return next;
}

/** The top N of all products' stats, in rank order. */
export function rankTop(stats: Iterable<RatingStats>): RatingStats[] {
  return [...stats].sort(compareStats).slice(0, TOP_N);
}

/** Negative when `a` ranks before `b`. Averages compare by cross-multiplication: exact, no float rounding. */
export function compareStats(a: RatingStats, b: RatingStats): number {
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
    const existing = this.stats.get(rating.productId);
    const before = existing ? { ...existing } : undefined;
    const stats = addRating(existing, rating);
    this.stats.set(rating.productId, stats);

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
    return rankTop(this.stats.values());
  }

  private changedRecords(): TopProduct[] {
    const changed: TopProduct[] = [];
    this.top.forEach((stats, index) => {
      const record = topProductRecord(index + 1, stats, this.products.get(stats.productId));
      const text = canonicalJson(record);
      if (this.lastEmitted.get(record.rank) !== text) {
        this.lastEmitted.set(record.rank, text);
        changed.push(record);
      }
    });
    return changed;
  }
}

/** The `top-5-products` record of a rank. */
export function topProductRecord(rank: number, stats: RatingStats, product: Product | undefined): TopProduct {
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
