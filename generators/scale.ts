import { UsageError } from '../infra/errors.ts';

/**
 * How much a scenario generates. `events` counts the activity slots (purchases, ratings, replenishments); returns
 * and the derived changelogs come on top, so a scenario writes about twice `events` records in total.
 */
export interface ScaleCounts {
  users: number;
  products: number;
  events: number;
}

export type ScaleName = 'small' | 'medium' | 'large';

/** small: what `npm run challenge:03` uses, a few hundred records; medium ≈ 10k records; large ≈ 1M records. */
export const SCALES: Readonly<Record<ScaleName, ScaleCounts>> = {
  small: { users: 50, products: 20, events: 200 },
  medium: { users: 1_000, products: 200, events: 5_000 },
  large: { users: 10_000, products: 1_000, events: 560_000 },
};

const countKeys = ['users', 'products', 'events'] as const;

/**
 * `small`, `medium`, `large`, or explicit counts `users=100,products=30,events=5000` (any key left out keeps
 * the small scale's value).
 */
export function parseScale(text: string): ScaleCounts {
  const named = SCALES[text as ScaleName];
  if (named) return { ...named };
  const counts: ScaleCounts = { ...SCALES.small };
  for (const part of text.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+)\s*$/.exec(part);
    const key = match?.[1] as (typeof countKeys)[number] | undefined;
    if (!match || !key || !countKeys.includes(key)) {
      throw new UsageError(`--scale ${text} is not a scale.`, {
        fix: 'Use small, medium, large, or counts like users=100,products=30,events=5000.',
      });
    }
    counts[key] = Number(match[2]);
  }
  return validateScale(counts);
}

export function validateScale(counts: ScaleCounts): ScaleCounts {
  for (const key of countKeys) {
    const value = counts[key];
    const minimum = key === 'events' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new UsageError(`The scale's ${key} count must be a whole number ≥ ${minimum} (got ${value}).`, {
        fix: 'Every purchase and rating needs at least one user and one product.',
      });
    }
  }
  return counts;
}
