import { HackError } from '../errors.ts';

/**
 * A request the emulated service refuses. It carries the HTTP status and the Azure error code so the server can
 * answer with Azure's envelope `{"error":{"code","message"}}` — the only shape the SDK reads code and message from.
 */
export class SearchRequestError extends HackError {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (message: string, code = 'InvalidRequestParameter'): SearchRequestError =>
  new SearchRequestError(400, code, message);

export const notFound = (message: string): SearchRequestError =>
  new SearchRequestError(404, 'ResourceNameNotFound', message);

/** For parameters we recognise but do not emulate: the caller learns which one, instead of a silent difference. */
export const unsupported = (parameter: string, detail = ''): SearchRequestError =>
  new SearchRequestError(
    400,
    'UnsupportedParameter',
    `The parameter '${parameter}' is not supported by the connect-hack Search emulator${detail ? `: ${detail}` : ''}.`,
  );
