import { QueryError } from '../errors.ts';
import type { Expr, FromSource, OrderByItem, Query, SelectClause, SelectItem } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

/**
 * A recursive-descent parser for Cosmos DB's SQL. Precedence, loosest first: `?:`, `??`, OR, AND, NOT,
 * comparison / IN / BETWEEN / LIKE, `|`, `^`, `&`, shifts, `+ - ||`, `* / %`, unary, member access.
 */
export function parseQuery(text: string): Query {
  const parser = new Parser(text);
  const query = parser.query();
  parser.expectEnd();
  return query;
}

/** Parses a stand-alone predicate such as a patch condition's `FROM c WHERE …`. */
export function parseCondition(text: string): Query {
  const trimmed = text.trim();
  return parseQuery(/^select\b/i.test(trimmed) ? trimmed : `SELECT * ${trimmed}`);
}

const comparison = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  private get current(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.current;
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.tokens[this.index + offset];
    return token?.type === 'keyword' && token.text === word;
  }

  private isPunct(text: string): boolean {
    return this.current.type === 'punct' && this.current.text === text;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.index++;
    return true;
  }

  private acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.index++;
    return true;
  }

  private fail(token: Token = this.current): never {
    const near = token.type === 'eof' ? 'end of input' : `'${token.text}'`;
    throw new QueryError(
      `Syntax error, incorrect syntax near ${near}.`,
      token.start,
      Math.max(token.end, token.start + 1),
    );
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) this.fail();
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) this.fail();
  }

  expectEnd(): void {
    if (this.current.type !== 'eof') this.fail();
  }

  private identifier(): string {
    const token = this.current;
    if (token.type !== 'ident') this.fail();
    this.index++;
    return token.text;
  }

  query(): Query {
    this.expectKeyword('SELECT');
    const select = this.selectClause();
    const query: Query = { select, from: [] };
    if (this.acceptKeyword('FROM')) {
      query.from.push(this.fromSource());
      while (this.acceptKeyword('JOIN')) query.from.push(this.fromSource());
    }
    if (this.acceptKeyword('WHERE')) query.where = this.expression();
    if (this.isKeyword('GROUP')) {
      this.next();
      this.expectKeyword('BY');
      query.groupBy = this.list(() => this.expression());
    }
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      query.orderBy = this.list((): OrderByItem => {
        const expr = this.expression();
        if (this.acceptKeyword('DESC')) return { expr, descending: true };
        this.acceptKeyword('ASC');
        return { expr, descending: false };
      });
    }
    if (this.acceptKeyword('OFFSET')) {
      query.offset = this.primary();
      this.expectKeyword('LIMIT');
      query.limit = this.primary();
    }
    return query;
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.acceptPunct(',')) items.push(item());
    return items;
  }

  private selectClause(): SelectClause {
    const clause: SelectClause = { distinct: false, star: false, items: [] };
    if (this.acceptKeyword('DISTINCT')) clause.distinct = true;
    if (this.acceptKeyword('TOP')) clause.top = this.primary();
    if (this.acceptKeyword('VALUE')) {
      clause.value = this.expression();
    } else if (this.acceptPunct('*')) {
      clause.star = true;
    } else {
      clause.items = this.list((): SelectItem => {
        const expr = this.expression();
        if (this.acceptKeyword('AS')) return { expr, alias: this.aliasName() };
        if (this.current.type === 'ident') return { expr, alias: this.identifier() };
        return { expr };
      });
    }
    return clause;
  }

  /** Aliases may be keywords in the output (`AS value` is common), so accept any word. */
  private aliasName(): string {
    const token = this.current;
    if (token.type !== 'ident' && token.type !== 'keyword') this.fail();
    this.index++;
    return token.type === 'keyword' ? token.text.toLowerCase() : token.text;
  }

  private fromSource(): FromSource {
    if (this.current.type === 'ident' && this.isKeyword('IN', 1)) {
      const alias = this.identifier();
      this.next();
      return { kind: 'iterate', alias, expr: this.postfix() };
    }
    const expr = this.postfix();
    let alias: string | undefined;
    if (this.acceptKeyword('AS')) alias = this.identifier();
    else if (this.current.type === 'ident') alias = this.identifier();
    if (!alias) alias = implicitName(expr);
    if (!alias) this.fail();
    return { kind: 'alias', alias, expr };
  }

  expression(): Expr {
    const condition = this.coalesce();
    if (this.acceptPunct('?')) {
      const then = this.expression();
      this.expectPunct(':');
      const otherwise = this.expression();
      return { kind: 'ternary', condition, then, otherwise };
    }
    return condition;
  }

  private coalesce(): Expr {
    let left = this.or();
    while (this.acceptPunct('??')) left = { kind: 'binary', op: '??', left, right: this.or() };
    return left;
  }

  private or(): Expr {
    let left = this.and();
    while (this.acceptKeyword('OR')) left = { kind: 'binary', op: 'OR', left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.acceptKeyword('AND')) left = { kind: 'binary', op: 'AND', left, right: this.not() };
    return left;
  }

  private not(): Expr {
    if (this.acceptKeyword('NOT')) return { kind: 'unary', op: 'NOT', operand: this.not() };
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.bitOr();
    for (;;) {
      const token = this.current;
      if (token.type === 'punct' && comparison.has(token.text)) {
        this.next();
        left = { kind: 'binary', op: token.text === '<>' ? '!=' : token.text, left, right: this.bitOr() };
        continue;
      }
      const not =
        this.isKeyword('NOT') &&
        (this.isKeyword('IN', 1) || this.isKeyword('BETWEEN', 1) || this.isKeyword('LIKE', 1));
      if (not) this.next();
      if (this.acceptKeyword('IN')) {
        this.expectPunct('(');
        const list = this.list(() => this.expression());
        this.expectPunct(')');
        left = { kind: 'in', value: left, list, not };
      } else if (this.acceptKeyword('BETWEEN')) {
        const low = this.bitOr();
        this.expectKeyword('AND');
        left = { kind: 'between', value: left, low, high: this.bitOr(), not };
      } else if (this.acceptKeyword('LIKE')) {
        const pattern = this.bitOr();
        const escape = this.acceptKeyword('ESCAPE') ? this.bitOr() : undefined;
        left = { kind: 'like', value: left, pattern, escape, not };
      } else {
        if (not) this.fail();
        return left;
      }
    }
  }

  private binaryLevel(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const token = this.current;
      if (token.type !== 'punct' || !ops.includes(token.text)) return left;
      this.next();
      left = { kind: 'binary', op: token.text, left, right: operand() };
    }
  }

  private bitOr(): Expr {
    return this.binaryLevel(['|'], () => this.bitXor());
  }
  private bitXor(): Expr {
    return this.binaryLevel(['^'], () => this.bitAnd());
  }
  private bitAnd(): Expr {
    return this.binaryLevel(['&'], () => this.shift());
  }
  private shift(): Expr {
    return this.binaryLevel(['<<', '>>', '>>>'], () => this.additive());
  }
  private additive(): Expr {
    return this.binaryLevel(['+', '-', '||'], () => this.multiplicative());
  }
  private multiplicative(): Expr {
    return this.binaryLevel(['*', '/', '%'], () => this.unary());
  }

  private unary(): Expr {
    const token = this.current;
    if (token.type === 'punct' && (token.text === '-' || token.text === '+' || token.text === '~')) {
      this.next();
      const operand = this.unary();
      if (token.text === '-' && operand.kind === 'literal' && typeof operand.value === 'number') {
        return { kind: 'literal', value: -operand.value };
      }
      return { kind: 'unary', op: token.text, operand };
    }
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'unary', op: 'NOT', operand: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let expr = this.primary();
    for (;;) {
      if (this.acceptPunct('.')) {
        const token = this.next();
        if (token.type !== 'ident' && token.type !== 'keyword') this.fail(token);
        expr = {
          kind: 'member',
          object: expr,
          property: { kind: 'literal', value: token.text },
          computed: false,
          name: token.text,
        };
      } else if (this.acceptPunct('[')) {
        const property = this.expression();
        this.expectPunct(']');
        const name =
          property.kind === 'literal' && typeof property.value === 'string' ? property.value : undefined;
        expr = { kind: 'member', object: expr, property, computed: true, name };
      } else {
        return expr;
      }
    }
  }

  primary(): Expr {
    const token = this.current;
    switch (token.type) {
      case 'number':
      case 'string':
        this.next();
        return { kind: 'literal', value: token.value };
      case 'param':
        this.next();
        return { kind: 'param', name: token.text, start: token.start };
      case 'ident': {
        this.next();
        if (this.isPunct('('))
          return {
            kind: 'call',
            name: token.text.toLowerCase(),
            args: this.arguments(),
            udf: false,
            start: token.start,
          };
        return { kind: 'ident', name: token.text, start: token.start };
      }
      case 'keyword':
        return this.keywordPrimary(token);
      case 'punct':
        return this.punctPrimary(token);
      default:
        return this.fail();
    }
  }

  private keywordPrimary(token: Token): Expr {
    switch (token.text) {
      case 'TRUE':
        this.next();
        return { kind: 'literal', value: true };
      case 'FALSE':
        this.next();
        return { kind: 'literal', value: false };
      case 'NULL':
        this.next();
        return { kind: 'literal', value: null };
      case 'UNDEFINED':
        this.next();
        return { kind: 'literal', value: undefined };
      case 'EXISTS':
      case 'ARRAY': {
        this.next();
        this.expectPunct('(');
        const query = this.query();
        this.expectPunct(')');
        return { kind: 'subquery', query, mode: token.text === 'EXISTS' ? 'exists' : 'array' };
      }
      case 'UDF': {
        this.next();
        this.expectPunct('.');
        const name = this.identifier();
        return { kind: 'call', name, args: this.arguments(), udf: true, start: token.start };
      }
      default:
        return this.fail();
    }
  }

  private punctPrimary(token: Token): Expr {
    if (token.text === '(') {
      this.next();
      if (this.isKeyword('SELECT')) {
        const query = this.query();
        this.expectPunct(')');
        return { kind: 'subquery', query, mode: 'scalar' };
      }
      const inner = this.expression();
      this.expectPunct(')');
      return inner;
    }
    if (token.text === '[') {
      this.next();
      const items = this.isPunct(']') ? [] : this.list(() => this.expression());
      this.expectPunct(']');
      return { kind: 'array', items };
    }
    if (token.text === '{') {
      this.next();
      const props = this.isPunct('}')
        ? []
        : this.list(() => {
            const keyToken = this.next();
            if (keyToken.type !== 'ident' && keyToken.type !== 'string' && keyToken.type !== 'keyword')
              this.fail(keyToken);
            const key = keyToken.type === 'string' ? String(keyToken.value) : keyToken.text;
            this.expectPunct(':');
            return { key, value: this.expression() };
          });
      this.expectPunct('}');
      return { kind: 'object', props };
    }
    return this.fail();
  }

  private arguments(): Expr[] {
    this.expectPunct('(');
    if (this.acceptPunct(')')) return [];
    const args = this.list(() => this.expression());
    this.expectPunct(')');
    return args;
  }
}

/** The name Cosmos DB gives a FROM source or projected value that has no alias: its last property name. */
export function implicitName(expr: Expr): string | undefined {
  if (expr.kind === 'ident') return expr.name;
  if (expr.kind === 'member') return expr.name;
  return undefined;
}
