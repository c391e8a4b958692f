import type { Document } from 'bson';

/** A command failure as MongoDB reports it: `{ ok: 0, errmsg, code, codeName }`. */
export class MongoError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly codeName: string,
    readonly errorLabels?: string[],
  ) {
    super(message);
  }

  toReply(): Document {
    return {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: this.codeName,
      ...(this.errorLabels ? { errorLabels: this.errorLabels } : {}),
    };
  }
}

export const badValue = (message: string): MongoError => new MongoError(2, message, 'BadValue');
export const failedToParse = (message: string): MongoError => new MongoError(9, message, 'FailedToParse');
export const commandNotFound = (name: string): MongoError =>
  new MongoError(59, `no such command: '${name}'`, 'CommandNotFound');
export const namespaceNotFound = (message = 'ns not found'): MongoError =>
  new MongoError(26, message, 'NamespaceNotFound');
export const duplicateKey = (ns: string, id: unknown): MongoError =>
  new MongoError(
    11000,
    `E11000 duplicate key error collection: ${ns} index: _id_ dup key: { _id: ${JSON.stringify(String(id))} }`,
    'DuplicateKey',
  );
export const authenticationFailed = (): MongoError =>
  new MongoError(18, 'Authentication failed.', 'AuthenticationFailed');
export const unauthorized = (command: string): MongoError =>
  new MongoError(13, `Command ${command} requires authentication`, 'Unauthorized');
