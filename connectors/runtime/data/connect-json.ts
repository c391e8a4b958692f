import { Struct, type Decimal } from './schema.ts';

/**
 * Connect data ↔ plain JSON documents. Sinks hand Azure plain JSON; sources hand the worker Connect data
 * (`connectors/runtime/data/schema.ts` conventions) so that JsonConverter with `schemas.enable=false` prints the
 * document unchanged. Both Azure sinks and the Cosmos source use these two functions and nothing else, so they live with the data.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function isDecimal(value: object): value is Decimal {
  return (
    typeof (value as Decimal).unscaled === 'bigint' &&
    typeof (value as Decimal).scale === 'number' &&
    Object.keys(value).length === 2
  );
}

function decimalToJson(decimal: Decimal): number | string {
  const negative = decimal.unscaled < 0n;
  const digits = (negative ? -decimal.unscaled : decimal.unscaled).toString();
  let text: string;
  if (decimal.scale <= 0) text = digits + '0'.repeat(-decimal.scale);
  else {
    const padded = digits.padStart(decimal.scale + 1, '0');
    text = `${padded.slice(0, -decimal.scale)}.${padded.slice(-decimal.scale)}`;
  }
  text = (negative ? '-' : '') + text;
  // A number when it survives the round trip (what a JSON reader expects of a price), else the exact text.
  const number = Number(text);
  const exact = decimal.scale > 0 ? number.toFixed(decimal.scale) === text : Number.isSafeInteger(number);
  return Number.isFinite(number) && exact ? number : text;
}

/**
 * Connect data → JSON: bigint → number when it is a safe integer, else its decimal string; Map and Struct →
 * objects; Date → ISO-8601; bytes → base64; Decimal → number when exact, else its string; NaN/±Infinity → null
 * (JSON has no spelling for them). Throws TypeError for values JSON cannot carry (functions, symbols).
 */
export function connectToJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case 'object':
      break;
    default:
      throw new TypeError(`A ${typeof value} cannot be written as JSON`);
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((item) => connectToJson(item));
  if (value instanceof Struct) {
    const result: Record<string, JsonValue> = {};
    for (const field of value.schema.fields ?? []) result[field.name] = connectToJson(value.get(field.name));
    return result;
  }
  if (value instanceof Map) {
    const result: Record<string, JsonValue> = {};
    for (const [key, item] of value) result[String(key)] = connectToJson(item);
    return result;
  }
  if (isDecimal(value)) return decimalToJson(value);
  const result: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) result[key] = connectToJson(item);
  }
  return result;
}

/**
 * JSON → schemaless Connect data, as Apache's JsonConverter reads it with `schemas.enable=false`: objects become
 * `Map`s, integers `bigint` (int64), other numbers stay doubles.
 */
export function jsonToConnect(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number')
    return Number.isInteger(value) && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((item) => jsonToConnect(item));
  if (typeof value === 'object') {
    const result = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value)) result.set(key, jsonToConnect(item));
    return result;
  }
  return value;
}

/** True when a Connect value is a JSON object in one of its shapes (Map, Struct or plain object). */
export function isConnectObject(value: unknown): boolean {
  return (
    value instanceof Map ||
    value instanceof Struct ||
    (typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      !(value instanceof Uint8Array) &&
      !(value instanceof Date) &&
      !isDecimal(value))
  );
}
