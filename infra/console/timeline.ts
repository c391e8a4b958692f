import { style } from './style.ts';

/** One phase of a command: from/to in ms since the process started (`performance.now()`). */
export interface Span {
  label: string;
  from: number;
  to: number;
}

/**
 * Where a command's time went, for `hack challenge --timings` and `npm run bench:challenge`: spans recorded by
 * whoever runs a phase (a service's start, a step, a verification attempt, a service's stop), printed at the end.
 * One per process, so the stack's lifecycle and the verifier record into it without being handed one; recording
 * costs an array push, and nothing is printed unless asked for.
 */
export class Timeline {
  readonly spans: Span[] = [];

  /** A span that is already over; the oldest are dropped past 10,000 (a `--watch` session verifies for hours). */
  add(label: string, from: number, to: number): void {
    this.spans.push({ label, from, to });
    if (this.spans.length > 10_000) this.spans.shift();
  }

  /** Starts a span now; the returned function ends it. */
  begin(label: string): () => void {
    const from = performance.now();
    return () => this.add(label, from, performance.now());
  }

  async time<T>(label: string, body: () => Promise<T>): Promise<T> {
    const end = this.begin(label);
    try {
      return await body();
    } finally {
      end();
    }
  }

  /** An instant (a span of no length), e.g. "all checks passed". */
  mark(label: string): void {
    const now = performance.now();
    this.add(label, now, now);
  }

  /** The spans in start order as `  from → to  (took)  label` lines, times in seconds since the process started. */
  render(): string {
    const seconds = (ms: number): string => (ms / 1000).toFixed(2).padStart(6);
    const lines = [...this.spans]
      .sort((a, b) => a.from - b.from || a.to - b.to)
      .map(
        (span) =>
          `  ${seconds(span.from)} → ${seconds(span.to)}  ${style.dim(`(${((span.to - span.from) / 1000).toFixed(2)} s)`.padEnd(10))}  ${span.label}`,
      );
    return [`${style.bold('Timeline')} (seconds since the command started)`, ...lines].join('\n');
  }
}

export const timeline = new Timeline();
