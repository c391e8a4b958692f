import type { Context } from 'hono';
import { AlreadyExistsException, NotFoundException } from '../api/errors.ts';
import { ConnectRestException } from '../herder/errors.ts';
import { PluginNotFoundException } from '../plugins.ts';

/** Apache's ConnectExceptionMapper: every error answers `{"error_code": status, "message": …}`. */
export function errorBody(c: Context, status: number, message: string | null): Response {
  return c.json({ error_code: status, message }, status as 400);
}

export function statusOf(error: unknown): number {
  if (error instanceof ConnectRestException) return error.status;
  if (error instanceof PluginNotFoundException) return 400;
  if (error instanceof NotFoundException) return 404;
  if (error instanceof AlreadyExistsException) return 409;
  return 500;
}

export function handleError(error: unknown, c: Context): Response {
  return errorBody(c, statusOf(error), error instanceof Error ? error.message : String(error));
}
