import { badRequest } from './errors.ts';

/** Tokens of Azure's OData subset ($filter, $orderby): paths, literals, keywords and punctuation. */
export type ODataToken =
  | { type: 'identifier'; value: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'datetime'; value: number; at: number }
  | { type: 'geography'; value: { lon: number; lat: number }; at: number }
  /** `geography'POLYGON((lon lat, …))'`: one closed ring, as `[lon, lat]` pairs. */
  | { type: 'polygon'; value: [number, number][]; at: number }
  | { type: 'punctuation'; value: '(' | ')' | ',' | ':'; at: number }
  | { type: 'end'; at: number };

const datetimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/;
const numberPattern = /^-?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/;
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)*/;
const pointPattern = /^geography'POINT\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)'/i;
const polygonPattern = /^geography'POLYGON\s*\(\(([^()']*)\)\)'/i;

export function tokenizeOData(text: string, parameter: string): ODataToken[] {
  const tokens: ODataToken[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos]!;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    const rest = text.slice(pos);
    if (ch === '(' || ch === ')' || ch === ',' || ch === ':') {
      tokens.push({ type: 'punctuation', value: ch, at: pos });
      pos++;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let i = pos + 1;
      for (;;) {
        if (i >= text.length)
          throw badRequest(`Invalid ${parameter}: unterminated string literal at position ${pos}.`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ type: 'string', value, at: pos });
      pos = i + 1;
      continue;
    }
    const point = pointPattern.exec(rest);
    if (point) {
      tokens.push({ type: 'geography', value: { lon: Number(point[1]), lat: Number(point[2]) }, at: pos });
      pos += point[0].length;
      continue;
    }
    const polygon = polygonPattern.exec(rest);
    if (polygon) {
      tokens.push({ type: 'polygon', value: parseRing(polygon[1]!, parameter), at: pos });
      pos += polygon[0].length;
      continue;
    }
    if (/^geography'/i.test(rest)) {
      throw badRequest(
        `Invalid ${parameter}: only geography'POINT(lon lat)' and geography'POLYGON((lon lat, …))' literals are supported.`,
      );
    }
    const datetime = datetimePattern.exec(rest);
    if (datetime) {
      tokens.push({ type: 'datetime', value: Date.parse(datetime[0]), at: pos });
      pos += datetime[0].length;
      continue;
    }
    const number = numberPattern.exec(rest);
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]), at: pos });
      pos += number[0].length;
      continue;
    }
    const identifier = identifierPattern.exec(rest);
    if (identifier) {
      tokens.push({ type: 'identifier', value: identifier[0], at: pos });
      pos += identifier[0].length;
      continue;
    }
    throw badRequest(`Invalid ${parameter}: unexpected character '${ch}' at position ${pos}.`);
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

/** A polygon's ring: at least four `lon lat` points, the last equal to the first (the service's rule). */
function parseRing(text: string, parameter: string): [number, number][] {
  const points = text.split(',').map((pair) => pair.trim().split(/\s+/).map(Number) as [number, number]);
  const [first, last] = [points[0], points[points.length - 1]];
  if (
    points.length < 4 ||
    points.some((point) => point.length !== 2 || point.some((n) => !Number.isFinite(n))) ||
    first![0] !== last![0] ||
    first![1] !== last![1]
  ) {
    throw badRequest(
      `Invalid ${parameter}: a geography POLYGON needs at least 4 'lon lat' points and must be closed (its last point equal to its first).`,
    );
  }
  return points;
}

/** A cursor over tokens with the small helpers a recursive-descent parser needs. */
export class TokenStream {
  private index = 0;
  constructor(
    private readonly tokens: ODataToken[],
    readonly parameter: string,
  ) {}

  peek(offset = 0): ODataToken {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  next(): ODataToken {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.type === 'identifier' && token.value === word;
  }

  isPunctuation(value: string): boolean {
    const token = this.peek();
    return token.type === 'punctuation' && token.value === value;
  }

  expectPunctuation(value: string): void {
    const token = this.next();
    if (token.type !== 'punctuation' || token.value !== value) throw this.error(`expected '${value}'`, token);
  }

  error(what: string, token: ODataToken = this.peek()): Error {
    const found = token.type === 'end' ? 'the end of the expression' : `position ${token.at}`;
    return badRequest(`Invalid expression in ${this.parameter}: ${what} at ${found}.`);
  }
}
