import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one retry loop of the worker and its connectors: exponential backoff with jitter, a server's
 * `Retry-After` honoured, and only what failed tried again. Apache's worker backs off the same way
 * (RetryWithToleranceOperator: doubling from a minimum, then a random delay below the maximum once the doubling
 * passes it); below the maximum we add jitter too, so that many tasks throttled at once do not retry in step.
 */
export interface RetryPolicy {
  /** The first delay, doubled on each attempt. */
  initialDelayMs: number;
  /** The longest delay; beyond it, a random delay below it. */
  maxDelayMs: number;
  /** Give up after this many retries (default: no limit). */
  maxRetries?: number | undefined;
  /** Give up once this much time has passed since the first attempt; negative = never (default). */
  timeoutMs?: number | undefined;
  /** Stop retrying (the task is stopping). */
  isStopping?: (() => boolean) | undefined;
  /** How to wait (tests record the delays instead). */
  sleep?: ((ms: number) => Promise<unknown>) | undefined;
}

/** What an attempt left undone: the items to try again (only those that failed) and the server's wish. */
export interface Leftover<T> {
  retry: T[];
  retryAfterMs?: number | undefined;
}

export interface Attempt {
  /** 0 for the first try. */
  number: number;
  /** Whether a failure now may still be retried (budget, retry count and stop checked at call time). */
  canRetry: () => boolean;
}

/** The delay before retry `attempt` (0-based): doubling with jitter in its upper half, random below the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const doubled = policy.initialDelayMs * 2 ** attempt;
  if (doubled > policy.maxDelayMs) return random() * policy.maxDelayMs;
  return doubled * (0.5 + random() / 2);
}

/**
 * Runs `attempt` on the items, then on what it hands back, until nothing is left. An attempt decides what to do
 * with a failure itself: give it back for a retry while `canRetry()`, or report it for good.
 */
export async function retryFailed<T>(
  items: T[],
  policy: RetryPolicy,
  attempt: (pending: T[], context: Attempt) => Promise<Leftover<T>>,
): Promise<void> {
  const started = Date.now();
  const timeout = policy.timeoutMs ?? -1;
  const remaining = (): number => (timeout < 0 ? Infinity : timeout - (Date.now() - started));
  let pending = items;
  for (let number = 0; pending.length > 0; number++) {
    const canRetry = () =>
      number < (policy.maxRetries ?? Infinity) && remaining() > 0 && !policy.isStopping?.();
    const leftover = await attempt(pending, { number, canRetry });
    pending = leftover.retry;
    if (pending.length === 0) return;
    const wanted = leftover.retryAfterMs ?? backoffDelay(number, policy);
    await (policy.sleep ?? sleep)(Math.max(0, Math.min(wanted, remaining())));
  }
}

/**
 * The delay a server asked for on a throttled or unavailable answer, in ms: the SDKs' `retryAfterInMs`
 * (Cosmos DB), `x-ms-retry-after-ms`/`retry-after-ms` or `Retry-After` (seconds or an HTTP date) headers.
 */
export function retryAfterMs(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const fields = error as Record<string, unknown>;
  for (const name of ['retryAfterInMs', 'retryAfterInMilliseconds', 'retryAfterMs']) {
    const value = fields[name];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  }
  const headers = fields.headers ?? (fields.response as { headers?: unknown } | undefined)?.headers;
  const header = (name: string): string | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    const get = (headers as { get?: unknown }).get;
    const value =
      typeof get === 'function'
        ? (get as (name: string) => unknown).call(headers, name)
        : (headers as Record<string, unknown>)[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const milliseconds = header('x-ms-retry-after-ms') ?? header('retry-after-ms');
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Number(milliseconds);
  const retryAfter = header('retry-after')?.trim();
  if (retryAfter === undefined) return undefined;
  if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
