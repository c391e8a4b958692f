/**
 * The emulator's one analyzer, close to Azure's default `standard.lucene`: Unicode word tokens (UAX #29 in
 * spirit: letters and digits, joined through inner apostrophes and dots as in "o'neil" or "example.com"),
 * lower-cased, no stemming and no stop words.
 */
export interface Token {
  term: string;
  start: number;
  end: number;
}

const wordPattern = /[\p{L}\p{N}_]+(?:['.][\p{L}\p{N}_]+)*/gu;

export function analyze(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(wordPattern)) {
    tokens.push({ term: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

export function terms(text: string): string[] {
  return analyze(text).map((token) => token.term);
}
