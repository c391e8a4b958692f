export { ConfigException, IllegalArgumentException } from '../api/errors.ts';

/** Java's `ConfigException(name, value, message)` text. */
export function invalidValue(name: string, value: unknown, message: string): string {
  return `Invalid value ${javaText(value)} for configuration ${name}: ${message}`;
}

/** How Java prints a parsed config value in messages (`[a, b]` for lists, `null`). */
export function javaText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}
