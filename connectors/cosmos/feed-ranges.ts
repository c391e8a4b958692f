import type { Container, FeedRange } from '@azure/cosmos';

/**
 * Feed ranges across physical-partition splits. A task's assignment is an EPK range `[min, max)`; after a split
 * the connector hands out the children, and a child starts from its parent's saved continuation (re-aimed at the
 * child's range), as the service's own SDKs do when they meet a split — so nothing is read twice or skipped.
 */

/** The SDK's FeedRange for `[min, max)`, whether or not it is still one physical partition. */
export function feedRangeFor(ranges: readonly FeedRange[], min: string, max: string): FeedRange | undefined {
  const exact = ranges.find((range) => range.minInclusive === min && range.maxExclusive === max);
  if (exact || ranges.length === 0) return exact;
  // The SDK's internal FeedRange class is not exported; any range it returned has it as its constructor.
  const Internal = ranges[0]!.constructor as new (min: string, max: string) => FeedRange;
  return new Internal(min, max);
}

interface RangeWithParents {
  id: string;
  minInclusive: string;
  maxExclusive: string;
  parents?: string[];
}

/**
 * The ranges `[min, max)` had before it was split, nearest first: a parent's extent is the union of the current
 * ranges that name it among their parents.
 */
export async function ancestorRanges(
  container: Container,
  min: string,
  max: string,
): Promise<Array<{ min: string; max: string }>> {
  const { resources } = await container.readPartitionKeyRanges().fetchAll();
  const ranges = resources as unknown as RangeWithParents[];
  const mine = ranges.find((range) => range.minInclusive === min && range.maxExclusive === max);
  return [...(mine?.parents ?? [])].reverse().map((parent) => {
    const family = ranges.filter((range) => range.parents?.includes(parent));
    return {
      min: family.map((range) => range.minInclusive).sort()[0]!,
      max: family
        .map((range) => range.maxExclusive)
        .sort((a, b) => compareMax(a, b))
        .at(-1)!,
    };
  });
}

/** "FF" ends the key space; any other bound compares as a string. */
function compareMax(a: string, b: string): number {
  if (a === b) return 0;
  if (a.toUpperCase() === 'FF') return 1;
  if (b.toUpperCase() === 'FF') return -1;
  return a < b ? -1 : 1;
}

interface FeedRangeToken {
  rid: string;
  Continuation: Array<{ minInclusive: string; maxExclusive: string; continuationToken: string | null }>;
}

/**
 * A feed-range continuation token re-aimed at `[min, max)` inside it: each of its parts clipped to the new range,
 * parts outside dropped. Undefined when the token is not a feed-range token.
 */
export function retargetContinuation(token: string, min: string, max: string): string | undefined {
  let parsed: FeedRangeToken;
  try {
    parsed = JSON.parse(token) as FeedRangeToken;
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed.Continuation)) return undefined;
  const parts = parsed.Continuation.map((part) => ({
    ...part,
    minInclusive: part.minInclusive > min ? part.minInclusive : min,
    maxExclusive: compareMax(part.maxExclusive, max) < 0 ? part.maxExclusive : max,
  })).filter((part) => compareMax(part.minInclusive, part.maxExclusive) < 0);
  if (parts.length === 0) return undefined;
  return JSON.stringify({ ...parsed, Continuation: parts });
}
