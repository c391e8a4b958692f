import { javaClassDescription } from '../data/java-values.ts';
import { JsonDouble, jsonNodeType, type JsonNode } from '../data/json.ts';
import { decodeDecimalBytes } from '../data/logical.ts';
import { DataException, Struct, logicalNames, type Schema, type SchemaType } from '../data/schema.ts';

/**
 * The JSON-node level of JsonConverter: Jackson's conversions of single nodes (`intValue()` of a text node is 0,
 * `isInt()` only for values that fit an int), schemaless type inference and the logical types' JSON forms.
 */
export function invalidType(schema: Schema | null, value: unknown): never {
  throw new DataException(
    `Invalid type for ${schema ? schema.type.toUpperCase() : 'unknown schema'}: ${javaClassDescription(value)}`,
  );
}

/** Jackson `asText()` of a serialized key: strings unquoted, anything else as written. */
export function keyText(json: string): string {
  return json.startsWith('"') ? (JSON.parse(json) as string) : json;
}

export function jsonDouble(value: number, format: (n: number) => string): string {
  // Jackson writes NaN and infinities as quoted strings unless told otherwise
  return Number.isFinite(value) ? format(value) : `"${format(value)}"`;
}

export function jsonTypeName(type: SchemaType): string {
  return type === 'float32' ? 'float' : type === 'float64' ? 'double' : type;
}

export function schemalessType(value: unknown): SchemaType | undefined {
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Struct) return 'struct';
  return undefined;
}

export function schemalessToConnect(node: JsonNode | undefined): unknown {
  if (node === undefined || node === null) return null;
  if (typeof node === 'bigint') return BigInt.asIntN(64, node);
  if (node instanceof JsonDouble) return node.value;
  if (Array.isArray(node)) return node.map(schemalessToConnect);
  if (node instanceof Map) {
    const result = new Map<string, unknown>();
    for (const [k, v] of node) result.set(k, schemalessToConnect(v));
    return result;
  }
  return node;
}

export function numberOf(node: JsonNode): bigint | number {
  if (typeof node === 'bigint') return node;
  if (node instanceof JsonDouble) return node.value;
  return 0; // Jackson's intValue() of a non-number node
}

export function doubleOf(node: JsonNode): number {
  return typeof node === 'bigint' ? Number(node) : node instanceof JsonDouble ? node.value : 0;
}

export function toJavaLong(value: bigint | number): bigint {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (Number.isNaN(value)) return 0n;
  if (value >= 2 ** 63) return 2n ** 63n - 1n;
  if (value <= -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(value));
}

export function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(text)) throw new DataException('Invalid bytes field');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function logicalToConnect(schema: Schema, node: JsonNode): unknown {
  switch (schema.name) {
    case logicalNames.decimal: {
      if (typeof node === 'bigint') return { unscaled: node, scale: 0 };
      if (node instanceof JsonDouble) return decimalFromLexeme(node.lexeme);
      if (typeof node === 'string') {
        try {
          return decodeDecimalBytes(schema, decodeBase64(node));
        } catch (error) {
          throw new DataException('Invalid bytes for Decimal field', { cause: error });
        }
      }
      throw new DataException(
        `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${jsonNodeType(node)}`,
      );
    }
    case logicalNames.date:
      if (!isJacksonInt(node))
        throw new DataException(
          `Invalid type for Date, underlying representation should be integer but was ${jsonNodeType(node)}`,
        );
      return new Date(Number(node) * 86_400_000);
    case logicalNames.time:
      if (!isJacksonInt(node))
        throw new DataException(
          `Invalid type for Time, underlying representation should be integer but was ${jsonNodeType(node)}`,
        );
      if (node < 0n || node >= 86_400_000n)
        throw new DataException(
          'Time values must use number of milliseconds greater than 0 and less than 86400000',
        );
      return new Date(Number(node));
    case logicalNames.timestamp:
      if (typeof node !== 'bigint')
        throw new DataException(
          `Invalid type for Timestamp, underlying representation should be integral but was ${jsonNodeType(node)}`,
        );
      return new Date(Number(node));
    default:
      return undefined;
  }
}

/** Jackson parses integers that fit an int as IntNode; `isInt()` is true only for those. */
export function isJacksonInt(node: JsonNode): node is bigint {
  return typeof node === 'bigint' && node >= -(2n ** 31n) && node < 2n ** 31n;
}

export function decimalFromLexeme(lexeme: string): { unscaled: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lexeme)!;
  const fraction = match[3] ?? '';
  return {
    unscaled: BigInt(`${match[1]}${match[2]}${fraction}`),
    scale: fraction.length - Number(match[4] ?? 0),
  };
}
