import { JsonDouble, parseJson, type JsonNode } from '../../data/json.ts';
import type { PipelineResult } from '../pipeline.ts';

/**
 * Semantic comparison of a result of ours with Apache's: JSON payloads compared as trees (object key order ignored,
 * since schemaless maps are Java HashMaps; integers and doubles kept apart, as `10` and `10.0` differ in Java),
 * errors by stage, exception class and message.
 */
export interface CompareOptions {
  /** Compare only this many leading characters of error messages (for texts with hash codes or record dumps). */
  messagePrefix?: number;
}

function tryParse(text: string): JsonNode | undefined {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
}

export function sameJson(a: JsonNode, b: JsonNode): boolean {
  if (a === b) return true;
  if (a instanceof JsonDouble || b instanceof JsonDouble) {
    return (
      a instanceof JsonDouble &&
      b instanceof JsonDouble &&
      (a.value === b.value || (Number.isNaN(a.value) && Number.isNaN(b.value)))
    );
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJson(item, b[i]!))
    );
  }
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [key, value] of a) {
      if (!b.has(key) || !sameJson(value, b.get(key)!)) return false;
    }
    return true;
  }
  return false;
}

/** Two serialized payloads: equal JSON trees when both parse, else equal text. */
export function samePayload(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  if (a === b) return true;
  const left = tryParse(a);
  const right = tryParse(b);
  return left !== undefined && right !== undefined && sameJson(left, right);
}

/** Differences between ours and Apache's, as readable lines (empty = same). */
export function differences(
  ours: PipelineResult,
  theirs: PipelineResult,
  options: CompareOptions = {},
): string[] {
  const problems: string[] = [];
  const kind = (r: PipelineResult): string =>
    'dropped' in r ? 'dropped' : 'error' in r ? 'error' : 'record';
  if (kind(ours) !== kind(theirs)) {
    return [`ours: ${JSON.stringify(ours)}`, `apache: ${JSON.stringify(theirs)}`];
  }
  if ('error' in ours && 'error' in theirs) {
    const a = ours.error;
    const b = theirs.error;
    if (a.stage !== b.stage) problems.push(`stage: ours ${a.stage}, apache ${b.stage}`);
    if (a.class !== b.class) problems.push(`class: ours ${a.class}, apache ${b.class}`);
    const limit = options.messagePrefix;
    const cut = (m: string | null): string | null =>
      m === null || limit === undefined ? m : m.slice(0, limit);
    if (cut(a.message) !== cut(b.message))
      problems.push(`message:\n  ours   ${a.message}\n  apache ${b.message}`);
    return problems;
  }
  if ('record' in ours && 'record' in theirs) {
    const a = ours.record;
    const b = theirs.record;
    if (a.topic !== b.topic) problems.push(`topic: ours ${a.topic}, apache ${b.topic}`);
    if ((a.partition ?? null) !== (b.partition ?? null))
      problems.push(`partition: ours ${a.partition}, apache ${b.partition}`);
    if ((a.timestamp ?? null) !== (b.timestamp ?? null))
      problems.push(`timestamp: ours ${a.timestamp}, apache ${b.timestamp}`);
    if (!samePayload(a.key, b.key)) problems.push(`key:\n  ours   ${a.key}\n  apache ${b.key}`);
    if (!samePayload(a.value, b.value)) problems.push(`value:\n  ours   ${a.value}\n  apache ${b.value}`);
    const ah = a.headers ?? [];
    const bh = b.headers ?? [];
    if (
      ah.length !== bh.length ||
      ah.some((h, i) => h.key !== bh[i]!.key || !samePayload(h.value, bh[i]!.value))
    ) {
      problems.push(`headers:\n  ours   ${JSON.stringify(ah)}\n  apache ${JSON.stringify(bh)}`);
    }
  }
  return problems;
}
