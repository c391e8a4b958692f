/**
 * The one error base class of the harness (kafkajs' `KafkaJSError` is the model): every failure a user can meet
 * says what went wrong and, in `fix`, what to do about it. The CLI prints `message` and `fix` — never a stack
 * trace — for any HackError; anything else is a bug and is printed with its trace.
 */
export class HackError extends Error {
  readonly retriable: boolean;
  readonly fix: string | undefined;
  readonly context: Record<string, unknown>;

  constructor(
    message: string,
    options: { fix?: string; retriable?: boolean; cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
    this.fix = options.fix;
    this.context = options.context ?? {};
  }
}

/** A prerequisite is missing or unusable (Java, Maven, a port, the disk). `hack doctor` explains these. */
export class PrerequisiteError extends HackError {}

/** A service did not start, answer or stop in time. */
export class ServiceError extends HackError {}

/** Invalid command-line options or config files. */
export class UsageError extends HackError {}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
