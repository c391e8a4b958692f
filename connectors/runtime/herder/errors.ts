import { ConnectException } from '../api/errors.ts';

/** Apache's ConnectRestException: an error with the HTTP status the REST API answers with. */
export class ConnectRestException extends ConnectException {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export const badRequest = (message: string): ConnectRestException => new ConnectRestException(400, message);
export const notFound = (message: string): ConnectRestException => new ConnectRestException(404, message);
export const conflict = (message: string): ConnectRestException => new ConnectRestException(409, message);
