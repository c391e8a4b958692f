import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PartitionKeyDefinition } from './partition-key.ts';

/**
 * Physical partitions as the service reports them: partition key ranges over the effective-partition-key (EPK)
 * space. A range covers `[minInclusive, maxExclusive)`; the first starts at `""`, the last ends at `"FF"`. A
 * split replaces a range with two children that name it in `parents`; its id is then gone (410/1002).
 */
export interface PartitionKeyRange {
  id: string;
  minInclusive: string;
  maxExclusive: string;
  parents: string[];
}

/** What one physical partition serves: the service splits a container into ceil(RU/s / 10,000) of them. */
export const throughputPerPartition = 10_000;
export const defaultThroughput = 400;

export function partitionCountFor(throughput: number): number {
  return Math.max(1, Math.ceil(throughput / throughputPerPartition));
}

/** Hash v2 clears the top two bits of the first byte: EPKs lie in [0, 2^126) as 32 hex digits. */
const epkSpace = 1n << 126n;

function toNumber(epk: string): bigint {
  if (epk === '') return 0n;
  if (epk.toUpperCase() === 'FF') return epkSpace;
  return BigInt(`0x${epk.slice(0, 32).padEnd(32, '0')}`);
}

function toEpk(value: bigint): string {
  if (value === 0n) return '';
  if (value >= epkSpace) return 'FF';
  return value.toString(16).toUpperCase().padStart(32, '0');
}

/** `count` ranges of equal width, ids "0".."count-1": what a container provisioned with that many partitions has. */
export function initialRanges(count: number): PartitionKeyRange[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i),
    minInclusive: toEpk((epkSpace * BigInt(i)) / BigInt(count)),
    maxExclusive: toEpk((epkSpace * BigInt(i + 1)) / BigInt(count)),
    parents: [],
  }));
}

/**
 * Splits range `id` at its midpoint into two children with the next free ids. Deterministic, so the same
 * throughput changes always give the same layout.
 */
export function splitRange(ranges: PartitionKeyRange[], id: string, nextId: number): PartitionKeyRange[] {
  const parent = ranges.find((r) => r.id === id);
  if (!parent) throw new Error(`No partition key range ${id}.`);
  const low = toNumber(parent.minInclusive);
  const middle = toEpk(low + (toNumber(parent.maxExclusive) - low) / 2n);
  const parents = [...parent.parents, parent.id];
  const children = [
    { id: String(nextId), minInclusive: parent.minInclusive, maxExclusive: middle, parents },
    { id: String(nextId + 1), minInclusive: middle, maxExclusive: parent.maxExclusive, parents },
  ];
  return ranges.flatMap((r) => (r === parent ? children : [r]));
}

/** The widest range (lowest id on a tie): the one a throughput increase splits next. */
export function widestRange(ranges: PartitionKeyRange[]): PartitionKeyRange {
  const width = (r: PartitionKeyRange) => toNumber(r.maxExclusive) - toNumber(r.minInclusive);
  return ranges.reduce((best, r) => (width(r) > width(best) ? r : best));
}

export function rangeContains(range: { minInclusive: string; maxExclusive: string }, epk: string): boolean {
  return (
    epk >= range.minInclusive.toUpperCase() &&
    (range.maxExclusive === 'FF' || epk < range.maxExclusive.toUpperCase())
  );
}

type HashPartitionKey = (values: unknown[], definition: unknown) => string;
let hash: HashPartitionKey | undefined | null;

/**
 * The effective partition key of a document's partition key values, computed with the installed SDK's own
 * hashing (an internal module of @azure/cosmos, hence the file path), so ranges hold exactly the items the SDKs
 * route to them.
 */
export function effectivePartitionKey(values: unknown[], definition: PartitionKeyDefinition): string {
  if (hash === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const file = join(dirname(require.resolve('@azure/cosmos')), 'utils', 'hashing', 'hash.js');
      hash = (require(file) as { hashPartitionKey: HashPartitionKey }).hashPartitionKey;
    } catch {
      hash = null;
    }
  }
  if (!hash)
    throw new Error('The @azure/cosmos hashing module could not be loaded: partition key ranges need it.');
  const hashable = values.map((v) => (typeof v === 'object' && v !== null ? undefined : v));
  return hash(hashable, definition);
}
