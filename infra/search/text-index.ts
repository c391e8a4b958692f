import MiniSearch from 'minisearch';
import { analyze, terms as analyzeTerms } from './analyzer.ts';
import { valuesAt, type Document } from './documents.ts';
import type { QueryNode } from './lucene-query.ts';
import type { SynonymMap } from './synonyms.ts';

/** The service's defaults for `#Microsoft.Azure.Search.BM25Similarity`. */
export const defaultBm25 = { k1: 1.2, b: 0.75 };

/** Per document: its relevance score. */
export type Scores = Map<string, number>;

export interface Evaluation {
  scores: Scores;
  /** Index terms the query matched (after prefix/fuzzy expansion), for highlighting. */
  matchedTerms: Set<string>;
}

/**
 * Full-text matching over an index's searchable fields. MiniSearch does what a search library is good at —
 * the inverted index, prefix and fuzzy term lookup, BM25 scoring per term — and this class composes its
 * per-term results with Lucene's boolean semantics (must/should/mustNot, phrases, boosts), which MiniSearch's
 * flat AND/OR cannot express.
 */
export class TextIndex {
  private readonly engine: MiniSearch<Document>;

  constructor(
    readonly searchableFields: string[],
    private readonly keyField: string,
    private readonly documentOf: (key: string) => Document | undefined,
    private readonly allKeys: () => Iterable<string>,
    bm25: { k1: number; b: number } = defaultBm25,
    /** The synonym map a field names, if any: its rules expand plain terms and phrases on that field. */
    private readonly synonymsOf: (field: string) => SynonymMap | undefined = () => undefined,
  ) {
    this.engine = new MiniSearch<Document>({
      fields: searchableFields.length > 0 ? searchableFields : ['__none__'],
      idField: keyField,
      extractField: (document, path) =>
        path === keyField
          ? document[keyField]
          : valuesAt(document, path)
              .filter((v) => typeof v === 'string')
              .join('\n'),
      tokenize: (text) => analyzeTerms(text),
      processTerm: (term) => term,
      // Lucene's BM25 (the service's ranking): MiniSearch's BM25+ with the + term (d) switched off.
      searchOptions: {
        tokenize: (text) => [text],
        processTerm: (term) => term,
        bm25: { k: bm25.k1, b: bm25.b, d: 0 },
      },
      autoVacuum: { minDirtCount: 1000, minDirtFactor: 0.2, batchSize: 1000, batchWait: 10 },
    });
  }

  add(document: Document): void {
    this.engine.add(document);
  }

  has(key: string): boolean {
    return this.engine.has(key);
  }

  remove(key: string): void {
    if (this.engine.has(key)) this.engine.discard(key);
  }

  /** Scores of the documents matching a parsed query, searching `defaultFields` where a term names none. */
  evaluate(node: QueryNode, defaultFields: string[]): Evaluation {
    const matchedTerms = new Set<string>();
    const scores = this.run(node, defaultFields, matchedTerms);
    return { scores, matchedTerms };
  }

  private run(node: QueryNode, defaultFields: string[], matched: Set<string>): Scores {
    const boost = node.boost ?? 1;
    switch (node.kind) {
      case 'all': {
        const scores: Scores = new Map();
        for (const key of this.allKeys()) scores.set(key, boost);
        return scores;
      }
      case 'term':
        if (node.prefix || node.fuzzy !== undefined || node.wildcard)
          return this.term(node, defaultFields, matched, boost);
        return this.withSynonyms([node.term], node.fields ?? defaultFields, matched, boost);
      case 'phrase':
        return this.withSynonyms(node.terms, node.fields ?? defaultFields, matched, boost);
      case 'bool':
        return this.bool(node, defaultFields, matched, boost);
    }
  }

  private term(
    node: QueryNode & { kind: 'term' },
    defaultFields: string[],
    matched: Set<string>,
    boost: number,
  ): Scores {
    const fields = node.fields ?? defaultFields;
    const scores: Scores = new Map();
    if (fields.length === 0) return scores;
    // Azure measures `~n` in Damerau-Levenshtein distance (a swap of neighbours is one edit); MiniSearch counts a
    // swap as two, so it looks one edit further and the terms beyond n are dropped below.
    const distance = node.fuzzy;
    const results = this.engine.search(node.term, {
      fields,
      prefix: node.prefix === true,
      fuzzy: distance ? distance + 1 : false,
      // Lucene gives expanded terms the query's weight; MiniSearch would discount them.
      weights: { fuzzy: 1, prefix: 1 },
      combineWith: 'OR',
    });
    for (const result of results) {
      let hits = result.terms as string[];
      if (distance) {
        hits = hits.filter((term) => transpositionDistance(node.term.toLowerCase(), term) <= distance);
        if (hits.length === 0) continue;
      }
      if (node.wildcard) {
        hits = hits.filter((term) => node.wildcard!.test(term));
        if (hits.length === 0) continue;
      }
      for (const term of hits) matched.add(term);
      scores.set(result.id as string, result.score * boost);
    }
    return scores;
  }

  /**
   * A plain term or phrase: on fields whose synonym map has a rule for it, its expansions are searched instead
   * (equivalents include the term itself, explicit mappings replace it); other fields search it as written.
   */
  private withSynonyms(words: string[], fields: string[], matched: Set<string>, boost: number): Scores {
    const asWritten: string[] = [];
    const expanded = new Map<string, string[][]>();
    for (const field of fields) {
      const alternatives = this.synonymsOf(field)?.rules.get(words.join(' '));
      if (alternatives) expanded.set(field, alternatives);
      else asWritten.push(field);
    }
    const search = (sequence: string[], on: string[]): Scores =>
      on.length === 0
        ? new Map()
        : sequence.length === 1
          ? this.term({ kind: 'term', term: sequence[0]! }, on, matched, boost)
          : this.phrase(sequence, on, matched, boost);
    if (expanded.size === 0) return search(words, fields);
    const scores = search(words, asWritten);
    for (const [field, alternatives] of expanded) {
      for (const alternative of alternatives) {
        for (const [key, score] of search(alternative, [field]))
          scores.set(key, (scores.get(key) ?? 0) + score);
      }
    }
    return scores;
  }

  private phrase(words: string[], fields: string[], matched: Set<string>, boost: number): Scores {
    let candidates: Scores | undefined;
    for (const word of words) {
      const scores = this.term({ kind: 'term', term: word, fields }, fields, new Set(), 1);
      candidates = candidates ? intersect(candidates, scores) : scores;
    }
    const out: Scores = new Map();
    for (const [key, score] of candidates ?? []) {
      const document = this.documentOf(key);
      if (!document) continue;
      const found = fields.some((field) =>
        valuesAt(document, field).some(
          (value) => typeof value === 'string' && containsSequence(value, words),
        ),
      );
      if (found) out.set(key, score * boost);
    }
    if (out.size > 0) for (const word of words) matched.add(word);
    return out;
  }

  private bool(
    node: QueryNode & { kind: 'bool' },
    defaultFields: string[],
    matched: Set<string>,
    boost: number,
  ): Scores {
    const must: Scores[] = [];
    const should: Scores[] = [];
    const mustNot: Scores[] = [];
    for (const clause of node.clauses) {
      const scores = this.run(clause.node, defaultFields, clause.occur === 'mustNot' ? new Set() : matched);
      (clause.occur === 'must' ? must : clause.occur === 'should' ? should : mustNot).push(scores);
    }
    let result: Scores;
    if (must.length > 0) {
      result = must.reduce((acc, next) => intersect(acc, next));
      for (const optional of should) {
        for (const [key, score] of optional) if (result.has(key)) result.set(key, result.get(key)! + score);
      }
    } else if (should.length > 0) {
      result = new Map();
      for (const optional of should)
        for (const [key, score] of optional) result.set(key, (result.get(key) ?? 0) + score);
    } else {
      // Only negative clauses: the service answers with every document not excluded, not with nothing.
      result = new Map();
      for (const key of this.allKeys()) result.set(key, 1);
    }
    for (const excluded of mustNot) for (const key of excluded.keys()) result.delete(key);
    if (boost !== 1) for (const [key, score] of result) result.set(key, score * boost);
    return result;
  }
}

function intersect(left: Scores, right: Scores): Scores {
  const out: Scores = new Map();
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  for (const [key, score] of small) {
    const other = large.get(key);
    if (other !== undefined) out.set(key, score + other);
  }
  return out;
}

function containsSequence(text: string, words: string[]): boolean {
  const tokens = analyze(text).map((token) => token.term);
  outer: for (let i = 0; i + words.length <= tokens.length; i++) {
    for (let j = 0; j < words.length; j++) if (tokens[i + j] !== words[j]) continue outer;
    return true;
  }
  return false;
}

/** Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, swap neighbours). */
export function transpositionDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  return rows[a.length]![b.length]!;
}
