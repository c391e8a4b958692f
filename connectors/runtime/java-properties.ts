/**
 * `java.util.Properties.load(Reader)`, rule for rule, for `${file:/path.properties:key}` (Apache's
 * FileConfigProvider reads the file as UTF-8 through that method): `#`/`!` comment lines, a trailing odd backslash
 * continuing a line (leading whitespace of the next line dropped), `=`, `:` or whitespace as the separator,
 * backslash escapes in keys and values (`\=`, `\:`, `\ `, `\t`, `\n`, `\uXXXX`), the last duplicate winning.
 * `java-properties.integration.test.ts` compares it with the JVM's own.
 */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of logicalLines(text)) {
    const [key, value] = splitEntry(line);
    result[unescape(key)] = unescape(value);
  }
  return result;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f';
const isEol = (c: string | undefined): boolean => c === '\n' || c === '\r';

/** Java's `Properties.LineReader`: natural lines joined into logical ones, comments and blank lines skipped. */
function* logicalLines(text: string): Generator<string> {
  let at = 0;
  let line = '';
  let skipWhitespace = true;
  let continued = false;
  let backslash = false;
  while (at < text.length) {
    const c = text[at++]!;
    if (skipWhitespace) {
      if (isBlank(c) || (!continued && isEol(c))) continue;
      skipWhitespace = false;
      continued = false;
    }
    if (line === '' && (c === '#' || c === '!')) {
      while (at < text.length && !isEol(text[at])) at++;
      skipWhitespace = true;
      continue;
    }
    if (!isEol(c)) {
      line += c;
      backslash = c === '\\' ? !backslash : false;
      continue;
    }
    if (line === '') {
      skipWhitespace = true;
      continue;
    }
    if (backslash) {
      // A backslash at the end of a line joins the next one, without the line break or its indentation.
      line = line.slice(0, -1);
      skipWhitespace = true;
      continued = true;
      backslash = false;
      if (c === '\r' && text[at] === '\n') at++;
      continue;
    }
    yield line;
    line = '';
    skipWhitespace = true;
  }
  if (line !== '') yield backslash ? line.slice(0, -1) : line;
}

/** Java's `Properties.load0`: the key ends at the first unescaped `=`, `:` or whitespace. */
function splitEntry(line: string): [string, string] {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let backslash = false;
  while (keyEnd < line.length) {
    const c = line[keyEnd]!;
    if ((c === '=' || c === ':') && !backslash) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (isBlank(c) && !backslash) {
      valueStart = keyEnd + 1;
      break;
    }
    backslash = c === '\\' ? !backslash : false;
    keyEnd++;
  }
  while (valueStart < line.length) {
    const c = line[valueStart]!;
    if (!isBlank(c)) {
      if (hasSeparator || (c !== '=' && c !== ':')) break;
      hasSeparator = true;
    }
    valueStart++;
  }
  return [line.slice(0, keyEnd), line.slice(valueStart)];
}

const escapes: Record<string, string> = { t: '\t', r: '\r', n: '\n', f: '\f' };

/** Java's `Properties.loadConvert`. */
function unescape(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let at = 0; at < text.length;) {
    const c = text[at++]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[at++] ?? '';
    if (next === 'u') {
      const hex = text.slice(at, at + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error('Malformed \\uxxxx encoding.');
      out += String.fromCharCode(Number.parseInt(hex, 16));
      at += 4;
    } else {
      out += escapes[next] ?? next;
    }
  }
  return out;
}
