import { HackError } from '../errors.ts';

/** Cosmos DB's error codes by HTTP status, as they appear in the `code` field of an error body. */
const codeByStatus: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/**
 * A failure the emulator reports to its client with Cosmos DB's status code and `{code, message}` body.
 * `details` become the `Message: {...}` JSON part of the message, the way the service formats it.
 */
export class CosmosError extends HackError {
  readonly status: number;
  readonly substatus: number | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { substatus?: number; headers?: Record<string, string>; fix?: string } = {},
  ) {
    super(message, { fix: options.fix, retriable: status === 429 || status === 503 });
    this.status = status;
    this.substatus = options.substatus;
    this.headers = options.headers ?? {};
  }

  get code(): string {
    return codeByStatus[this.status] ?? 'Error';
  }

  /** The response body Cosmos DB sends. */
  body(activityId: string): { code: string; message: string } {
    return {
      code: this.code,
      message: `${this.messageJson()}\r\nActivityId: ${activityId}, Microsoft.Azure.Documents.Common/2.14.0`,
    };
  }

  protected messageJson(): string {
    return `Message: ${JSON.stringify({ Errors: [this.message] })}`;
  }
}

/** A query that does not parse, or names something it cannot resolve: 400 with the position, like Cosmos DB. */
export class QueryError extends CosmosError {
  readonly start: number;
  readonly end: number;
  readonly errorCode: string;

  constructor(message: string, start: number, end: number, errorCode = 'SC1001') {
    super(400, message);
    this.start = start;
    this.end = end;
    this.errorCode = errorCode;
  }

  protected override messageJson(): string {
    return `Message: ${JSON.stringify({
      errors: [
        {
          severity: 'Error',
          location: { start: this.start, end: this.end },
          code: this.errorCode,
          message: this.message,
        },
      ],
    })}`;
  }
}

export const notFound = (what = 'Resource'): CosmosError =>
  new CosmosError(404, `${what} Not Found. Learn more: https://aka.ms/cosmosdb-tsg-not-found`);
export const conflict = (): CosmosError =>
  new CosmosError(409, 'Entity with the specified id already exists in the system.');
export const preconditionFailed = (): CosmosError =>
  new CosmosError(
    412,
    'One of the specified pre-condition is not met. Learn more: https://aka.ms/CosmosDB/sql/errors/precondition-failed',
  );
export const badRequest = (message: string): CosmosError => new CosmosError(400, message);
