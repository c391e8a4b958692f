import { createHmac, timingSafeEqual } from 'node:crypto';
import { CosmosError } from './errors.ts';

/** The key every Cosmos DB emulator accepts by default (public, documented by Microsoft). */
export const emulatorKey =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** How far a client's clock may be off ours, as the service allows. */
const allowedSkewMs = 15 * 60 * 1000;

export interface AuthOptions {
  keys: string[];
  /** Accept any signature (and resource/AAD tokens) without checking: for tools that cannot sign. */
  acceptAnyKey: boolean;
}

/**
 * (resource type, resource link) for a request path, the way the SDK signs it: an odd number of segments
 * names a feed (`dbs/x/colls` → type colls, link `dbs/x`), an even number a resource (type = its parent
 * segment, link = the whole path).
 */
export function resourceOf(segments: string[]): { type: string; link: string } {
  if (segments.length === 0) return { type: '', link: '' };
  // Container operations (`…/colls/{c}/operations/partitionkeydelete`) are signed as the container.
  if (segments[4] === 'operations') return { type: 'colls', link: segments.slice(0, 4).join('/') };
  if (segments.length % 2 === 1)
    return { type: segments[segments.length - 1]!, link: segments.slice(0, -1).join('/') };
  return { type: segments[segments.length - 2]!, link: segments.join('/') };
}

/** A database rid is 4 bytes in base64 (with `-` for `/`), e.g. `TXPoLQ==`: a name that looks like one is rare. */
function isRidPath(segments: string[]): boolean {
  return segments[0] === 'dbs' && segments[1] !== undefined && /^[A-Za-z0-9+-]{6}==$/.test(segments[1]);
}

export function sign(key: string, method: string, type: string, link: string, date: string): string {
  const text = `${method.toLowerCase()}\n${type.toLowerCase()}\n${link}\n${date.toLowerCase()}\n\n`;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(text).digest('base64');
}

/** Verifies master-key authorization; throws Cosmos DB's 401 otherwise. The key never appears in messages. */
export function verifyAuthorization(
  options: AuthOptions,
  request: { method: string; segments: string[]; header(name: string): string | undefined },
  permissionOfToken: (token: string) => { resource: string; permissionMode: string } | undefined = () =>
    undefined,
): void {
  if (options.acceptAnyKey) return;
  const raw = request.header('authorization');
  const date = request.header('x-ms-date') ?? request.header('date');
  let decoded = '';
  try {
    decoded = decodeURIComponent(raw ?? '');
  } catch {
    throw unauthorized('The authorization header is not URL-encoded.');
  }
  const fields = new URLSearchParams(decoded.replace(/\+/g, '%2B'));
  // Resource tokens are not signatures over the date: they carry none.
  if (fields.get('type') === 'resource') return verifyResourceToken(request, permissionOfToken(decoded));
  if (!raw || !date)
    throw unauthorized(
      'Required Header authorization or x-ms-date is missing. Ensure that the request is signed.',
    );
  if (fields.get('type') !== 'master')
    throw unauthorized('Only master-key and resource-token authorization are supported by the emulator.');
  const signature = fields.get('sig') ?? '';
  const when = Date.parse(date);
  if (Number.isNaN(when) || Math.abs(Date.now() - when) > allowedSkewMs) {
    throw unauthorized(
      `The authorization token is not valid at the current time. Request date: ${date}. Check the client's clock.`,
    );
  }
  const { type, link } = resourceOf(request.segments);
  const links = type === 'offers' ? [link.toLowerCase()] : [link];
  // Rid-based paths (`dbs/<rid>/colls/<rid>/pkranges`, as the Java SDK reads partition key ranges) and offers
  // are signed with the rid of the resource alone, lowercased (BaseAuthorizationTokenProvider: not names).
  if (isRidPath(request.segments) || type === 'offers')
    links.push((link.split('/').pop() ?? '').toLowerCase());
  for (const key of options.keys) {
    for (const candidate of links) {
      const expected = Buffer.from(sign(key, request.method, type, candidate, date));
      const given = Buffer.from(signature);
      if (expected.length === given.length && timingSafeEqual(expected, given)) return;
    }
  }
  const payload = `${request.method.toLowerCase()}\\n${type.toLowerCase()}\\n${link}\\n${date.toLowerCase()}\\n\\n`;
  throw unauthorized(
    `The input authorization token can't serve the request. The wrong key is being used or the expected payload is not built as per the protocol. For more info: https://aka.ms/cosmosdb-tsg-mac-token. Server used the following payload to sign: '${payload}'`,
  );
}

/**
 * A resource token (a permission's `_token`) authorizes requests on its resource and below it; a Read permission
 * only reads and queries. The link is compared by name, the way the SDKs address resources.
 */
function verifyResourceToken(
  request: { method: string; segments: string[]; header(name: string): string | undefined },
  permission: { resource: string; permissionMode: string } | undefined,
): void {
  if (!permission) throw unauthorized('The resource token is not valid: no permission has it.');
  const granted = permission.resource.replace(/^\/+|\/+$/g, '');
  const path = request.segments.join('/');
  const reading =
    request.method === 'GET' ||
    request.method === 'HEAD' ||
    request.header('x-ms-documentdb-isquery')?.toLowerCase() === 'true';
  // Any valid token reads the account (`GET /`), as the service allows.
  const within = path === '' || path === granted || path.startsWith(`${granted}/`);
  if (!within || (permission.permissionMode.toLowerCase() === 'read' && !reading))
    throw new CosmosError(403, `The permission does not allow ${request.method} on /${path}.`);
}

function unauthorized(message: string): CosmosError {
  return new CosmosError(401, message, {
    fix: 'Use the key recorded in .hack/stack.json (services.cosmos.key).',
  });
}
