import { badRequest, unsupported } from './errors.ts';
import { terms as analyzeTerms } from './analyzer.ts';

/**
 * Azure's two query languages parsed into one tree: `simple` (Lucene's SimpleQueryParser: `+ | - " * ( )`)
 * and `full` (Lucene's classic QueryParser: AND/OR/NOT, `+`/`-`, `field:`, `~` fuzzy, `^` boost, wildcards).
 * Clause semantics follow Lucene's, because that is what the service runs.
 */
export type QueryNode =
  | { kind: 'all'; boost?: number }
  | {
      kind: 'term';
      term: string;
      fields?: string[];
      prefix?: boolean;
      fuzzy?: number;
      /** `te?t`, `t*t`: matched against whole terms after a prefix lookup. */
      wildcard?: RegExp;
      boost?: number;
    }
  | { kind: 'phrase'; terms: string[]; fields?: string[]; boost?: number }
  | { kind: 'bool'; clauses: Clause[]; boost?: number };

export type Occur = 'must' | 'should' | 'mustNot';
export interface Clause {
  occur: Occur;
  node: QueryNode;
}

export type QueryType = 'simple' | 'full';
export type SearchMode = 'any' | 'all';

type Conj = 'none' | 'and' | 'or';
type Mod = 'none' | 'plus' | 'not';

export function parseSearchQuery(
  text: string | undefined,
  queryType: QueryType,
  mode: SearchMode,
): QueryNode {
  const trimmed = (text ?? '').trim();
  if (trimmed === '' || trimmed === '*') return { kind: 'all' };
  const parser = new Parser(trimmed, queryType, mode);
  const node = parser.parseClauses(false);
  return node;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly queryType: QueryType,
    private readonly mode: SearchMode,
  ) {}

  private get full(): boolean {
    return this.queryType === 'full';
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** Lucene's `addClause`: how a conjunction and a modifier turn into a clause's occur. */
  private addClause(clauses: Clause[], conj: Conj, mod: Mod, node: QueryNode): void {
    const defaultAnd = this.mode === 'all';
    const last = clauses[clauses.length - 1];
    if (last && conj === 'and' && last.occur !== 'mustNot') last.occur = 'must';
    if (last && defaultAnd && conj === 'or' && last.occur !== 'mustNot') last.occur = 'should';
    let required: boolean;
    let prohibited: boolean;
    if (!defaultAnd) {
      required = mod === 'plus';
      prohibited = mod === 'not';
      if (conj === 'and' && !prohibited) required = true;
    } else {
      prohibited = mod === 'not';
      required = !prohibited && conj !== 'or';
    }
    if (prohibited && !this.full) {
      // SimpleQueryParser negates as "everything except x" and keeps the default occur: with searchMode=any,
      // `wifi -luxury` means "wifi OR NOT luxury" — the service documents exactly this behaviour.
      node = {
        kind: 'bool',
        clauses: [
          { occur: 'must', node: { kind: 'all' } },
          { occur: 'mustNot', node },
        ],
      };
      prohibited = false;
      required = required || mod === 'plus' || defaultAnd;
    }
    clauses.push({ occur: prohibited ? 'mustNot' : required ? 'must' : 'should', node });
  }

  parseClauses(nested: boolean, fields?: string[]): QueryNode {
    const clauses: Clause[] = [];
    let conj: Conj = 'none';
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) break;
      const rest = this.text.slice(this.pos);
      if (rest[0] === ')') {
        if (!nested) throw badRequest(`Invalid search expression: unbalanced ')' at position ${this.pos}.`);
        break;
      }
      if (this.full && /^(AND|&&)(?=[\s(]|$)/.test(rest)) {
        conj = 'and';
        this.pos += rest.startsWith('&&') ? 2 : 3;
        continue;
      }
      if (this.full && /^(OR|\|\|)(?=[\s(]|$)/.test(rest)) {
        conj = 'or';
        this.pos += 2;
        continue;
      }
      if (!this.full && /^\+(?=\s)/.test(rest)) {
        conj = 'and';
        this.pos += 1;
        continue;
      }
      if (!this.full && rest[0] === '|') {
        conj = 'or';
        this.pos += 1;
        continue;
      }
      let mod: Mod = 'none';
      if (rest[0] === '+') {
        mod = 'plus';
        this.pos++;
      } else if (rest[0] === '-' || (this.full && rest[0] === '!')) {
        mod = 'not';
        this.pos++;
      } else if (this.full && /^NOT(?=[\s(]|$)/.test(rest)) {
        mod = 'not';
        this.pos += 3;
      }
      this.skipSpace();
      const node = this.parseClause(fields);
      if (node) this.addClause(clauses, conj, mod, node);
      conj = 'none';
    }
    if (nested) {
      if (this.text[this.pos] !== ')') throw badRequest("Invalid search expression: missing ')'.");
      this.pos++;
    }
    if (clauses.length === 1 && clauses[0]!.occur !== 'mustNot') return clauses[0]!.node;
    return { kind: 'bool', clauses };
  }

  private parseClause(fields?: string[]): QueryNode | undefined {
    const rest = this.text.slice(this.pos);
    if (this.full) {
      const fielded = /^([A-Za-z][A-Za-z0-9_/]*):/.exec(rest);
      if (fielded) {
        this.pos += fielded[0].length;
        return this.parseClause([fielded[1]!]);
      }
      if (rest[0] === '[' || rest[0] === '{')
        throw unsupported('search', 'range queries ([a TO b]) are not emulated');
      if (rest[0] === '/') throw unsupported('search', 'regular-expression queries (/…/) are not emulated');
    }
    if (rest[0] === '(') {
      this.pos++;
      const node = this.parseClauses(true, fields);
      return this.applySuffixes(node);
    }
    if (rest[0] === '"') {
      const end = this.findClosingQuote(this.pos + 1);
      const phraseText = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      const words = analyzeTerms(phraseText);
      if (this.full && this.text[this.pos] === '~') this.readNumberAfter('~'); // proximity: matched as a phrase
      const node: QueryNode =
        words.length === 1
          ? { kind: 'term', term: words[0]!, fields }
          : { kind: 'phrase', terms: words, fields };
      return words.length === 0 ? undefined : this.applySuffixes(node);
    }
    return this.parseTerm(fields);
  }

  private findClosingQuote(from: number): number {
    for (let i = from; i < this.text.length; i++) {
      if (this.text[i] === '\\') i++;
      else if (this.text[i] === '"') return i;
    }
    throw badRequest('Invalid search expression: unterminated phrase (missing closing quote).');
  }

  private parseTerm(fields?: string[]): QueryNode | undefined {
    let raw = '';
    const stop = this.full ? /[\s()"^~:]/ : /[\s()"|]/;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === '\\' && this.pos + 1 < this.text.length) {
        raw += this.text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (stop.test(ch)) break;
      raw += ch;
      this.pos++;
    }
    if (raw === '') {
      this.pos++; // a stray operator character: skip it, as the service's lenient parser does
      return undefined;
    }
    let node: QueryNode | undefined;
    const wildcardAt = raw.search(/[*?]/);
    if (raw === '*') node = { kind: 'all' };
    else if (wildcardAt >= 0 && raw.indexOf('*') === raw.length - 1 && !raw.includes('?')) {
      const term = raw.slice(0, -1).toLowerCase();
      node = term ? { kind: 'term', term, fields, prefix: true } : { kind: 'all' };
    } else if (wildcardAt >= 0) {
      if (!this.full) {
        node = this.analyzed(raw.replace(/[*?]/g, ' '), fields);
      } else {
        if (wildcardAt === 0) throw unsupported('search', 'a wildcard cannot start a term');
        const lower = raw.toLowerCase();
        const pattern = lower
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.');
        node = {
          kind: 'term',
          term: lower.slice(0, wildcardAt),
          fields,
          prefix: true,
          wildcard: new RegExp(`^${pattern}$`),
        };
      }
    } else {
      node = this.analyzed(raw, fields);
    }
    if (!node) return undefined;
    if (this.full && this.text[this.pos] === '~' && node.kind === 'term') {
      const distance = this.readNumberAfter('~');
      node.fuzzy = distance === undefined ? 2 : Math.min(2, Math.max(0, Math.round(distance)));
    }
    return this.applySuffixes(node);
  }

  /** A term the analyzer splits ("e-mail") becomes the default-operator combination of its parts. */
  private analyzed(raw: string, fields?: string[]): QueryNode | undefined {
    const words = analyzeTerms(raw);
    if (words.length === 0) return undefined;
    if (words.length === 1) return { kind: 'term', term: words[0]!, fields };
    const occur: Occur = this.mode === 'all' ? 'must' : 'should';
    return { kind: 'bool', clauses: words.map((term) => ({ occur, node: { kind: 'term', term, fields } })) };
  }

  private applySuffixes(node: QueryNode): QueryNode {
    if (this.full && this.text[this.pos] === '^') {
      const boost = this.readNumberAfter('^');
      if (boost === undefined) throw badRequest('Invalid search expression: ^ must be followed by a number.');
      node.boost = boost;
    }
    return node;
  }

  private readNumberAfter(symbol: string): number | undefined {
    if (this.text[this.pos] !== symbol) return undefined;
    this.pos++;
    const match = /^\d+(?:\.\d+)?/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return Number(match[0]);
  }
}
