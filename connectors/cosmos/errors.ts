import type { ParsedConfig } from '../runtime/api/config.ts';
import { ConnectException } from '../runtime/api/errors.ts';

/** Cosmos DB refused a write; DLQ headers name the Java SDK's exception class, as the official connector's do. */
export class CosmosWriteException extends ConnectException {
  override readonly javaClass: string = 'com.azure.cosmos.CosmosException';
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, cause?: unknown) {
    super(message, cause === undefined ? {} : { cause });
    this.status = status;
  }
}

/** All errors of a parsed config in one line, for a task that was handed a config the worker did not validate. */
export function configErrorMessage(config: ParsedConfig): string {
  const problems = Object.values(config.errors).flat();
  return `Invalid connector configuration: ${problems.join('; ')}`;
}
