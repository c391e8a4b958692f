import { badRequest } from './errors.ts';
import { valuesAt, formatDate, type Document } from './documents.ts';
import { comparable } from './odata-filter.ts';
import type { ResolvedField } from './schema.ts';

/**
 * Facet expressions: `field`, `field,count:5`, `field,sort:-value`, `field,interval:10` (numbers) or
 * `interval:day|week|month|quarter|year` (dates), `field,values:10|20` (ranges). Results as the service shapes
 * them: `{value, count}` or `{from, to, count}`.
 */
interface FacetSpec {
  field: ResolvedField;
  count: number;
  sort: 'count' | '-count' | 'value' | '-value';
  interval?: number | string;
  values?: unknown[];
}

export type FacetBucket = { value: unknown; count: number } | { from?: unknown; to?: unknown; count: number };

export function parseFacet(expression: string, fields: Map<string, ResolvedField>): FacetSpec {
  const [name, ...options] = expression.split(',').map((part) => part.trim());
  const field = fields.get(name ?? '');
  if (!field)
    throw badRequest(`Invalid facet expression '${expression}': Could not find a property named '${name}'.`);
  if (!field.definition.facetable)
    throw badRequest(`Invalid facet expression '${expression}': the field '${name}' is not facetable.`);
  const spec: FacetSpec = { field, count: 10, sort: '-count' };
  for (const option of options) {
    const [option_name, raw = ''] = option.split(':').map((part) => part.trim()) as [string, string?];
    switch (option_name) {
      case 'count':
        spec.count = Number(raw);
        if (!Number.isInteger(spec.count) || spec.count < 0)
          throw badRequest(`Invalid facet count '${raw}'.`);
        break;
      case 'sort':
        if (!['count', '-count', 'value', '-value'].includes(raw))
          throw badRequest(`Invalid facet sort '${raw}'.`);
        spec.sort = raw as FacetSpec['sort'];
        break;
      case 'interval':
        spec.interval = field.elementType === 'Edm.DateTimeOffset' ? raw : Number(raw);
        if (typeof spec.interval === 'number' && !(spec.interval > 0))
          throw badRequest(`Invalid facet interval '${raw}'.`);
        if (
          typeof spec.interval === 'string' &&
          !['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].includes(raw)
        ) {
          throw badRequest(`Invalid facet interval '${raw}'.`);
        }
        break;
      case 'values':
        spec.values = raw
          .split('|')
          .map((value) => (field.elementType === 'Edm.DateTimeOffset' ? value : Number(value)));
        break;
      default:
        throw badRequest(
          `Invalid facet expression '${expression}': unknown option '${option_name}'.`,
          'UnsupportedParameter',
        );
    }
  }
  return spec;
}

export function computeFacet(spec: FacetSpec, documents: Document[]): FacetBucket[] {
  const type = spec.field.elementType;
  if (spec.values) return rangeBuckets(spec, documents);
  const counts = new Map<unknown, number>();
  for (const document of documents) {
    const values = valuesAt(document, spec.field.path);
    if (values.length === 1) {
      const value = bucketOf(spec, values[0]);
      counts.set(value, (counts.get(value) ?? 0) + 1);
      continue;
    }
    const distinct = new Set(values.map((value) => bucketOf(spec, value)));
    for (const value of distinct) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let buckets = [...counts].map(([value, count]) => ({ value, count }));
  const byValue = (a: { value: unknown }, b: { value: unknown }): number =>
    (comparable(a.value, type) as number) < (comparable(b.value, type) as number)
      ? -1
      : a.value === b.value
        ? 0
        : 1;
  if (spec.interval !== undefined) buckets.sort(byValue);
  else if (spec.sort === 'value') buckets.sort(byValue);
  else if (spec.sort === '-value') buckets.sort((a, b) => byValue(b, a));
  else
    buckets.sort((a, b) => (spec.sort === 'count' ? a.count - b.count : b.count - a.count) || byValue(a, b));
  if (spec.interval === undefined && spec.count > 0) buckets = buckets.slice(0, spec.count);
  return buckets;
}

function bucketOf(spec: FacetSpec, value: unknown): unknown {
  if (typeof spec.interval === 'number' && typeof value === 'number')
    return Math.floor(value / spec.interval) * spec.interval;
  if (typeof spec.interval === 'string' && typeof value === 'string')
    return formatDate(truncateDate(Date.parse(value), spec.interval));
  return value;
}

function truncateDate(epoch: number, unit: string): number {
  const date = new Date(epoch);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (unit) {
    case 'minute':
      return Date.UTC(y, m, d, date.getUTCHours(), date.getUTCMinutes());
    case 'hour':
      return Date.UTC(y, m, d, date.getUTCHours());
    case 'day':
      return Date.UTC(y, m, d);
    case 'week':
      return Date.UTC(y, m, d - ((date.getUTCDay() + 6) % 7)); // weeks start on Monday
    case 'month':
      return Date.UTC(y, m, 1);
    case 'quarter':
      return Date.UTC(y, m - (m % 3), 1);
    default:
      return Date.UTC(y, 0, 1);
  }
}

function rangeBuckets(spec: FacetSpec, documents: Document[]): FacetBucket[] {
  const type = spec.field.elementType;
  const bounds = spec.values!;
  const edges = bounds.map((bound) => comparable(bound, type) as number);
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const document of documents) {
    const hit = new Set<number>();
    for (const value of valuesAt(document, spec.field.path)) {
      const v = comparable(value, type) as number;
      let slot = edges.findIndex((edge) => v < edge);
      if (slot < 0) slot = edges.length;
      hit.add(slot);
    }
    for (const slot of hit) counts[slot]!++;
  }
  return counts.map((count, slot) => {
    const bucket: { from?: unknown; to?: unknown; count: number } = { count };
    if (slot > 0) bucket.from = bounds[slot - 1];
    if (slot < bounds.length) bucket.to = bounds[slot];
    return bucket;
  });
}
