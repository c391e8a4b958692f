/**
 * `java.text.SimpleDateFormat` in UTC, lenient, as TimestampConverter and TimestampRouter use it: the common
 * pattern letters (G y M d H h k K m s S E a D z Z X and quoted literals), formatting and parsing. Like Java's
 * `DateFormat.parse(String)`, parsing stops where the pattern ends and ignores trailing text.
 */
type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';

export class SimpleDateFormat {
  private readonly tokens: Token[];

  constructor(readonly pattern: string) {
    this.tokens = tokenize(pattern);
  }

  toPattern(): string {
    return this.pattern;
  }

  format(date: Date): string {
    let out = '';
    for (const token of this.tokens) {
      if (token.kind === 'literal') {
        out += token.text;
        continue;
      }
      const { letter, count } = token;
      const pad = (n: number, width = count): string => String(n).padStart(width, '0');
      switch (letter) {
        case 'G':
          out += date.getUTCFullYear() > 0 ? 'AD' : 'BC';
          break;
        case 'y':
        case 'Y':
        case 'u': {
          if (letter === 'u') {
            out += pad(((date.getUTCDay() + 6) % 7) + 1);
            break;
          }
          const year = date.getUTCFullYear();
          out += count === 2 ? pad(year % 100, 2) : pad(year);
          break;
        }
        case 'M':
        case 'L':
          out +=
            count >= 4
              ? MONTHS[date.getUTCMonth()]
              : count === 3
                ? MONTHS[date.getUTCMonth()]!.slice(0, 3)
                : pad(date.getUTCMonth() + 1);
          break;
        case 'd':
          out += pad(date.getUTCDate());
          break;
        case 'D': {
          const start = Date.UTC(date.getUTCFullYear(), 0, 1);
          out += pad(Math.floor((date.getTime() - start) / 86_400_000) + 1);
          break;
        }
        case 'E':
          out += count >= 4 ? DAYS[date.getUTCDay()] : DAYS[date.getUTCDay()]!.slice(0, 3);
          break;
        case 'a':
          out += date.getUTCHours() < 12 ? 'AM' : 'PM';
          break;
        case 'H':
          out += pad(date.getUTCHours());
          break;
        case 'k':
          out += pad(date.getUTCHours() === 0 ? 24 : date.getUTCHours());
          break;
        case 'K':
          out += pad(date.getUTCHours() % 12);
          break;
        case 'h':
          out += pad(date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12);
          break;
        case 'm':
          out += pad(date.getUTCMinutes());
          break;
        case 's':
          out += pad(date.getUTCSeconds());
          break;
        case 'S':
          out += pad(date.getUTCMilliseconds());
          break;
        case 'z':
          out += count >= 4 ? 'Coordinated Universal Time' : 'UTC';
          break;
        case 'Z':
          out += '+0000';
          break;
        case 'X':
          out += 'Z';
          break;
        default:
          out += '';
      }
    }
    return out;
  }

  /** Lenient parse; throws `ParseError` ("Unparseable date: …") when the text does not fit. */
  parse(text: string): Date {
    let at = 0;
    let year = 1970;
    let month = 0;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let millis = 0;
    let pm: boolean | null = null;
    let hour12 = false;
    let offsetMinutes = 0;
    const fail = (): never => {
      throw new ParseError(`Unparseable date: "${text}"`);
    };
    for (let t = 0; t < this.tokens.length; t++) {
      const token = this.tokens[t]!;
      if (token.kind === 'literal') {
        if (!text.startsWith(token.text, at)) {
          // Java matches whitespace leniently only for exact text; anything else fails
          fail();
        }
        at += token.text.length;
        continue;
      }
      const next = this.tokens[t + 1];
      const abutting = next?.kind === 'field' && /[yMdHhkKmsSDuYw]/.test(next.letter);
      const readNumber = (): number => {
        let end = at;
        if (text[end] === '-' || text[end] === '+') end++;
        const limit = abutting ? at + token.count : text.length;
        while (end < text.length && end < limit && /\d/.test(text[end]!)) end++;
        const digits = text.slice(at, end);
        if (!/\d/.test(digits)) fail();
        at = end;
        return Number(digits);
      };
      const readText = (options: string[]): number => {
        const lower = text.slice(at).toLowerCase();
        let best = -1;
        let bestLength = 0;
        options.forEach((option, index) => {
          for (const candidate of [option, option.slice(0, 3)]) {
            if (lower.startsWith(candidate.toLowerCase()) && candidate.length > bestLength) {
              best = index;
              bestLength = candidate.length;
            }
          }
        });
        if (best < 0) fail();
        at += bestLength;
        return best;
      };
      switch (token.letter) {
        case 'y':
        case 'Y': {
          const start = at;
          const value = readNumber();
          // Two-digit years in a "yy" pattern resolve to within 80 years before / 20 after now.
          if (token.count <= 2 && at - start === 2) {
            const now = new Date().getUTCFullYear();
            const century = Math.floor((now - 80) / 100) * 100;
            year = century + value < now - 80 ? century + 100 + value : century + value;
          } else year = value;
          break;
        }
        case 'M':
        case 'L':
          month = token.count >= 3 ? readText(MONTHS) : readNumber() - 1;
          break;
        case 'd':
          day = readNumber();
          break;
        case 'D':
          month = 0;
          day = readNumber();
          break;
        case 'E':
          readText(DAYS);
          break;
        case 'a':
          pm = readText(['AM', 'PM']) === 1;
          break;
        case 'H':
        case 'k':
          hour = readNumber();
          break;
        case 'h':
        case 'K':
          hour = readNumber();
          hour12 = true;
          break;
        case 'm':
          minute = readNumber();
          break;
        case 's':
          second = readNumber();
          break;
        case 'S':
          millis = readNumber();
          break;
        case 'z':
        case 'Z':
        case 'X': {
          const rest = text.slice(at);
          const zone = /^(Z|UTC|GMT|([+-])(\d{2}):?(\d{2})?)/.exec(rest);
          if (!zone) fail();
          if (zone![2]) {
            offsetMinutes = (Number(zone![3]) * 60 + Number(zone![4] ?? 0)) * (zone![2] === '-' ? -1 : 1);
          }
          at += zone![0].length;
          break;
        }
        default:
          readNumber();
      }
    }
    if (hour12) hour = (hour % 12) + (pm ? 12 : 0);
    else if (pm === true && hour < 12) hour += 12;
    const date = new Date(0);
    date.setUTCFullYear(year, month, day);
    date.setUTCHours(hour, minute, second, millis);
    return new Date(date.getTime() - offsetMinutes * 60_000);
  }
}

export class ParseError extends Error {
  readonly javaClass = 'java.text.ParseException';
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "'") {
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new PatternError('Unterminated quote');
      literal(pattern.slice(i + 1, end).replace(/''/g, "'"));
      i = end + 1;
      continue;
    }
    if (/[a-zA-Z]/.test(char)) {
      if (!LETTERS.includes(char)) throw new PatternError(`Illegal pattern character '${char}'`);
      let count = 1;
      while (pattern[i + count] === char) count++;
      tokens.push({ kind: 'field', letter: char, count });
      i += count;
      continue;
    }
    literal(char);
    i++;
  }
  return tokens;
}

export class PatternError extends Error {
  readonly javaClass = 'java.lang.IllegalArgumentException';
}
