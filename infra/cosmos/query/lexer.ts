import { QueryError } from '../errors.ts';

export type TokenType = 'ident' | 'keyword' | 'number' | 'string' | 'param' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** Keywords are upper-cased; identifiers keep their case. */
  text: string;
  value?: unknown;
  start: number;
  end: number;
}

const keywords = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'LIKE',
  'ESCAPE',
  'TOP',
  'DISTINCT',
  'VALUE',
  'AS',
  'JOIN',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'GROUP',
  'OFFSET',
  'LIMIT',
  'TRUE',
  'FALSE',
  'NULL',
  'UNDEFINED',
  'EXISTS',
  'ARRAY',
  'UDF',
]);

// Longest first, so that `>>>` wins over `>>` and `>`.
const punctuation = [
  '>>>',
  '<<',
  '>>',
  '<=',
  '>=',
  '<>',
  '!=',
  '||',
  '??',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  ':',
  '?',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
];

const escapes: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '/': '/',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_$]/.test(ch)) {
      while (i < text.length && /[A-Za-z0-9_$]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      const upper = word.toUpperCase();
      tokens.push(
        keywords.has(upper)
          ? { type: 'keyword', text: upper, start, end: i }
          : { type: 'ident', text: word, start, end: i },
      );
      continue;
    }
    if (ch === '@') {
      i++;
      while (i < text.length && /[A-Za-z0-9_$]/.test(text[i]!)) i++;
      tokens.push({ type: 'param', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      if (ch === '0' && /[xX]/.test(text[i + 1] ?? '')) {
        i += 2;
        while (i < text.length && /[0-9a-fA-F]/.test(text[i]!)) i++;
      } else {
        while (i < text.length && /[0-9]/.test(text[i]!)) i++;
        if (text[i] === '.' && /[0-9]/.test(text[i + 1] ?? '')) {
          i++;
          while (i < text.length && /[0-9]/.test(text[i]!)) i++;
        }
        if (/[eE]/.test(text[i] ?? '') && /[-+0-9]/.test(text[i + 1] ?? '')) {
          i += 2;
          while (i < text.length && /[0-9]/.test(text[i]!)) i++;
        }
      }
      const literal = text.slice(start, i);
      tokens.push({ type: 'number', text: literal, value: Number(literal), start, end: i });
      continue;
    }
    if (ch === "'" || ch === '"') {
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw new QueryError('Syntax error, unterminated string literal.', start, i);
        const c = text[i]!;
        if (c === ch) break;
        if (c === '\\') {
          const next = text[i + 1] ?? '';
          if (next === 'u') {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          value += escapes[next] ?? next;
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ type: 'string', text: text.slice(start, i), value, start, end: i });
      continue;
    }
    const punct = punctuation.find((p) => text.startsWith(p, i));
    if (!punct) throw new QueryError(`Syntax error, invalid token '${ch}'.`, start, start + 1);
    i += punct.length;
    tokens.push({ type: 'punct', text: punct, start, end: i });
  }
  tokens.push({ type: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}
