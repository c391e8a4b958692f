import { NumberFormatException } from '../api/errors.ts';
import type { Decimal } from './schema.ts';

/**
 * Java's text forms of numbers, which show through Jackson (`100.0`, `1.0E20`), `String.valueOf` in StringConverter,
 * Cast's `…→string` and header values. JavaScript and Java agree on the shortest round-trip digits; they differ
 * in where the point and exponent go.
 */
function javaFromDigits(digits: string, exponent: number, negative: boolean): string {
  // digits = "d1d2…", value = 0.d1d2… × 10^exponent
  const sign = negative ? '-' : '';
  const pointAt = exponent; // number of digits before the decimal point
  const magnitude = exponent - 1; // scientific exponent of the first digit
  if (magnitude >= -3 && magnitude < 7) {
    if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
    if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}.0`;
    return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  }
  const fraction = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0]}.${fraction}E${magnitude}`;
}

function shortestDigits(text: string): { digits: string; exponent: number } {
  // text is JS exponential form: "d.dddde±n"
  const [mantissa, exp] = text.split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exponent: Number(exp) + 1 };
}

/** `Double.toString(value)`. */
export function formatJavaDouble(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // Where Java writes plain digits, JavaScript does too, with the same shortest digits; Java adds `.0` to whole numbers.
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const { digits, exponent } = shortestDigits(Math.abs(value).toExponential());
  return javaFromDigits(digits, exponent, value < 0);
}

/** `Float.toString(value)` for a value that is a float32 (shortest digits that round-trip through float32). */
export function formatJavaFloat(value: number): string {
  if (!Number.isFinite(value) || value === 0) return formatJavaDouble(value);
  const single = Math.fround(value);
  for (let precision = 1; precision <= 9; precision++) {
    const text = Math.abs(single).toExponential(precision - 1);
    if (Math.fround(Number(text)) === Math.abs(single)) {
      const { digits, exponent } = shortestDigits(text);
      return javaFromDigits(digits, exponent, single < 0);
    }
  }
  return formatJavaDouble(single);
}

/** `BigDecimal.toString()`: plain unless the exponent is small, then scientific (`1E+3`, `1.23E-8`). */
export function formatJavaDecimal(decimal: Decimal): string {
  const negative = decimal.unscaled < 0n;
  const digits = (negative ? -decimal.unscaled : decimal.unscaled).toString();
  const scale = decimal.scale;
  const adjusted = digits.length - 1 - scale;
  const sign = negative ? '-' : '';
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + digits;
    const padded = digits.padStart(scale + 1, '0');
    return `${sign}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** A decimal from its text (`12.30` → unscaled 1230, scale 2), as `new BigDecimal(text)`. */
export function parseJavaDecimal(text: string): Decimal {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new NumberFormatException(`Character array is missing "exponent" mark 'e' or 'E'.`);
  }
  const fraction = match[3] ?? '';
  const unscaled = BigInt(`${match[1]}${match[2]}${fraction}` || '0');
  return { unscaled, scale: fraction.length - Number(match[4] ?? 0) };
}

/** `Decimal` → nearest double (`BigDecimal.doubleValue()`). */
export function decimalToNumber(decimal: Decimal): number {
  return Number(formatJavaDecimal(decimal).replace('E+', 'e').replace('E', 'e'));
}

/** A `java.util.Date`'s default `toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`. */
export function formatJavaDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}
