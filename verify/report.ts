import type { Mismatch } from './diff.ts';

export type CheckId = 'cosmos-to-kafka' | 'kafka-to-cosmos' | 'cosmos-to-search' | 'connectors-healthy';

/** One check of the verify report (DESIGN.md's format; fields after `hint` are extensions). */
export interface CheckResult {
  id: CheckId;
  title: string;
  passed: boolean;
  expected: number;
  found: number;
  /** Up to `listLimit` ids, `<container or topic>:<id>`; `missingCount` is the total. */
  missing: string[];
  missingCount: number;
  mismatched: Mismatch[];
  extra: string[];
  hint?: string;
  extraCount?: number;
  mismatchedCount?: number;
  /** One line per flow, connector or dead-letter topic: what was compared and how it came out. */
  details: string[];
}

export interface VerifyReport {
  challenge: string;
  passed: boolean;
  durationMs: number;
  checks: CheckResult[];
  /** Where the endpoints came from (never a secret). */
  environment?: string;
  /** How many times the checks ran before they converged or the time ran out. */
  attempts?: number;
  /** True when verification stopped before the timeout because nothing changed any more. */
  stalled?: boolean;
}

export const listLimit = 100;
