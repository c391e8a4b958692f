/**
 * The plugin API's exceptions, mirroring Java's: one root, `JavaException`, independent of the CLI (the CLI maps
 * these to messages at its edge). `javaClass` is what appears in DLQ headers
 * (`__connect.errors.exception.class.name`) and status traces, so a participant sees the names they would see on
 * a real cluster. The hierarchy follows Java's, so `instanceof` answers as Java's `catch` would:
 * DataException and RetriableException are ConnectExceptions; NumberFormatException is an IllegalArgumentException.
 */
export class JavaException extends Error {
  readonly javaClass: string = 'java.lang.RuntimeException';
  /** What the user can do about it; the CLI prints it under the message (Java has no such field). */
  readonly fix: string | undefined;
  constructor(message: string, options: { cause?: unknown; fix?: string | undefined } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.fix = options.fix;
  }
}

/** `org.apache.kafka.connect.errors.ConnectException`. */
export class ConnectException extends JavaException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.ConnectException';
}

/** A failure worth trying again: the framework pauses, backs off and redelivers (`SinkTask.put`) or re-polls. */
export class RetriableException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.RetriableException';
  readonly retriable = true;
}

/** `org.apache.kafka.connect.errors.DataException`: bad data (conversion, schema mismatch). Not retriable. */
export class DataException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.DataException';
}

export class NotFoundException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.NotFoundException';
}

export class AlreadyExistsException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.AlreadyExistsException';
}

/**
 * `org.apache.kafka.common.config.ConfigException`: a plugin rejected its config when it was configured (Apache
 * throws these from `configure`, so they surface when a task starts, not from validate).
 */
export class ConfigException extends JavaException {
  override readonly javaClass: string = 'org.apache.kafka.common.config.ConfigException';
}

/** `java.lang.IllegalArgumentException`, e.g. ExtractField's "Unknown field". */
export class IllegalArgumentException extends JavaException {
  override readonly javaClass: string = 'java.lang.IllegalArgumentException';
}

/** `java.lang.NumberFormatException` (`Integer.parseInt`, `new BigDecimal(…)`). */
export class NumberFormatException extends IllegalArgumentException {
  override readonly javaClass: string = 'java.lang.NumberFormatException';
}

/** The Java exception class name of any error, for DLQ headers and traces. */
export function javaClassOf(error: unknown): string {
  const named = (error as { javaClass?: unknown } | null)?.javaClass;
  if (typeof named === 'string') return named;
  if (error instanceof TypeError || error instanceof RangeError) return 'java.lang.IllegalArgumentException';
  return 'org.apache.kafka.connect.errors.ConnectException';
}
