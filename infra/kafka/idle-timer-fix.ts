import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 keeps a 1 ms timer running for every broker connection, forever: its RequestQueue reschedules
 * `checkPendingRequests` with a negative delay when nothing is pending and nothing is throttled
 * (tulios/kafkajs#1556, #1704; the fix in #1667 is not released). An idle Connect worker spent 7–8 % of a core on
 * it. Here the queue only schedules a check when a request waits or a throttle is in force; a new request or a
 * response checks the queue anyway (`push`, `fulfillRequest`). Loaded once, by the module every client comes from.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const { prototype } = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
const schedule = prototype.scheduleCheckPendingRequests;
if (typeof schedule === 'function' && !(schedule as { idleFix?: true }).idleFix) {
  const patched = function (this: RequestQueue): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  prototype.scheduleCheckPendingRequests = Object.assign(patched, { idleFix: true as const });
}
