import { decimalToNumber, parseJavaDecimal } from '../data/java-format.ts';
import { DataException, NumberFormatException } from '../api/errors.ts';

/**
 * Java's number parsing as the transforms use it: `Values.convertToLong` (`new BigDecimal(s).longValue()`),
 * `Integer.parseInt` and friends (strict), `Double.parseDouble` (lenient: whitespace, `f`/`d` suffix, NaN).
 */

/** `Values.asLong` of a string: BigDecimal then longValue (truncating, wrapping). */
export function javaLongFromString(text: string): bigint {
  let decimal;
  try {
    decimal = parseJavaDecimal(text);
  } catch {
    throw new DataException(`Unable to convert ${text} (class java.lang.String) to a number`);
  }
  const integral =
    decimal.scale <= 0
      ? decimal.unscaled * 10n ** BigInt(-decimal.scale)
      : decimal.unscaled / 10n ** BigInt(decimal.scale);
  return BigInt.asIntN(64, integral);
}

/** `Values.asDouble` of a string: BigDecimal then doubleValue. */
export function javaDoubleFromString(text: string): number {
  try {
    return decimalToNumber(parseJavaDecimal(text));
  } catch {
    throw new DataException(`Unable to convert ${text} (class java.lang.String) to a number`);
  }
}

/** `Long.parseLong` / `Integer.parseInt` etc. with a bit width: strict decimal digits, optional sign. */
export function javaParseInteger(text: string, bits: 8 | 16 | 32 | 64): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new NumberFormatException(`For input string: "${text}"`);
  const value = BigInt(text);
  const limit = 1n << BigInt(bits - 1);
  if (value < -limit || value >= limit) {
    throw new NumberFormatException(`Value out of range. Value:"${text}" Radix:10`);
  }
  return value;
}

/** `Double.parseDouble`. */
export function javaParseDouble(text: string): number {
  const trimmed = text.trim();
  const match = /^([+-]?)(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?$/.exec(trimmed);
  if (!match)
    throw new NumberFormatException(trimmed === '' ? 'empty String' : `For input string: "${text}"`);
  if (match[2] === 'NaN') return NaN;
  const value = match[2] === 'Infinity' ? Infinity : Number(match[2]);
  return match[1] === '-' ? -value : value;
}
