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

interface JsonReader {
  value(): JsonNode;
  skipSpace(): void;
  position(): number;
  expect(char: string): void;
  peek(): string | undefined;
  string(): string;
  fail(what: string): never;
}

function jsonReader(text: string): JsonReader {
  let at = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${at}`);
  };
  const skipSpace = (): void => {
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === 32 || code === 9 || code === 10 || code === 13) at++;
      else break;
    }
  };
  const parseString = (): string => {
    at++; // opening quote
    let result = '';
    let start = at;
    for (;;) {
      if (at >= text.length) fail('Unterminated string');
      const code = text.charCodeAt(at);
      if (code === 34) {
        result += text.slice(start, at);
        at++;
        return result;
      }
      if (code === 92) {
        result += text.slice(start, at);
        const escape = text[at + 1];
        at += 2;
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
            const hex = text.slice(at, at + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad unicode escape');
            result += String.fromCharCode(parseInt(hex, 16));
            at += 4;
            break;
          }
          default:
            fail('Bad escape');
        }
        start = at;
        continue;
      }
      if (code < 32) fail('Control character in string');
      at++;
    }
  };
  const parseNumber = (): bigint | JsonDouble => {
    const match = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = at;
    const found = match.exec(text);
    if (!found) return fail('Bad number');
    at += found[0].length;
    if (found[1] === undefined && found[2] === undefined) return BigInt(found[0]);
    return new JsonDouble(Number(found[0]), found[0]);
  };
  const parseValue = (): JsonNode => {
    skipSpace();
    const char = text[at];
    switch (char) {
      case '{': {
        at++;
        const object = new Map<string, JsonNode>();
        skipSpace();
        if (text[at] === '}') {
          at++;
          return object;
        }
        for (;;) {
          skipSpace();
          if (text[at] !== '"') fail('Expected a field name');
          const key = parseString();
          skipSpace();
          if (text[at] !== ':') fail("Expected ':'");
          at++;
          object.set(key, parseValue());
          skipSpace();
          if (text[at] === ',') {
            at++;
            continue;
          }
          if (text[at] === '}') {
            at++;
            return object;
          }
          fail("Expected ',' or '}'");
        }
      }
      case '[': {
        at++;
        const array: JsonNode[] = [];
        skipSpace();
        if (text[at] === ']') {
          at++;
          return array;
        }
        for (;;) {
          array.push(parseValue());
          skipSpace();
          if (text[at] === ',') {
            at++;
            continue;
          }
          if (text[at] === ']') {
            at++;
            return array;
          }
          fail("Expected ',' or ']'");
        }
      }
      case '"':
        return parseString();
      case 't':
        if (text.startsWith('true', at)) {
          at += 4;
          return true;
        }
        return fail('Unexpected token');
      case 'f':
        if (text.startsWith('false', at)) {
          at += 5;
          return false;
        }
        return fail('Unexpected token');
      case 'n':
        if (text.startsWith('null', at)) {
          at += 4;
          return null;
        }
        return fail('Unexpected token');
      default:
        if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return parseNumber();
        return fail(char === undefined ? 'Unexpected end of input' : 'Unexpected token');
    }
  };
  return {
    value: parseValue,
    skipSpace,
    position: () => at,
    expect: (char) => {
      skipSpace();
      if (text[at] !== char) fail(`Expected '${char}'`);
      at++;
    },
    peek: () => {
      skipSpace();
      return text[at];
    },
    string: parseString,
    fail,
  };
}

/** Parses JSON text into a `JsonNode`; malformed input throws (callers wrap it in their own DataException). */
export function parseJson(text: string): JsonNode {
  const reader = jsonReader(text);
  const value = reader.value();
  reader.skipSpace();
  if (reader.position() < text.length) reader.fail('Unexpected trailing content');
  return value;
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
