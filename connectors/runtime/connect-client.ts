import { HackError } from '../../infra/errors.ts';

/** A failed call to a Connect REST API, carrying Apache's `error_code` and `message`. */
export class ConnectApiError extends HackError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message, {
      fix:
        status === 404
          ? 'List the connectors with `npx hack connectors get`.'
          : status === 400
            ? 'Fix the config; `npx hack connectors describe <name>` and the validate endpoint name the keys.'
            : undefined,
    });
  }
}

/**
 * A small client for any Kafka Connect REST API (ours or Apache's): the CLI and other parts use it so that
 * the same commands work against a real cluster.
 */
export class ConnectClient {
  constructor(readonly url: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.url.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new HackError(`Kafka Connect at ${this.url} does not answer.`, {
        fix: 'Start the stack with `npx hack up --detach`, or pass the worker with --url.',
        cause: error,
      });
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.status >= 400) {
      const message = (parsed as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`;
      throw new ConnectApiError(response.status, message);
    }
    return { status: response.status, body: parsed as T };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.call<T>('GET', path)).body;
  }
}

export const connectorPath = (name: string, rest = ''): string =>
  `/connectors/${encodeURIComponent(name)}${rest}`;
