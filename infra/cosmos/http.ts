import type { Context } from 'hono';
import { CosmosError, badRequest } from './errors.ts';

/** What every handler needs from a request: decoded path segments, headers, and the body as JSON. */
export interface CosmosRequest {
  method: string;
  segments: string[];
  header(name: string): string | undefined;
  text(): Promise<string>;
  json(): Promise<unknown>;
  activityId: string;
}

export interface CosmosResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function cosmosRequest(c: Context, activityId: string): CosmosRequest {
  const path = new URL(c.req.url).pathname;
  const segments = path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw badRequest(`The path segment ${s} is not valid URL encoding.`);
      }
    });
  let text: Promise<string> | undefined;
  const readText = (): Promise<string> => (text ??= c.req.text());
  return {
    method: c.req.method,
    segments,
    header: (name) => c.req.header(name),
    text: readText,
    async json() {
      const body = await readText();
      try {
        return JSON.parse(body) as unknown;
      } catch (error) {
        throw new CosmosError(400, `The request body is not valid JSON: ${(error as Error).message}`);
      }
    },
    activityId,
  };
}

export function ok(body: unknown, headers: Record<string, string> = {}, status = 200): CosmosResponse {
  return { status, body, headers };
}

/** `x-ms-max-item-count`: absent means the service default (100), -1 means as many as fit. */
export function pageSize(request: CosmosRequest, fallback = 100): number {
  const raw = request.header('x-ms-max-item-count');
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value === 0 || value < -1)
    throw badRequest(`Invalid x-ms-max-item-count ${raw}.`);
  return value === -1 ? Number.MAX_SAFE_INTEGER : value;
}

export function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}
