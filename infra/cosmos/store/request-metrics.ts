/**
 * In-process request counters of the emulator (both front ends: the NoSQL API and the MongoDB listener), read by
 * the metrics collector through `GET /_hack/metrics`. Kept cheap for the hot path: one map lookup by a constant
 * operation name and a few increments per request; nothing is allocated after an operation's first request.
 */

/** Per operation: request counts by status class (index = status / 100: 2 → 2xx) and the summed latency. */
interface OperationStats {
  byStatusClass: number[];
  latencyMs: number;
}

export interface RequestCount {
  operation: string;
  /** `2xx`, `3xx`, `4xx`, `5xx`. */
  status: string;
  count: number;
}

export interface RequestLatency {
  operation: string;
  /** Milliseconds spent answering every request of the operation since the emulator started. */
  totalMs: number;
  count: number;
}

/** What `GET /_hack/metrics` answers: request counters since start, and per container its size and feed lag. */
export interface EmulatorMetrics {
  requests: RequestCount[];
  latency: RequestLatency[];
  containers: Array<{
    database: string;
    container: string;
    documents: number;
    lsn: number;
    /** LSNs written after the position the latest change-feed request read from; absent before any read. */
    changeFeedLag?: number;
  }>;
}

export class RequestMetrics {
  private readonly operations = new Map<string, OperationStats>();

  /** `operation` must come from a fixed set (the label's values): never a name taken from the request. */
  record(operation: string, status: number, latencyMs: number): void {
    let stats = this.operations.get(operation);
    if (!stats) {
      stats = { byStatusClass: [0, 0, 0, 0, 0, 0], latencyMs: 0 };
      this.operations.set(operation, stats);
    }
    stats.byStatusClass[Math.min(Math.max(Math.floor(status / 100), 0), 5)]! += 1;
    stats.latencyMs += latencyMs;
  }

  requests(): RequestCount[] {
    const counts: RequestCount[] = [];
    for (const [operation, stats] of this.operations) {
      stats.byStatusClass.forEach((count, statusClass) => {
        if (count > 0) counts.push({ operation, status: `${statusClass}xx`, count });
      });
    }
    return counts;
  }

  latency(): RequestLatency[] {
    return [...this.operations].map(([operation, stats]) => ({
      operation,
      totalMs: stats.latencyMs,
      count: stats.byStatusClass.reduce((sum, count) => sum + count, 0),
    }));
  }
}
