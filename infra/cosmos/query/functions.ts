import { deepEqual, isObject, orderCompare } from './values.ts';

/**
 * Cosmos DB's scalar built-in functions, by lower-case name. Like the service, a function given arguments of
 * the wrong type returns undefined rather than failing the query.
 */
type BuiltIn = (...args: unknown[]) => unknown;

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number';
const allStrings = (args: unknown[]): args is string[] => args.every(str);
const allNumbers = (args: unknown[]): args is number[] => args.every(num);

function math(fn: (...n: number[]) => number): BuiltIn {
  return (...args) => {
    if (!allNumbers(args)) return undefined;
    const result = fn(...args);
    return Number.isFinite(result) ? result : undefined;
  };
}

function strings(fn: (...s: string[]) => unknown): BuiltIn {
  return (...args) => (allStrings(args) ? fn(...args) : undefined);
}

/** The string functions with an optional ignore-case flag. */
function textTest(test: (a: string, b: string) => boolean): BuiltIn {
  return (a, b, ignoreCase) => {
    if (!str(a) || !str(b)) return undefined;
    return ignoreCase === true ? test(a.toLowerCase(), b.toLowerCase()) : test(a, b);
  };
}

const string: Record<string, BuiltIn> = {
  concat: (...args) => (allStrings(args) ? args.join('') : undefined),
  contains: textTest((a, b) => a.includes(b)),
  startswith: textTest((a, b) => a.startsWith(b)),
  endswith: textTest((a, b) => a.endsWith(b)),
  stringequals: textTest((a, b) => a === b),
  index_of: (s, sub, from) => (str(s) && str(sub) ? s.indexOf(sub, num(from) ? from : 0) : undefined),
  left: (s, n) => (str(s) && num(n) ? s.slice(0, Math.max(0, n)) : undefined),
  right: (s, n) => (str(s) && num(n) ? (n <= 0 ? '' : s.slice(-n)) : undefined),
  length: (s) => (str(s) ? s.length : undefined),
  lower: strings((s) => s.toLowerCase()),
  upper: strings((s) => s.toUpperCase()),
  ltrim: strings((s) => s.trimStart()),
  rtrim: strings((s) => s.trimEnd()),
  trim: strings((s) => s.trim()),
  replace: strings((s, find, by) => s.split(find).join(by)),
  replicate: (s, n) => (str(s) && num(n) && n >= 0 && n < 10_000 ? s.repeat(Math.floor(n)) : undefined),
  reverse: strings((s) => [...s].reverse().join('')),
  substring: (s, start, length) =>
    str(s) && num(start) && num(length) ? s.substr(Math.max(0, start), Math.max(0, length)) : undefined,
  tostring: (v) => (v === undefined ? undefined : str(v) ? v : JSON.stringify(v)),
  regexmatch: (s, pattern, modifiers) => {
    if (!str(s) || !str(pattern)) return undefined;
    const flags = str(modifiers) ? modifiers.replace(/[^imsx]/g, '').replace('x', '') : '';
    try {
      return new RegExp(pattern, flags).test(s);
    } catch {
      return undefined;
    }
  },
  stringtoarray: (s) => parseAs(s, Array.isArray),
  stringtoboolean: (s) => parseAs(s, (v) => typeof v === 'boolean'),
  stringtonull: (s) => parseAs(s, (v) => v === null),
  stringtonumber: (s) => parseAs(s, num),
  stringtoobject: (s) => parseAs(s, isObject),
  stringjoin: (arr, sep) => (Array.isArray(arr) && allStrings(arr) && str(sep) ? arr.join(sep) : undefined),
  stringsplit: (s, sep) => (str(s) && str(sep) ? s.split(sep) : undefined),
};

function parseAs(s: unknown, accept: (v: unknown) => boolean): unknown {
  if (!str(s)) return undefined;
  try {
    const value: unknown = JSON.parse(s.trim());
    return accept(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const mathematics: Record<string, BuiltIn> = {
  abs: math(Math.abs),
  ceiling: math(Math.ceil),
  floor: math(Math.floor),
  round: math((n) => (n < 0 ? -Math.round(-n) : Math.round(n))),
  trunc: math(Math.trunc),
  sqrt: math(Math.sqrt),
  square: math((n) => n * n),
  power: math(Math.pow),
  exp: math(Math.exp),
  log: math((n, base) => (base === undefined ? Math.log(n) : Math.log(n) / Math.log(base))),
  log10: math(Math.log10),
  sign: math(Math.sign),
  sin: math(Math.sin),
  cos: math(Math.cos),
  tan: math(Math.tan),
  cot: math((n) => 1 / Math.tan(n)),
  asin: math(Math.asin),
  acos: math(Math.acos),
  atan: math(Math.atan),
  atn2: math((a, b) => Math.atan2(b, a)),
  degrees: math((n) => (n * 180) / Math.PI),
  radians: math((n) => (n * Math.PI) / 180),
  pi: () => Math.PI,
  rand: () => Math.random(),
  numberbin: math((n, size = 1) => Math.floor(n / size) * size),
  intadd: math((a, b) => (a + b) | 0),
  intsub: math((a, b) => (a - b) | 0),
  intmul: math((a, b) => Math.imul(a, b)),
  intdiv: math((a, b) => (b === 0 ? NaN : Math.trunc(a / b))),
  intmod: math((a, b) => (b === 0 ? NaN : a % b)),
};

function containsValue(array: unknown[], value: unknown, partial: unknown): boolean {
  return array.some((item) =>
    partial === true && isObject(value) && isObject(item)
      ? Object.entries(value).every(([key, v]) => deepEqual(item[key], v))
      : deepEqual(item, value),
  );
}

const arrays: Record<string, BuiltIn> = {
  array_concat: (...args) => (args.every(Array.isArray) ? (args as unknown[][]).flat(1) : undefined),
  array_contains: (arr, value, partial) =>
    Array.isArray(arr) ? containsValue(arr, value, partial) : undefined,
  array_contains_any: (arr, ...values) =>
    Array.isArray(arr) ? values.some((v) => containsValue(arr, v, false)) : undefined,
  array_contains_all: (arr, ...values) =>
    Array.isArray(arr) ? values.every((v) => containsValue(arr, v, false)) : undefined,
  array_length: (arr) => (Array.isArray(arr) ? arr.length : undefined),
  array_slice: (arr, start, length) => {
    if (!Array.isArray(arr) || !num(start)) return undefined;
    const from = start < 0 ? Math.max(0, arr.length + start) : start;
    return num(length) ? arr.slice(from, from + Math.max(0, length)) : arr.slice(from);
  },
  setintersect: (a, b) =>
    Array.isArray(a) && Array.isArray(b) ? distinct(a.filter((x) => containsValue(b, x, false))) : undefined,
  setunion: (a, b) => (Array.isArray(a) && Array.isArray(b) ? distinct([...a, ...b]) : undefined),
  choose: (index, ...values) => (num(index) ? values[index - 1] : undefined),
  objecttoarray: (obj) => (isObject(obj) ? Object.entries(obj).map(([k, v]) => ({ k, v })) : undefined),
};

function distinct(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => deepEqual(o, v))) out.push(v);
  return out;
}

const types: Record<string, BuiltIn> = {
  is_array: (v) => Array.isArray(v),
  is_bool: (v) => typeof v === 'boolean',
  is_defined: (v) => v !== undefined,
  is_null: (v) => v === null,
  is_number: (v) => num(v),
  is_object: (v) => isObject(v),
  is_primitive: (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v),
  is_string: (v) => str(v),
  is_finite_number: (v) => num(v) && Number.isFinite(v),
  is_integer: (v) => num(v) && Number.isInteger(v),
  iif: (condition, whenTrue, whenFalse) => (condition === true ? whenTrue : whenFalse),
};

/** Ticks (100 ns since 0001-01-01) at the Unix epoch. */
const epochTicks = 621_355_968_000_000_000;

/** Cosmos DB's date-time strings: ISO 8601 UTC with seven fractional digits. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function parseDateTime(value: unknown): number | undefined {
  if (!str(value) || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(value)) return undefined;
  const ms = Date.parse(value.endsWith('Z') || !value.includes('T') ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

const partAliases: Record<string, string> = {
  year: 'year',
  yyyy: 'year',
  yy: 'year',
  month: 'month',
  mm: 'month',
  m: 'month',
  day: 'day',
  dd: 'day',
  d: 'day',
  hour: 'hour',
  hh: 'hour',
  minute: 'minute',
  mi: 'minute',
  n: 'minute',
  second: 'second',
  ss: 'second',
  s: 'second',
  millisecond: 'millisecond',
  ms: 'millisecond',
  microsecond: 'microsecond',
  mcs: 'microsecond',
  nanosecond: 'nanosecond',
  ns: 'nanosecond',
};

const msPer: Record<string, number> = {
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
  microsecond: 0.001,
  nanosecond: 0.000001,
};

function addToDate(part: string, amount: number, ms: number): number {
  const date = new Date(ms);
  if (part === 'year') date.setUTCFullYear(date.getUTCFullYear() + amount);
  else if (part === 'month') date.setUTCMonth(date.getUTCMonth() + amount);
  else return ms + amount * msPer[part]!;
  return date.getTime();
}

const dates: Record<string, BuiltIn> = {
  getcurrentdatetime: () => formatDateTime(Date.now()),
  getcurrenttimestamp: () => Date.now(),
  getcurrentticks: () => Date.now() * 10_000 + epochTicks,
  getcurrentdatetimestatic: () => formatDateTime(Date.now()),
  getcurrenttimestampstatic: () => Date.now(),
  getcurrentticksstatic: () => Date.now() * 10_000 + epochTicks,
  datetimeadd: (part, amount, value) => {
    const unit = str(part) ? partAliases[part.toLowerCase()] : undefined;
    const ms = parseDateTime(value);
    return unit && num(amount) && ms !== undefined
      ? formatDateTime(addToDate(unit, Math.trunc(amount), ms))
      : undefined;
  },
  datetimediff: (part, start, end) => {
    const unit = str(part) ? partAliases[part.toLowerCase()] : undefined;
    const a = parseDateTime(start);
    const b = parseDateTime(end);
    if (!unit || a === undefined || b === undefined) return undefined;
    const from = new Date(a);
    const to = new Date(b);
    if (unit === 'year') return to.getUTCFullYear() - from.getUTCFullYear();
    if (unit === 'month')
      return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
    // Like the service: the number of boundaries crossed, not the rounded duration.
    const size = msPer[unit]!;
    return Math.floor(b / size) - Math.floor(a / size);
  },
  datetimepart: (part, value) => {
    const unit = str(part) ? partAliases[part.toLowerCase()] : undefined;
    const ms = parseDateTime(value);
    if (!unit || ms === undefined) return undefined;
    const d = new Date(ms);
    switch (unit) {
      case 'year':
        return d.getUTCFullYear();
      case 'month':
        return d.getUTCMonth() + 1;
      case 'day':
        return d.getUTCDate();
      case 'hour':
        return d.getUTCHours();
      case 'minute':
        return d.getUTCMinutes();
      case 'second':
        return d.getUTCSeconds();
      case 'millisecond':
        return d.getUTCMilliseconds();
      case 'microsecond':
        return d.getUTCMilliseconds() * 1000;
      default:
        return d.getUTCMilliseconds() * 1_000_000;
    }
  },
  datetimefromparts: (...parts) => {
    if (!allNumbers(parts) || parts.length < 3) return undefined;
    const [y, mo, d, h = 0, mi = 0, s = 0, fraction = 0] = parts;
    return formatDateTime(Date.UTC(y!, mo! - 1, d, h, mi, s, fraction / 10_000));
  },
  datetimetotimestamp: (value) => parseDateTime(value),
  datetimetoticks: (value) => {
    const ms = parseDateTime(value);
    return ms === undefined ? undefined : ms * 10_000 + epochTicks;
  },
  timestamptodatetime: (ms) => (num(ms) ? formatDateTime(ms) : undefined),
  tickstodatetime: (ticks) => (num(ticks) ? formatDateTime((ticks - epochTicks) / 10_000) : undefined),
  datetimebin: (value, part, size = 1) => {
    const unit = str(part) ? partAliases[part.toLowerCase()] : undefined;
    const ms = parseDateTime(value);
    if (!unit || ms === undefined || !num(size) || size <= 0) return undefined;
    if (unit === 'year' || unit === 'month') {
      const d = new Date(ms);
      const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
      const step = unit === 'year' ? 12 * size : size;
      const binned = Math.floor(months / step) * step;
      return formatDateTime(Date.UTC(Math.floor(binned / 12), binned % 12, 1));
    }
    const width = msPer[unit]! * size;
    return formatDateTime(Math.floor(ms / width) * width);
  },
};

export const builtIns: Record<string, BuiltIn> = { ...string, ...mathematics, ...arrays, ...types, ...dates };

/** Aggregates are evaluated over a group of rows, not per row. */
export const aggregateNames = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'countif',
  'makelist',
  'makeset',
]);

export function aggregate(name: string, values: unknown[]): unknown {
  const defined = values.filter((v) => v !== undefined);
  switch (name) {
    case 'count':
      return defined.length;
    case 'countif':
      return defined.filter((v) => v === true).length;
    case 'sum':
      if (!defined.every(num)) return undefined;
      return (defined as number[]).reduce((a, b) => a + b, 0);
    case 'avg':
      if (defined.length === 0 || !defined.every(num)) return undefined;
      return (defined as number[]).reduce((a, b) => a + b, 0) / defined.length;
    case 'min':
    case 'max': {
      const comparable = defined.filter(
        (v) => v === null || ['number', 'string', 'boolean'].includes(typeof v),
      );
      if (comparable.length === 0) return undefined;
      return comparable.reduce((best, v) =>
        (name === 'min' ? orderCompare(v, best) < 0 : orderCompare(v, best) > 0) ? v : best,
      );
    }
    case 'makelist':
      return defined;
    default:
      return distinct(defined);
  }
}
