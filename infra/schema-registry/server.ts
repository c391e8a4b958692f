import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { compatibilityLevel, checkCompatibility, schemaTypeOf, schemaTypes } from './compatibility.ts';
import { RegistryError, errorCodes, schemaNotFound } from './errors.ts';
import { parseVersion, type Reference, type RegistryStore, type StoredSchema } from './store.ts';

/** Basic-auth credentials the registry demands (Confluent Cloud's API key and secret), when it demands any. */
export interface RegistryCredentials {
  apiKey: string;
  apiSecret: string;
}

export const registryContentType = 'application/vnd.schemaregistry.v1+json';

const json = (c: Context, body: unknown, status = 200): Response =>
  c.body(JSON.stringify(body), status as 200, { 'content-type': registryContentType });

const flag = (c: Context, name: string): boolean => c.req.query(name) === 'true';

/** A schema's fields as Confluent returns them: `schemaType` only when not AVRO, `references` only when any. */
function schemaFields(schema: StoredSchema): Record<string, unknown> {
  return {
    ...(schema.type === 'AVRO' ? {} : { schemaType: schema.type }),
    schema: schema.schema,
    ...(schema.references.length > 0 ? { references: schema.references } : {}),
  };
}

interface SchemaRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: Reference[];
}

async function body<T>(c: Context): Promise<T> {
  const text = await c.req.text();
  try {
    return (text.trim() === '' ? {} : JSON.parse(text)) as T;
  } catch (error) {
    throw new RegistryError(400, 400, `Unrecognized request body: ${(error as Error).message}`);
  }
}

/**
 * Confluent Schema Registry's REST API over a store: subjects, versions, global ids, lookups, soft and
 * permanent deletes, compatibility configs and checks. Handlers are testable in-process with `app.request()`.
 */
export function createRegistryApp(store: RegistryStore, credentials?: RegistryCredentials): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof RegistryError)
      return json(c, { error_code: error.errorCode, message: error.message }, error.status);
    console.error(error);
    return json(
      c,
      { error_code: errorCodes.storeError, message: 'Internal error; see the registry log.' },
      500,
    );
  });
  app.notFound((c) => json(c, { error_code: 404, message: 'HTTP 404 Not Found' }, 404));

  if (credentials) {
    const expected = Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`);
    app.use('*', async (c, next) => {
      const header = c.req.header('authorization') ?? '';
      const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64') : Buffer.alloc(0);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return c.body(JSON.stringify({ error_code: errorCodes.unauthorized, message: 'Unauthorized' }), 401, {
          'content-type': registryContentType,
          'www-authenticate': 'Basic realm="SchemaRegistry"',
        });
      await next();
    });
  }

  /** Parses a request's schema with its references (registration, lookup and compatibility requests). */
  const parsedRequest = async (c: Context) => {
    const request = await body<SchemaRequest>(c);
    const references = Array.isArray(request.references) ? request.references : [];
    const type = schemaTypeOf(request.schemaType);
    return { parsed: store.parse(type, request.schema, references), references };
  };

  app.get('/', (c) => json(c, {}));
  app.get('/schemas/types', (c) => json(c, schemaTypes));
  app.get('/contexts', (c) => json(c, ['.']));
  app.get('/mode', (c) => json(c, { mode: 'READWRITE' }));
  app.get('/mode/:subject', (c) => json(c, { mode: 'READWRITE' }));

  // --- schemas by id ---
  app.get('/schemas/ids/:id', (c) => json(c, schemaFields(store.schemaById(Number(c.req.param('id'))))));
  app.get('/schemas/ids/:id/schema', (c) =>
    json(c, JSON.parse(store.schemaById(Number(c.req.param('id'))).schema)),
  );
  app.get('/schemas/ids/:id/subjects', (c) => {
    const id = Number(c.req.param('id'));
    store.schemaById(id);
    return json(c, [...new Set(store.usesOf(id, flag(c, 'deleted')).map((use) => use.subject))]);
  });
  app.get('/schemas/ids/:id/versions', (c) => {
    const id = Number(c.req.param('id'));
    store.schemaById(id);
    return json(c, store.usesOf(id, flag(c, 'deleted')));
  });
  app.get('/schemas/guids/:guid', (c) => json(c, schemaFields(store.schemaByGuid(c.req.param('guid')))));
  app.get('/schemas', (c) => {
    const deleted = flag(c, 'deleted');
    const rows = store.subjectNames({ deleted, prefix: c.req.query('subjectPrefix') }).flatMap((subject) => {
      const versions = store.versionsOf(subject, deleted);
      return (flag(c, 'latestOnly') ? versions.slice(-1) : versions).map((entry) => ({
        subject,
        version: entry.version,
        id: entry.id,
        ...schemaFields(store.schemaById(entry.id)),
      }));
    });
    return json(c, rows);
  });

  // --- subjects ---
  app.get('/subjects', (c) =>
    json(c, store.subjectNames({ deleted: flag(c, 'deleted'), prefix: c.req.query('subjectPrefix') })),
  );
  app.get('/subjects/:subject/versions', (c) =>
    json(
      c,
      store.requireVersions(c.req.param('subject'), flag(c, 'deleted')).map((entry) => entry.version),
    ),
  );
  app.post('/subjects/:subject/versions', async (c) => {
    const subject = c.req.param('subject');
    const { parsed, references } = await parsedRequest(c);
    const { id, version } = store.register(subject, parsed, references);
    const stored = store.schemaById(id);
    return json(c, { id, guid: stored.guid, version, ...schemaFields(stored) });
  });
  app.get('/subjects/:subject/versions/:version', (c) => {
    const subject = c.req.param('subject');
    const entry = store.version(subject, c.req.param('version'), flag(c, 'deleted'));
    const stored = store.schemaById(entry.id);
    return json(c, {
      subject,
      version: entry.version,
      id: entry.id,
      guid: stored.guid,
      ...schemaFields(stored),
    });
  });
  app.get('/subjects/:subject/versions/:version/schema', (c) => {
    const entry = store.version(c.req.param('subject'), c.req.param('version'), flag(c, 'deleted'));
    return json(c, JSON.parse(store.schemaById(entry.id).schema));
  });
  app.get('/subjects/:subject/versions/:version/referencedby', (c) => {
    const subject = c.req.param('subject');
    const entry = store.version(subject, c.req.param('version'));
    const ids = store
      .subjectNames()
      .flatMap((name) => store.versionsOf(name).map((use) => store.schemaById(use.id)))
      .filter((schema) =>
        schema.references.some((ref) => ref.subject === subject && ref.version === entry.version),
      )
      .map((schema) => schema.id);
    return json(c, [...new Set(ids)]);
  });
  app.post('/subjects/:subject', async (c) => {
    const subject = c.req.param('subject');
    const deleted = flag(c, 'deleted');
    store.requireVersions(subject, deleted);
    const { parsed, references } = await parsedRequest(c);
    const entry = store.lookup(subject, parsed, references, deleted);
    if (!entry) throw schemaNotFound('Schema not found');
    const stored = store.schemaById(entry.id);
    return json(c, {
      subject,
      id: entry.id,
      guid: stored.guid,
      version: entry.version,
      ...schemaFields(stored),
    });
  });
  app.delete('/subjects/:subject', (c) =>
    json(c, store.deleteSubject(c.req.param('subject'), flag(c, 'permanent'))),
  );
  app.delete('/subjects/:subject/versions/:version', (c) =>
    json(c, store.deleteVersion(c.req.param('subject'), c.req.param('version'), flag(c, 'permanent'))),
  );

  // --- compatibility ---
  const compatibility = async (c: Context, version?: string) => {
    const subject = c.req.param('subject')!;
    const { parsed } = await parsedRequest(c);
    let against = store.liveParsed(subject);
    let level = store.compatibilityOf(subject);
    if (version !== undefined) {
      const entry = store.version(subject, version);
      if (version !== 'latest' && version !== '-1') {
        parseVersion(version);
        against = against.filter((previous) => previous.version === entry.version);
        level = level.replace('_TRANSITIVE', '') as typeof level;
      }
    }
    const messages = checkCompatibility(parsed, against, level);
    return json(c, { is_compatible: messages.length === 0, ...(flag(c, 'verbose') ? { messages } : {}) });
  };
  app.post('/compatibility/subjects/:subject/versions', (c) => compatibility(c));
  app.post('/compatibility/subjects/:subject/versions/:version', (c) =>
    compatibility(c, c.req.param('version')),
  );

  // --- config ---
  app.get('/config', (c) => json(c, { compatibilityLevel: store.globalCompatibility }));
  app.put('/config', async (c) => {
    const level = compatibilityLevel((await body<{ compatibility?: unknown }>(c)).compatibility);
    store.setCompatibility(null, level);
    return json(c, { compatibility: level });
  });
  app.delete('/config', (c) => {
    const previous = store.globalCompatibility;
    store.setCompatibility(null, null);
    return json(c, { compatibilityLevel: previous });
  });
  app.get('/config/:subject', (c) => {
    const subject = c.req.param('subject');
    const level =
      store.subjectCompatibility(subject) ??
      (flag(c, 'defaultToGlobal') ? store.globalCompatibility : undefined);
    if (!level)
      throw new RegistryError(
        404,
        errorCodes.subjectCompatibilityNotConfigured,
        `Subject '${subject}' does not have subject-level compatibility configured`,
      );
    return json(c, { compatibilityLevel: level });
  });
  app.put('/config/:subject', async (c) => {
    const level = compatibilityLevel((await body<{ compatibility?: unknown }>(c)).compatibility);
    store.setCompatibility(c.req.param('subject'), level);
    return json(c, { compatibility: level });
  });
  app.delete('/config/:subject', (c) => {
    const subject = c.req.param('subject');
    const previous = store.subjectCompatibility(subject);
    if (!previous)
      throw new RegistryError(404, errorCodes.subjectNotFound, `Subject '${subject}' not found.`);
    store.setCompatibility(subject, null);
    return json(c, { compatibilityLevel: previous });
  });

  return app;
}
