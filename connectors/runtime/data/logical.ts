import { DataException, type Decimal, type Schema } from './schema.ts';

/**
 * Kafka Connect's logical types (`Decimal`, `Date`, `Time`, `Timestamp` in `org.apache.kafka.connect.data`):
 * conversions between the logical value (JS `Date`, `Decimal`) and the wire form, with Apache's messages.
 */
const MILLIS_PER_DAY = 86_400_000;

/** Java's `(int)` of a long or double: wraps longs, saturates doubles. */
export function toJavaInt(value: bigint | number): number {
  if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value));
  if (Number.isNaN(value)) return 0;
  if (value >= 2 ** 31 - 1) return 2 ** 31 - 1;
  if (value <= -(2 ** 31)) return -(2 ** 31);
  return Math.trunc(value);
}

export function decimalScale(schema: Schema): number {
  const scale = schema.parameters?.scale;
  if (scale === undefined) throw new DataException('Invalid Decimal schema: scale parameter not found.');
  return Number.parseInt(scale, 10);
}

/** `Decimal.fromLogical`: big-endian two's-complement bytes of the unscaled value. */
export function encodeDecimalBytes(schema: Schema, value: Decimal): Uint8Array {
  if (value.scale !== decimalScale(schema))
    throw new DataException(
      `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${decimalScale(schema)}, value has scale ${value.scale}.`,
    );
  let n = value.unscaled;
  const bytes: number[] = [];
  // Minimal two's complement: stop once the remaining value is all sign bits and the sign bit agrees.
  for (;;) {
    const byte = Number(BigInt.asUintN(8, n));
    bytes.unshift(byte);
    n >>= 8n;
    if ((n === 0n && (byte & 0x80) === 0) || (n === -1n && (byte & 0x80) !== 0)) break;
  }
  return new Uint8Array(bytes);
}

/** `Decimal.toLogical`: unscaled value from two's-complement bytes, scale from the schema. */
export function decodeDecimalBytes(schema: Schema, bytes: Uint8Array): Decimal {
  if (bytes.length === 0) throw new DataException('Zero length BigInteger');
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return { unscaled: BigInt.asIntN(bytes.length * 8, n), scale: decimalScale(schema) };
}

/** `Date.fromLogical`: days since epoch; the value must be a UTC midnight. */
export function fromLogicalDate(value: Date): number {
  const millis = value.getTime();
  if (millis % MILLIS_PER_DAY !== 0)
    throw new DataException(
      'Kafka Connect Date type should not have any time fields set to non-zero values.',
    );
  return millis / MILLIS_PER_DAY;
}

/** `Time.fromLogical`: ms since midnight; the value must be on 1970-01-01. */
export function fromLogicalTime(value: Date): number {
  const millis = value.getTime();
  if (millis < 0 || millis >= MILLIS_PER_DAY)
    throw new DataException(
      'Kafka Connect Time type should not have any date fields set to non-zero values.',
    );
  return millis;
}
