import { analyze } from './analyzer.ts';

/**
 * Wraps the matched terms of a text in the highlight tags. The service returns fragments around hits; a
 * whole field value (up to `maxLength` characters around the first hit) is the same for the short texts of
 * names and product descriptions, and keeps every hit in view.
 */
export function highlightText(
  text: string,
  matched: Set<string>,
  preTag: string,
  postTag: string,
  maxLength = 400,
): string | undefined {
  const hits = analyze(text).filter((token) => matched.has(token.term));
  if (hits.length === 0) return undefined;
  let start = 0;
  let end = text.length;
  if (text.length > maxLength) {
    start = Math.max(0, hits[0]!.start - Math.floor(maxLength / 4));
    end = Math.min(text.length, start + maxLength);
  }
  let out = '';
  let cursor = start;
  for (const hit of hits) {
    if (hit.start < cursor || hit.end > end) continue;
    out += text.slice(cursor, hit.start) + preTag + text.slice(hit.start, hit.end) + postTag;
    cursor = hit.end;
  }
  return out + text.slice(cursor, end);
}
