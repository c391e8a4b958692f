import type { Mismatch } from './diff.ts';

/** A node of the challenge's check graph; challenge 03's `cosmos-to-kafka`, `kafka-to-cosmos`, `cosmos-to-search` and
 * `connectors-healthy` are stable, other nodes are added, never renamed. */
export type CheckId = string;

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
  /** The failing upstream node that explains this failure (the root of the chain); the hint then says so. */
  blockedBy?: string;
  /** Time from the start of verification until the check first passed (the whole run when it never did). */
  durationMs?: number;
  /** The failure cannot heal by waiting (a FAILED task, a stopped connector, an unreachable service). */
  final?: boolean;
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
  /** The first failing check that nothing upstream explains: what to fix first. */
  cause?: { id: string; hint: string };
  /** Why polling ended before the timeout: a final failure, or counts that stopped moving. */
  stoppedBecause?: string;
}

export const listLimit = 100;

/** The report formats `--report` accepts. */
export type ReportFormat = 'console' | 'json' | 'junit' | 'md';
