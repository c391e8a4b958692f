import {
  readConfig,
  type ConfigKey,
  type ConfigReader,
  type ConfigSpec,
  type ConfigValue,
} from '../api/config.ts';
import { invalidValue } from './errors.ts';
import { compileJavaRegex } from './java-regex.ts';

/**
 * Transform and predicate config specs. A spec is a function of the key prefix so that the same definition
 * serves a plugin's own `config()` (no prefix) and a connector's validate (`transforms.<alias>.`), with Apache's
 * messages naming the key as the user wrote it.
 */
export type { ConfigReader };
export type SpecFactory = (prefix: string) => ConfigKey[];

export function toSpec(keys: SpecFactory, prefix = ''): ConfigSpec {
  return { keys: keys(prefix) };
}

/** `SimpleConfig(CONFIG_DEF, props)`: parsed values, or the first error as a ConfigException. */
export function configureWith(keys: SpecFactory, props: Record<string, string>): ConfigReader {
  return readConfig(toSpec(keys), props);
}

// ----------------------------------------------------------------------------------- Apache's validators

// Validators see the key name without the `transforms.<alias>.` prefix, as Apache's embedded validators do, and
// (in validate) also null values: missing keys and values that failed to parse.

/** `NonEmptyListValidator`. */
export const nonEmptyList =
  (name: string) =>
  (value: ConfigValue): string | undefined =>
    value === null || (Array.isArray(value) && value.length === 0)
      ? invalidValue(name, value, 'Empty list')
      : undefined;

/** `ConfigDef.NonEmptyString`. */
export const nonEmptyString =
  (name: string) =>
  (value: ConfigValue): string | undefined =>
    typeof value === 'string' && value.trim() === ''
      ? invalidValue(name, value, 'String must be non-empty')
      : undefined;

/** `ConfigDef.ValidString.in(…)` (case-sensitive; null is not one of them). */
export const validString =
  (name: string, allowed: string[]) =>
  (value: ConfigValue): string | undefined =>
    !(typeof value === 'string' && allowed.includes(value))
      ? invalidValue(name, value, `String must be one of: ${allowed.join(', ')}`)
      : undefined;

/** `ConfigDef.CaseInsensitiveValidString.in(…)` (null is refused). */
export const validStringIgnoreCase =
  (name: string, allowed: string[]) =>
  (value: ConfigValue): string | undefined =>
    !(typeof value === 'string' && allowed.some((entry) => entry.toLowerCase() === value.toLowerCase()))
      ? invalidValue(name, value, `String must be one of (case insensitive): ${allowed.join(', ')}`)
      : undefined;

/** transforms' `RegexValidator`. */
export const validRegex =
  (name: string) =>
  (value: ConfigValue): string | undefined => {
    if (value === null) {
      // Pattern.compile(null) fails inside the JDK with this NPE text
      return invalidValue(
        name,
        null,
        'Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null',
      );
    }
    if (typeof value !== 'string') return undefined;
    try {
      compileJavaRegex(value);
      return undefined;
    } catch (error) {
      return invalidValue(name, value, `Invalid regex: ${(error as Error).message}`);
    }
  };

export const replaceNullWithDefaultKey = (prefix: string): ConfigKey => ({
  name: `${prefix}replace.null.with.default`,
  type: 'BOOLEAN',
  default: true,
  importance: 'MEDIUM',
  documentation:
    'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
});
