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
