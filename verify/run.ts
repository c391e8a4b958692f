import { setTimeout as sleep } from 'node:timers/promises';
import type { Challenge } from '../challenges/challenge.ts';
import type { Environment } from '../infra/stack/environment.ts';
import { timeline } from '../infra/console/timeline.ts';
import { evaluateGraph, rootCause } from './graph.ts';
import type { CheckResult, VerifyReport } from './report.ts';

export interface VerifyOptions {
  /** Keep polling until every check passes or this much time has passed. */
  timeoutMs?: number;
  /**
   * The pause between attempts. Default: as long as the last read took, between 250 ms and 1 s — a small pipeline
   * is re-read soon after its last record lands, a large one is not re-read back to back.
   */
  intervalMs?: number;
  /** Stop when no count has moved for this long (default 8 s): the pipeline is stuck, not slow. */
  stallMs?: number;
  onProgress?: (checks: CheckResult[], attempt: number, state: unknown) => void;
}

/**
 * Verification by identity and content: reads everything, evaluates the check graph, and polls while the
 * pipeline can still converge. It stops at once when every check passes or a failure is final (a FAILED task,
 * a stopped or missing connector, an unreachable service), after `stallMs` without any count moving, and at
 * the timeout at the latest. The last attempt is the report.
 */
export async function verifyChallenge<State>(
  challenge: Challenge<State>,
  environment: Environment,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  const observer = await timeline.time('verify: connect readers', () => challenge.observe(environment));
  let checks: CheckResult[] = [];
  let attempt = 0;
  let stoppedBecause: string | undefined;
  let stalled = false;
  const passedAt = new Map<string, number>();
  try {
    let fingerprint = '';
    let changedAt = Date.now();
    for (;;) {
      attempt++;
      const readStarted = Date.now();
      const read = timeline.begin(`verify: attempt ${attempt}`);
      const state = await observer.read();
      const readMs = Date.now() - readStarted;
      checks = evaluateGraph(challenge.checks, state);
      read();
      for (const check of checks)
        if (check.passed && !passedAt.has(check.id)) passedAt.set(check.id, Date.now() - started);
      options.onProgress?.(checks, attempt, state);
      if (checks.every((check) => check.passed)) break;
      const final = checks.find((check) => check.final);
      if (final) {
        stoppedBecause = `${final.id} cannot recover by waiting`;
        break;
      }
      if (Date.now() >= deadline) break;
      const now = progressFingerprint(checks);
      if (now !== fingerprint) {
        fingerprint = now;
        changedAt = Date.now();
      } else if (Date.now() - changedAt >= (options.stallMs ?? 8000)) {
        stalled = true;
        stoppedBecause = `nothing changed for ${Math.round((Date.now() - changedAt) / 1000)} s`;
        break;
      }
      const pause = options.intervalMs ?? Math.min(1000, Math.max(250, readMs));
      await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    }
  } finally {
    await timeline.time('verify: close readers', () => observer.close());
  }
  const durationMs = Date.now() - started;
  for (const check of checks)
    check.durationMs = check.passed ? (passedAt.get(check.id) ?? durationMs) : durationMs;
  const cause = rootCause(checks);
  return {
    challenge: challenge.id,
    passed: checks.every((check) => check.passed),
    durationMs,
    checks,
    environment: environment.source,
    attempts: attempt,
    ...(stalled ? { stalled: true } : {}),
    ...(cause ? { cause: { id: cause.id, hint: cause.hint ?? cause.title } } : {}),
    ...(stoppedBecause ? { stoppedBecause } : {}),
  };
}

/** What moves while a pipeline converges: every check's counts and details (which carry per-flow counts). */
function progressFingerprint(checks: CheckResult[]): string {
  return JSON.stringify(
    checks.map((check) => [
      check.found,
      check.missingCount,
      check.mismatchedCount,
      check.extraCount,
      check.details,
    ]),
  );
}
