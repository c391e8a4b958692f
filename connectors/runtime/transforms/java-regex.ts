/**
 * Java `java.util.regex` as far as topic names and routing need it: patterns compile to JS RegExps (the syntax
 * overlaps for everything a topic pattern uses), `matches()` is a full match, and `replaceFirst` follows Java's
 * replacement rules (`$1`, `${name}`, `\$`), which differ from JavaScript's (`$$`, `$&`).
 */
export interface JavaPattern {
  source: string;
  full: RegExp;
  groupCount: number;
}

const cache = new Map<string, JavaPattern>();

export function compileJavaRegex(source: string): JavaPattern {
  const cached = cache.get(source);
  if (cached) return cached;
  let body = source;
  let flags = '';
  // Java's leading inline flags, e.g. (?i); JS only knows them as RegExp flags.
  const inline = /^\(\?([imsx]+)\)/.exec(body);
  if (inline) {
    flags = inline[1]!.replace('x', '');
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\\A/g, '^')
    .replace(/\\[Zz]/g, '$')
    .replace(/([*+?}])\+/g, '$1'); // possessive → greedy (same result for a full match of a topic)
  let full: RegExp;
  try {
    full = new RegExp(`^(?:${body})$`, flags);
  } catch (error) {
    throw new JavaRegexError(
      javaSyntaxMessage(source, (error as Error).message),
      'java.util.regex.PatternSyntaxException',
    );
  }
  const groupCount = new RegExp(`${body}|`, flags).exec('')!.length - 1;
  const pattern = { source, full, groupCount };
  cache.set(source, pattern);
  return pattern;
}

/**
 * `PatternSyntaxException.getMessage()` for the syntax errors people make in topic patterns (JavaScript finds the
 * same errors, with other words): description, " near index i", the pattern, and a caret under index i.
 */
function javaSyntaxMessage(pattern: string, jsMessage: string): string {
  let description = jsMessage;
  let index = -1;
  if (/Unterminated character class/.test(jsMessage)) {
    description = 'Unclosed character class';
    index = pattern.length - 1;
  } else if (/Unterminated group/.test(jsMessage)) {
    description = 'Unclosed group';
    index = pattern.length;
  } else if (/Nothing to repeat/.test(jsMessage)) {
    const at = pattern.search(/(^|[(|])[*+?]/);
    index = at < 0 ? 0 : pattern[at] === '(' || pattern[at] === '|' ? at + 1 : at;
    description = `Dangling meta character '${pattern[index] ?? '*'}'`;
  } else if (/Unmatched '\)'/.test(jsMessage)) {
    description = "Unmatched closing ')'";
    index = Math.max(0, pattern.indexOf(')') - 1);
  }
  let message = description;
  if (index >= 0) message += ` near index ${index}`;
  message += `\n${pattern}`;
  if (index >= 0 && index < pattern.length) message += `\n${' '.repeat(index)}^`;
  return message;
}

export class JavaRegexError extends Error {
  constructor(
    message: string,
    readonly javaClass: string,
  ) {
    super(message);
  }
}

/** Java `Matcher.appendReplacement` semantics for one match. */
export function javaReplacement(replacement: string, match: RegExpExecArray, groupCount: number): string {
  let result = '';
  for (let i = 0; i < replacement.length; i++) {
    const char = replacement[i]!;
    if (char === '\\') {
      i++;
      if (i >= replacement.length)
        throw new JavaRegexError('character to be escaped is missing', 'java.lang.IllegalArgumentException');
      result += replacement[i];
    } else if (char === '$') {
      i++;
      if (i >= replacement.length)
        throw new JavaRegexError(
          'Illegal group reference: group index is missing',
          'java.lang.IllegalArgumentException',
        );
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = replacement.slice(i + 1, end);
        if (end < 0 || !match.groups || !(name in match.groups))
          throw new JavaRegexError(`No group with name {${name}}`, 'java.lang.IllegalArgumentException');
        result += match.groups[name] ?? '';
        i = end;
      } else {
        const first = replacement.charCodeAt(i) - 48;
        if (first < 0 || first > 9)
          throw new JavaRegexError('Illegal group reference', 'java.lang.IllegalArgumentException');
        let group = first;
        while (i + 1 < replacement.length) {
          const next = replacement.charCodeAt(i + 1) - 48;
          if (next < 0 || next > 9 || group * 10 + next > groupCount) break;
          group = group * 10 + next;
          i++;
        }
        if (group > groupCount)
          throw new JavaRegexError(`No group ${group}`, 'java.lang.IndexOutOfBoundsException');
        result += match[group] ?? '';
      }
    } else {
      result += char;
    }
  }
  return result;
}

/** `pattern.matcher(text).matches()`. */
export function javaMatches(pattern: JavaPattern, text: string): boolean {
  return pattern.full.test(text);
}
