import { DataException } from './schema.ts';

/**
 * A JSON tree that keeps what `JSON.parse` loses and Jackson keeps: integers stay integers (`bigint`, any size)
 * and numbers written with a fraction or exponent stay doubles (`JsonDouble`, with their lexeme, which
 * `decimal.format=NUMERIC` needs exactly). Objects are `Map`s in document order; a repeated key keeps the last value,
 * as Jackson's ObjectNode does.
 */
export type JsonNode = null | boolean | string | bigint | JsonDouble | JsonNode[] | Map<string, JsonNode>;

export class JsonDouble {
  constructor(
    readonly value: number,
    readonly lexeme: string,
  ) {}
}

export function jsonNodeType(node: JsonNode | undefined): string {
  if (node === undefined) return 'MISSING';
  if (node === null) return 'NULL';
  if (typeof node === 'boolean') return 'BOOLEAN';
  if (typeof node === 'string') return 'STRING';
  if (typeof node === 'bigint' || node instanceof JsonDouble) return 'NUMBER';
  if (Array.isArray(node)) return 'ARRAY';
  return 'OBJECT';
}

class JsonSyntaxError extends DataException {}

/**
 * A cursor over JSON text (a class rather than closures: it is created once per payload on the hot path).
 * `connectNumbers` reads numbers as schemaless Connect values straight away (an integer → int64 `bigint`, a number
 * with a fraction or exponent → `number`) instead of `JsonNode`s.
 */
class JsonReader {
  at = 0;
  constructor(
    readonly text: string,
    readonly connectNumbers = false,
  ) {}

  fail(what: string): never {
    throw new JsonSyntaxError(`${what} at position ${this.at}`);
  }

  skipSpace(): void {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      if (code === 32 || code === 9 || code === 10 || code === 13) this.at++;
      else break;
    }
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.at];
  }

  expect(char: string): void {
    this.skipSpace();
    if (this.text[this.at] !== char) this.fail(`Expected '${char}'`);
    this.at++;
  }

  string(): string {
    const text = this.text;
    this.at++; // opening quote
    let result = '';
    let start = this.at;
    for (;;) {
      if (this.at >= text.length) this.fail('Unterminated string');
      const code = text.charCodeAt(this.at);
      if (code === 34) {
        result += text.slice(start, this.at);
        this.at++;
        return result;
      }
      if (code === 92) {
        result += text.slice(start, this.at);
        const escape = text[this.at + 1];
        this.at += 2;
        switch (escape) {
          case '"':
          case '\\':
          case '/':
            result += escape;
            break;
          case 'b':
            result += '\b';
            break;
          case 'f':
            result += '\f';
            break;
          case 'n':
            result += '\n';
            break;
          case 'r':
            result += '\r';
            break;
          case 't':
            result += '\t';
            break;
          case 'u': {
            const hex = text.slice(this.at, this.at + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Bad unicode escape');
            result += String.fromCharCode(parseInt(hex, 16));
            this.at += 4;
            break;
          }
          default:
            this.fail('Bad escape');
        }
        start = this.at;
        continue;
      }
      if (code < 32) this.fail('Control character in string');
      this.at++;
    }
  }

  number(): bigint | JsonDouble | number {
    const text = this.text;
    const begin = this.at;
    let at = begin;
    if (text.charCodeAt(at) === 45) at++; // -
    const digitsFrom = at;
    while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
    if (at === digitsFrom || (text.charCodeAt(digitsFrom) === 48 && at - digitsFrom > 1)) {
      this.at = at;
      this.fail('Bad number');
    }
    let integral = true;
    if (text.charCodeAt(at) === 46) {
      integral = false;
      at++;
      const from = at;
      while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
      if (at === from) {
        this.at = at;
        this.fail('Bad number');
      }
    }
    const e = text.charCodeAt(at);
    if (e === 101 || e === 69) {
      integral = false;
      at++;
      if (text.charCodeAt(at) === 43 || text.charCodeAt(at) === 45) at++;
      const from = at;
      while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
      if (at === from) {
        this.at = at;
        this.fail('Bad number');
      }
    }
    this.at = at;
    const lexeme = text.slice(begin, at);
    if (this.connectNumbers) {
      // A Java long: up to 18 digits always fit, longer integers wrap as Jackson's longValue() does.
      if (!integral) return Number(lexeme);
      return at - digitsFrom <= 18 ? BigInt(lexeme) : BigInt.asIntN(64, BigInt(lexeme));
    }
    return integral ? BigInt(lexeme) : new JsonDouble(Number(lexeme), lexeme);
  }

  value(): JsonNode {
    this.skipSpace();
    const text = this.text;
    const char = text[this.at];
    switch (char) {
      case '{': {
        this.at++;
        const object = new Map<string, JsonNode>();
        if (this.peek() === '}') {
          this.at++;
          return object;
        }
        for (;;) {
          if (this.peek() !== '"') this.fail('Expected a field name');
          const key = this.string();
          this.expect(':');
          object.set(key, this.value());
          const next = this.peek();
          this.at++;
          if (next === ',') continue;
          if (next === '}') return object;
          this.at--;
          this.fail("Expected ',' or '}'");
        }
      }
      case '[': {
        this.at++;
        const array: JsonNode[] = [];
        if (this.peek() === ']') {
          this.at++;
          return array;
        }
        for (;;) {
          array.push(this.value());
          const next = this.peek();
          this.at++;
          if (next === ',') continue;
          if (next === ']') return array;
          this.at--;
          this.fail("Expected ',' or ']'");
        }
      }
      case '"':
        return this.string();
      case 't':
        if (text.startsWith('true', this.at)) {
          this.at += 4;
          return true;
        }
        return this.fail('Unexpected token');
      case 'f':
        if (text.startsWith('false', this.at)) {
          this.at += 5;
          return false;
        }
        return this.fail('Unexpected token');
      case 'n':
        if (text.startsWith('null', this.at)) {
          this.at += 4;
          return null;
        }
        return this.fail('Unexpected token');
      default:
        // (a plain number only when reading connectNumbers, whose caller takes the result as unknown)
        if (char === '-' || (char !== undefined && char >= '0' && char <= '9'))
          return this.number() as JsonNode;
        return this.fail(char === undefined ? 'Unexpected end of input' : 'Unexpected token');
    }
  }

  /** Moves past one value without building it (for members whose text is all that is needed). */
  skip(): void {
    this.skipSpace();
    const text = this.text;
    const char = text[this.at];
    if (char === '"') {
      this.string();
      return;
    }
    if (char === '{' || char === '[') {
      // Balanced scan; strings are skipped whole so brackets inside them do not count.
      let depth = 0;
      do {
        const c = text[this.at];
        if (c === '"') {
          this.string();
          continue;
        }
        if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
        else if (c === undefined) this.fail('Unexpected end of input');
        this.at++;
      } while (depth > 0);
      return;
    }
    this.value();
  }

  position(): number {
    return this.at;
  }
}

function jsonReader(text: string): JsonReader {
  return new JsonReader(text);
}

/** Parses JSON text into a `JsonNode`; malformed input throws (callers wrap it in their own DataException). */
export function parseJson(text: string): JsonNode {
  return readWhole(jsonReader(text));
}

function readWhole(reader: JsonReader): JsonNode {
  const value = reader.value();
  reader.skipSpace();
  if (reader.position() < reader.text.length) reader.fail('Unexpected trailing content');
  return value;
}

/**
 * Schemaless JSON as Connect data, in one pass: what `schemalessToConnect(parseJson(text))` gives (objects as
 * `Map`s, integers as int64 `bigint`s, other numbers as `number`s), without the intermediate tree.
 */
export function parseSchemalessJson(text: string): unknown {
  return readWhole(new JsonReader(text, true));
}

/**
 * A top-level object read member by member: `raw` names the members whose source text is wanted instead of a
 * parsed value (JsonConverter caches schemas by their text, so a known schema is never parsed again); `known`
 * lists complete JSON values met before, returned as the same string when a raw member is one of them. Returns
 * undefined when the text is not an object.
 */
export function parseObjectMembers(
  text: string,
  raw: ReadonlySet<string>,
  known: readonly string[] = [],
): { values: Map<string, JsonNode>; texts: Map<string, string> } | undefined {
  const reader = jsonReader(text);
  if (reader.peek() !== '{') return undefined;
  reader.expect('{');
  const values = new Map<string, JsonNode>();
  const texts = new Map<string, string>();
  if (reader.peek() !== '}') {
    for (;;) {
      if (reader.peek() !== '"') reader.fail('Expected a field name');
      const key = reader.string();
      reader.expect(':');
      if (raw.has(key)) {
        reader.skipSpace();
        const start = reader.position();
        // A complete JSON value seen before is recognised by comparing, not scanning: its end is where it ends.
        const same = known.find((candidate) => text.startsWith(candidate, start));
        if (same === undefined) reader.skip();
        else reader.at = start + same.length;
        texts.set(key, same ?? text.slice(start, reader.position()));
        values.delete(key);
      } else {
        values.set(key, reader.value());
        texts.delete(key);
      }
      if (reader.peek() === ',') {
        reader.expect(',');
        continue;
      }
      reader.expect('}');
      break;
    }
  }
  reader.skipSpace();
  if (reader.position() < text.length) reader.fail('Unexpected trailing content');
  return { values, texts };
}

/**
 * The members of a top-level JSON object as their exact source text (`{"v": 10.0}` → `v` → `10.0`), for input
 * formats that embed payloads whose number lexemes matter.
 */
export function rawMembers(text: string): Map<string, string> {
  const reader = jsonReader(text);
  const members = new Map<string, string>();
  reader.expect('{');
  if (reader.peek() === '}') return members;
  for (;;) {
    if (reader.peek() !== '"') reader.fail('Expected a field name');
    const key = reader.string();
    reader.expect(':');
    reader.skipSpace();
    const start = reader.position();
    reader.value();
    members.set(key, text.slice(start, reader.position()));
    const next = reader.peek();
    if (next === ',') {
      reader.expect(',');
      continue;
    }
    reader.expect('}');
    return members;
  }
}

/** JSON string literal, escaped as Jackson escapes (control characters as \u00XX, no escaping of `/`). */
export function quoteJson(text: string): string {
  return JSON.stringify(text);
}
