import { HackError } from '../errors.ts';

/**
 * A request the emulated service refuses. It carries the HTTP status and the Azure error code so the server can
 * answer with Azure's envelope `{"error":{"code","message"}}` — the only shape the SDK reads code and message from.
 */
export class SearchRequestError extends HackError {
  readonly status: number;
  readonly code: string;
  /** The service's inner errors (`details[]`), each with its own code. */
  readonly details: { code: string; message: string }[];

  constructor(
    status: number,
    code: string,
    message: string,
    details: { code: string; message: string }[] = [],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
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

/**
 * An index or synonym-map definition the service refuses, in its shape: code `InvalidRequestParameter`, the message
 * prefixed "The request is invalid. Details: definition : ", one detail with a specific code (`InvalidField`, …).
 */
export const invalidDefinition = (message: string, detailCode = 'InvalidField'): SearchRequestError =>
  new SearchRequestError(
    400,
    'InvalidRequestParameter',
    `The request is invalid. Details: definition : ${message}`,
    [{ code: detailCode, message: `${message} Parameters: definition` }],
  );
