import { HackError } from '../errors.ts';

/**
 * A request the registry refuses, answered as Confluent's Schema Registry does: the HTTP status and the body
 * `{"error_code": n, "message": "…"}` — the shape Confluent's clients read `errorCode` and `message` from.
 */
export class RegistryError extends HackError {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Confluent's error codes (io.confluent.kafka.schemaregistry.rest.exceptions), as data. */
export const errorCodes = {
  unauthorized: 401,
  subjectNotFound: 40401,
  versionNotFound: 40402,
  schemaNotFound: 40403,
  subjectSoftDeleted: 40404,
  subjectNotSoftDeleted: 40405,
  versionSoftDeleted: 40406,
  versionNotSoftDeleted: 40407,
  subjectCompatibilityNotConfigured: 40408,
  incompatibleSchema: 409,
  invalidSchema: 42201,
  invalidVersion: 42202,
  invalidCompatibilityLevel: 42203,
  invalidMode: 42204,
  operationNotPermitted: 42205,
  referenceExists: 42206,
  storeError: 50001,
} as const;

export const subjectNotFound = (subject: string): RegistryError =>
  new RegistryError(404, errorCodes.subjectNotFound, `Subject '${subject}' not found.`);

export const versionNotFound = (version: number | string): RegistryError =>
  new RegistryError(404, errorCodes.versionNotFound, `Version ${version} not found.`);

export const schemaNotFound = (detail = 'Schema not found'): RegistryError =>
  new RegistryError(404, errorCodes.schemaNotFound, detail);

export const invalidSchema = (message: string): RegistryError =>
  new RegistryError(422, errorCodes.invalidSchema, message);

export const invalidVersion = (version: string): RegistryError =>
  new RegistryError(
    422,
    errorCodes.invalidVersion,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );

/** One reason a schema is incompatible, in the shape Confluent prints in its messages. */
export interface Incompatibility {
  errorType: string;
  description: string;
  additionalInfo: string;
}
