import { badRequest } from './errors.ts';
import type { Document } from './documents.ts';
import {
  comparable,
  FilterParser,
  resolveValue,
  type EvaluationScope,
  type ValueNode,
} from './odata-filter.ts';
import { tokenizeOData, TokenStream } from './odata-lexer.ts';
import type { ResolvedField } from './schema.ts';

/** One `$orderby` clause: a sortable field, `search.score()` or `geo.distance(…)`, ascending unless `desc`. */
export interface OrderClause {
  value: ValueNode;
  descending: boolean;
  fieldType?: string;
}

export function parseOrderBy(text: string, fields: Map<string, ResolvedField>): OrderClause[] {
  const stream = new TokenStream(tokenizeOData(text, '$orderby'), '$orderby');
  const parser = new FilterParser(stream, { fields, attribute: 'sortable' });
  const clauses: OrderClause[] = [];
  for (;;) {
    const value = parser.parseValue(new Map());
    if (value.kind === 'literal') throw stream.error('expected a field, search.score() or geo.distance()');
    if (value.kind === 'field' && fields.get(value.path)?.multiValued) {
      throw badRequest(
        `Invalid expression in $orderby: the field '${value.path}' is a collection and cannot be sorted.`,
      );
    }
    let descending = false;
    if (stream.isKeyword('desc') || stream.isKeyword('asc'))
      descending = (stream.next() as { value: string }).value === 'desc';
    clauses.push({
      value,
      descending,
      fieldType: value.kind === 'field' ? fields.get(value.path)?.elementType : undefined,
    });
    if (stream.peek().type === 'end') break;
    stream.expectPunctuation(',');
  }
  if (clauses.length > 32)
    throw badRequest('Invalid expression in $orderby: at most 32 clauses are allowed.');
  return clauses;
}

/** Comparator over documents: nulls first when ascending (as the service sorts), ties keep relevance order. */
export function orderComparator(
  clauses: OrderClause[],
  scopeOf: (key: string) => EvaluationScope,
  documentOf: (key: string) => Document,
): (a: string, b: string) => number {
  const cache = new Map<string, unknown[]>();
  const keyOf = (key: string): unknown[] => {
    let values = cache.get(key);
    if (!values) {
      const scope = scopeOf(key);
      values = clauses.map((clause) =>
        comparable(resolveValue(clause.value, documentOf(key), scope), clause.fieldType),
      );
      cache.set(key, values);
    }
    return values;
  };
  return (a, b) => {
    const left = keyOf(a);
    const right = keyOf(b);
    for (let i = 0; i < clauses.length; i++) {
      const order = compareSortable(left[i], right[i]);
      if (order !== 0) return clauses[i]!.descending ? -order : order;
    }
    return 0;
  };
}

function compareSortable(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === null || left === undefined) return -1;
  if (right === null || right === undefined) return 1;
  if (typeof left === 'boolean' && typeof right === 'boolean') return left ? 1 : -1;
  return (left as number | string) < (right as number | string) ? -1 : 1;
}

/** `$select` / `searchFields` / `highlight`: comma-separated field paths, each checked against the index. */
export function parseFieldList(
  text: string | undefined,
  fields: Map<string, ResolvedField>,
  parameter: string,
  check?: (field: ResolvedField) => string | undefined,
): string[] | undefined {
  if (text === undefined || text === null || text.trim() === '' || text.trim() === '*') return undefined;
  return text.split(',').map((raw) => {
    const path = raw.trim();
    const field = fields.get(path);
    if (!field)
      throw badRequest(`Invalid ${parameter}: Could not find a property named '${path}' on the index.`);
    const problem = check?.(field);
    if (problem) throw badRequest(`Invalid ${parameter}: the field '${path}' ${problem}.`);
    return path;
  });
}
