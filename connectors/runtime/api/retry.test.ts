import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs, retryFailed, type RetryPolicy } from './retry.ts';

function recording(policy: Partial<RetryPolicy> = {}) {
  const delays: number[] = [];
  const full: RetryPolicy = {
    initialDelayMs: 100,
    maxDelayMs: 1000,
    sleep: async (ms) => delays.push(ms),
    ...policy,
  };
  return { delays, policy: full };
}

describe('retryFailed', () => {
  it('tries again only what failed, with doubling jittered delays', async () => {
    const { delays, policy } = recording();
    const seen: string[][] = [];
    // 'a' succeeds at once, 'b' on the second attempt, 'c' on the third.
    await retryFailed(['a', 'b', 'c'], policy, async (pending) => {
      seen.push(pending);
      return {
        retry: pending.filter((item) => (item === 'b' ? seen.length < 2 : item === 'c' && seen.length < 3)),
      };
    });
    expect(seen).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });

  it('waits what the server asked for (Retry-After) instead of its own backoff', async () => {
    const { delays, policy } = recording();
    let calls = 0;
    await retryFailed([1], policy, async (pending) =>
      ++calls === 1 ? { retry: pending, retryAfterMs: 750 } : { retry: [] },
    );
    expect(delays).toEqual([750]);
  });

  it('stops retrying after maxRetries, on a zero timeout, and when the task stops', async () => {
    const count = async (policy: Partial<RetryPolicy>): Promise<number> => {
      let attempts = 0;
      await retryFailed([1], recording(policy).policy, async (pending, { canRetry }) => {
        attempts++;
        return { retry: canRetry() ? pending : [] };
      });
      return attempts;
    };
    expect(await count({ maxRetries: 3 })).toBe(4);
    expect(await count({ timeoutMs: 0 })).toBe(1);
    expect(await count({ maxRetries: 10, isStopping: () => true })).toBe(1);
  });
});

describe('backoffDelay and retryAfterMs', () => {
  it('doubles up to the cap, then picks a random delay below it (Apache’s rule)', () => {
    const policy = { initialDelayMs: 300, maxDelayMs: 60_000 };
    expect(backoffDelay(0, policy, () => 1)).toBe(300);
    expect(backoffDelay(3, policy, () => 0)).toBe(1200);
    expect(backoffDelay(10, policy, () => 0.5)).toBe(30_000);
  });

  it('reads the SDKs’ and HTTP’s ways of saying how long to wait', () => {
    expect(retryAfterMs({ retryAfterInMs: 120 })).toBe(120);
    expect(retryAfterMs({ headers: { 'x-ms-retry-after-ms': '40' } })).toBe(40);
    expect(retryAfterMs({ response: { headers: new Headers({ 'Retry-After': '2' }) } })).toBe(2000);
    expect(retryAfterMs(new Error('no hint'))).toBeUndefined();
  });
});
