import { HackError } from '../../../infra/errors.ts';

/**
 * `org.apache.kafka.common.config.ConfigException`: a transform or predicate rejected its config when it was
 * configured (Apache throws these from `configure`, so they surface when a task starts, not from validate).
 */
export class ConfigException extends HackError {
  readonly javaClass = 'org.apache.kafka.common.config.ConfigException';
}

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

/** `IllegalArgumentException`, e.g. ExtractField's "Unknown field". */
export class IllegalArgumentException extends HackError {
  readonly javaClass = 'java.lang.IllegalArgumentException';
}
