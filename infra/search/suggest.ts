import { analyze, terms as analyzeTerms } from './analyzer.ts';
import { badRequest } from './errors.ts';
import { valuesAt, type Document } from './documents.ts';
import { highlightText } from './highlight.ts';
import type { QueryNode } from './lucene-query.ts';
import { orderComparator, parseFieldList, parseOrderBy } from './odata-orderby.ts';
import { checkParameters, filterPredicate, type SearchRequest } from './query.ts';
import type { SearchIndex } from './search-index.ts';

/**
 * Suggest and autocomplete over a suggester's source fields. Like the service's `analyzingInfixMatching`,
 * every query word matches the start of a word in the source fields (with `fuzzy`, up to one edit away).
 */
const common = [
  'search',
  'suggesterName',
  'filter',
  'fuzzy',
  'highlightPreTag',
  'highlightPostTag',
  'searchFields',
  'top',
];
const suggestParameters = new Set([...common, 'orderby', 'select']);
const autocompleteParameters = new Set([...common, 'autocompleteMode']);

interface Prepared {
  words: string[];
  fields: string[];
  keys: string[];
  matched: Set<string>;
  scores: Map<string, number>;
}

function prepare(index: SearchIndex, request: SearchRequest, known: Set<string>): Prepared {
  checkParameters(request, known);
  const search = request.search;
  if (typeof search !== 'string' || search.length < 1 || search.length > 100) {
    throw badRequest('The search text must be between 1 and 100 characters long.');
  }
  const suggester = (index.definition.suggesters ?? []).find(
    (candidate) => candidate.name === request.suggesterName,
  );
  if (!suggester) {
    throw badRequest(
      `The specified suggester name '${String(request.suggesterName)}' does not exist in this index definition.`,
    );
  }
  let fields = suggester.sourceFields;
  const restrict = parseFieldList(request.searchFields as string | undefined, index.fields, 'searchFields');
  if (restrict) {
    const outside = restrict.find((field) => !fields.includes(field));
    if (outside)
      throw badRequest(
        `The field '${outside}' in searchFields is not a source field of suggester '${suggester.name}'.`,
      );
    fields = restrict;
  }
  const words = analyzeTerms(search);
  const fuzzy = request.fuzzy === true ? 1 : undefined;
  const query: QueryNode =
    words.length === 0
      ? { kind: 'bool', clauses: [] }
      : {
          kind: 'bool',
          clauses: words.map((term) => ({
            occur: 'must',
            node: { kind: 'term', term, prefix: true, fuzzy },
          })),
        };
  const { scores, matchedTerms } =
    words.length === 0
      ? { scores: new Map<string, number>(), matchedTerms: new Set<string>() }
      : index.text.evaluate(query, fields);
  const predicate = filterPredicate(index, request.filter as string | undefined);
  const keys = [...scores.keys()].filter((key) => !predicate || predicate(key, index.documents.get(key)!));
  keys.sort((a, b) => scores.get(b)! - scores.get(a)!);
  return { words, fields, keys, matched: matchedTerms, scores };
}

function limit(request: SearchRequest): number {
  const top = (request.top as number | undefined) ?? 5;
  if (!Number.isInteger(top) || top < 1 || top > 100)
    throw badRequest(`Invalid top '${String(top)}': it must be between 1 and 100.`);
  return top;
}

export function executeSuggest(index: SearchIndex, request: SearchRequest): { value: Document[] } {
  const top = limit(request);
  const { fields, keys, matched, scores } = prepare(index, request, suggestParameters);
  if (request.orderby) {
    const order = parseOrderBy(request.orderby as string, index.fields);
    keys.sort(
      orderComparator(
        order,
        (key) => ({
          key,
          bindings: new Map(),
          fields: index.fields,
          matches: () => new Set(),
          score: scores.get(key),
        }),
        (key) => index.documents.get(key)!,
      ),
    );
  }
  const select = parseFieldList(request.select as string | undefined, index.fields, 'select') ?? [
    index.keyField,
  ];
  const pre = request.highlightPreTag as string | undefined;
  const post = request.highlightPostTag as string | undefined;
  if ((pre === undefined) !== (post === undefined))
    throw badRequest('highlightPreTag and highlightPostTag must be given together.');
  const value = keys.slice(0, top).map((key) => {
    const document = index.documents.get(key)!;
    const text = suggestionText(document, fields, matched);
    const shown = pre !== undefined ? (highlightText(text, matched, pre, post!, 10_000) ?? text) : text;
    return { '@search.text': shown, ...index.project(key, select) };
  });
  return { value };
}

function suggestionText(document: Document, fields: string[], matched: Set<string>): string {
  let fallback: string | undefined;
  for (const field of fields) {
    for (const value of valuesAt(document, field)) {
      if (typeof value !== 'string') continue;
      fallback ??= value;
      if (analyze(value).some((token) => matched.has(token.term))) return value;
    }
  }
  return fallback ?? '';
}

export function executeAutocomplete(
  index: SearchIndex,
  request: SearchRequest,
): { value: { text: string; queryPlusText: string }[] } {
  const top = limit(request);
  const mode = (request.autocompleteMode as string | undefined) ?? 'oneTerm';
  if (!['oneTerm', 'twoTerms', 'oneTermWithContext'].includes(mode))
    throw badRequest(`Invalid autocompleteMode '${mode}'.`);
  const { words, fields, keys, matched } = prepare(index, request, autocompleteParameters);
  const last = words[words.length - 1];
  if (last === undefined) return { value: [] };
  const before = words.slice(0, -1);
  const counts = new Map<string, number>();
  for (const key of keys) {
    const seen = new Set<string>();
    const document = index.documents.get(key)!;
    for (const field of fields) {
      for (const value of valuesAt(document, field)) {
        if (typeof value !== 'string') continue;
        const tokens = analyze(value).map((token) => token.term);
        tokens.forEach((token, i) => {
          if (!(token.startsWith(last) || (request.fuzzy === true && matched.has(token)))) return;
          if (
            mode === 'oneTermWithContext' &&
            before.length > 0 &&
            tokens[i - 1] !== before[before.length - 1]
          )
            return;
          const completion = mode === 'twoTerms' && tokens[i + 1] ? `${token} ${tokens[i + 1]}` : token;
          seen.add(
            mode === 'oneTermWithContext' && before.length > 0
              ? `${before[before.length - 1]} ${completion}`
              : completion,
          );
        });
      }
    }
    for (const completion of seen) counts.set(completion, (counts.get(completion) ?? 0) + 1);
  }
  const prefixWords = mode === 'oneTermWithContext' ? before.slice(0, -1) : before;
  const value = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([text]) => ({ text, queryPlusText: [...prefixWords, text].join(' ') }));
  return { value };
}
