/**
 * Percentiles and the no-upward-trend test of the freshness check.
 *
 * Trend test: Mann–Kendall on the freshness samples in landing order (one-sided, normal approximation with the
 * tie correction), with the Theil–Sen slope as its size. A panel "declines over time" when the test finds an
 * upward trend at p < 0.01 AND the Sen slope adds more than 0.5 s over the run: significance alone flags
 * harmless millisecond drifts on long runs, size alone flags noise on short ones.
 */
export const TREND_P = 0.01;
export const TREND_RISE_MS = 500;

/** Nearest-rank percentile of `values` (Infinity stays Infinity). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Trend {
  /** One-sided p-value of an upward trend. */
  p: number;
  /** Theil–Sen slope, ms of freshness per ms of run time. */
  slope: number;
  /** slope × the run's span: how much freshness grew over the run. */
  riseMs: number;
  upward: boolean;
}

export function trend(samples: ReadonlyArray<{ x: number; y: number }>): Trend {
  const points = samples.filter((point) => Number.isFinite(point.y));
  const n = points.length;
  if (n < 8) return { p: 1, slope: 0, riseMs: 0, upward: false };
  let s = 0;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const a = points[i]!;
      const b = points[j]!;
      s += Math.sign(b.y - a.y);
      if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  const ties = new Map<number, number>();
  for (const point of points) ties.set(point.y, (ties.get(point.y) ?? 0) + 1);
  let variance = (n * (n - 1) * (2 * n + 5)) / 18;
  for (const t of ties.values()) variance -= (t * (t - 1) * (2 * t + 5)) / 18;
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const p = 1 - normalCdf(z);
  const slope = slopes.length > 0 ? percentile(slopes, 50) : 0;
  const span = points[n - 1]!.x - points[0]!.x;
  const riseMs = slope * span;
  return { p, slope, riseMs, upward: p < TREND_P && riseMs > TREND_RISE_MS };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
