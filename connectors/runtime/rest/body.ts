import type { Context } from 'hono';
import { ConnectRestException, badRequest } from '../herder/errors.ts';
import type { Props } from '../api/plugins.ts';

/** Jersey answers 415 to a body without a JSON Content-Type on the endpoints that consume one. */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ConnectRestException(415, 'HTTP 415 Unsupported Media Type');
  }
  const text = await c.req.text();
  try {
    return text.trim() === '' ? null : JSON.parse(text);
  } catch (error) {
    // Apache lets Jackson's parse error through its generic mapper: a 500 with Jackson's message.
    throw new ConnectRestException(
      500,
      `Unexpected character in the request body: ${(error as Error).message}`,
    );
  }
}

/** A JSON object of config values as Jackson binds Map<String,String>: primitives become strings. */
export function configMap(value: unknown, what = 'config'): Props {
  if (value === null || value === undefined) throw badRequest(`Missing ${what} in the request body`);
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConnectRestException(500, `Cannot deserialize ${what}: expected a JSON object`);
  const props: Props = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (entry === null)
      throw badRequest(
        'Connector configuration is invalid and contains the following 1 error(s):\nNull value can not be supplied as the configuration value.\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      );
    props[key] = typeof entry === 'object' ? JSON.stringify(entry) : String(entry);
  }
  return props;
}
