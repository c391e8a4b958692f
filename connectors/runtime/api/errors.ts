import { HackError } from '../../../infra/errors.ts';

/**
 * Kafka Connect's exceptions. `javaClass` is what appears in DLQ headers (`__connect.errors.exception.class.name`)
 * and status traces, so a participant sees the names they would see on a real cluster.
 */
export class ConnectException extends HackError {
  readonly javaClass: string = 'org.apache.kafka.connect.errors.ConnectException';
}

/** A failure worth trying again: the framework pauses, backs off and redelivers (`SinkTask.put`) or re-polls. */
export class RetriableException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.RetriableException';
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, { ...options, retriable: true });
  }
}

export class NotFoundException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.NotFoundException';
}

export class AlreadyExistsException extends ConnectException {
  override readonly javaClass: string = 'org.apache.kafka.connect.errors.AlreadyExistsException';
}

export { DataException } from '../data/schema.ts';

/** The Java exception class name of any error, for DLQ headers and traces. */
export function javaClassOf(error: unknown): string {
  const named = (error as { javaClass?: unknown } | null)?.javaClass;
  if (typeof named === 'string') return named;
  if (error instanceof TypeError || error instanceof RangeError) return 'java.lang.IllegalArgumentException';
  return 'org.apache.kafka.connect.errors.ConnectException';
}
