import type { IncomingMessage } from 'node:http';
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
  let text: Promise<string> | undefined;
  return requestOf(
    c.req.method,
    new URL(c.req.url).pathname,
    (name) => c.req.header(name),
    () => (text ??= c.req.text()),
    activityId,
  );
}

/** The same from a plain Node request: what the server runs. */
export function nodeCosmosRequest(req: IncomingMessage, activityId: string): CosmosRequest {
  let text: Promise<string> | undefined;
  const readBody = (): Promise<string> =>
    (text ??= new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    }));
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const header = (name: string): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return requestOf(
    req.method ?? 'GET',
    query === -1 ? url : url.slice(0, query),
    header,
    readBody,
    activityId,
  );
}

function requestOf(
  method: string,
  path: string,
  header: (name: string) => string | undefined,
  readText: () => Promise<string>,
  activityId: string,
): CosmosRequest {
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
  return {
    method,
    segments,
    header,
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
