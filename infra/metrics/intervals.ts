/**
 * Time in the Metrics API's terms: ISO-8601 durations for `granularity`, ISO-8601 intervals for `intervals`
 * (`<start>/<end>`, `<start>/<duration>`, `<duration>/<end>`), and the `now` keyword with offset (`now-2m`) and
 * truncation (`now|h`) modifiers, all in UTC.
 */

/** Cloud's granularities and the longest interval each may span (the Metrics API reference's table). */
export const cloudGranularities: Record<string, { ms: number; maxIntervalMs: number }> = {
  PT1M: { ms: 60_000, maxIntervalMs: 6 * 3_600_000 },
  PT5M: { ms: 300_000, maxIntervalMs: 86_400_000 },
  PT15M: { ms: 900_000, maxIntervalMs: 4 * 86_400_000 },
  PT30M: { ms: 1_800_000, maxIntervalMs: 7 * 86_400_000 },
  PT1H: { ms: 3_600_000, maxIntervalMs: Infinity },
  PT4H: { ms: 4 * 3_600_000, maxIntervalMs: Infinity },
  PT6H: { ms: 6 * 3_600_000, maxIntervalMs: Infinity },
  PT12H: { ms: 12 * 3_600_000, maxIntervalMs: Infinity },
  P1D: { ms: 86_400_000, maxIntervalMs: Infinity },
};

/** Milliseconds of an ISO-8601 duration (`P1D`, `PT2H`, `PT10S`, `P1DT12H`), or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  return (
    Number(weeks ?? 0) * 604_800_000 +
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Math.round(Number(seconds ?? 0) * 1000)
  );
}

const unitMs: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A point in time: an ISO-8601 timestamp or `now` with modifiers, e.g. `now-2m|m`. */
export function parseInstant(text: string, now: number): number | undefined {
  if (text.startsWith('now')) {
    const match = /^now((?:[+-]\d+[mhd])*)(?:\|([mhd]))?$/.exec(text);
    if (!match) return undefined;
    let at = now;
    for (const offset of match[1]!.matchAll(/([+-])(\d+)([mhd])/g))
      at += (offset[1] === '-' ? -1 : 1) * Number(offset[2]) * unitMs[offset[3]!]!;
    if (match[2]) at = Math.floor(at / unitMs[match[2]]!) * unitMs[match[2]]!;
    return at;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

export interface TimeRange {
  start: number;
  end: number;
}

/** An ISO-8601 interval, or a message saying why it is not one. */
export function parseInterval(text: string, now: number): TimeRange | string {
  const parts = text.split('/');
  if (parts.length !== 2)
    return `Invalid interval '${text}': expected <start>/<end>, <start>/<duration> or <duration>/<end>.`;
  const [left, right] = parts as [string, string];
  const leftDuration = left.startsWith('P') ? parseDuration(left) : undefined;
  const rightDuration = right.startsWith('P') ? parseDuration(right) : undefined;
  const start = leftDuration === undefined ? parseInstant(left, now) : undefined;
  const end = rightDuration === undefined ? parseInstant(right, now) : undefined;
  let range: TimeRange | undefined;
  if (start !== undefined && end !== undefined) range = { start, end };
  else if (start !== undefined && rightDuration !== undefined) range = { start, end: start + rightDuration };
  else if (leftDuration !== undefined && end !== undefined) range = { start: end - leftDuration, end };
  if (!range)
    return `Invalid interval '${text}': expected <start>/<end>, <start>/<duration> or <duration>/<end> with ISO-8601 timestamps (or 'now'), durations such as PT1H.`;
  if (range.end <= range.start) return `Invalid interval '${text}': its end is not after its start.`;
  return range;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
