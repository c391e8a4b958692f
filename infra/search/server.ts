import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { analyze } from './analyzer.ts';
import { SearchRequestError, badRequest, notFound } from './errors.ts';
import { executeSearch, searchRequestFromQuery, type SearchRequest } from './query.ts';
import { executeAutocomplete, executeSuggest } from './suggest.ts';
import { maxIndexes, maxSynonymMaps, type SearchStore } from './store.ts';
import { parseFieldList } from './odata-orderby.ts';

export interface SearchKeys {
  adminKey: string;
  queryKey: string;
}

/** 16 MB: the service's request size limit for an indexing batch. */
export const maxRequestBytes = 16 * 1024 * 1024;

type Access = 'admin' | 'query';

/**
 * The SDK addresses resources as OData keys (`/indexes('n')/docs('k')`, `/synonymmaps('n')`), curl users and the
 * REST docs as path segments (`/indexes/n/docs/k`). Routing sees one spelling: the quoted form is rewritten into
 * the segment form (its `''` unescaped, the name percent-encoded) before hono matches a route.
 */
export function routePath(request: Request): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('://') + 3);
  const query = url.indexOf('?', start);
  const path = start < 0 ? '/' : url.slice(start, query < 0 ? undefined : query);
  return path.replace(
    /\/(indexes|synonymmaps|docs)\('((?:[^']|'')*)'\)/g,
    (_, collection: string, quoted: string) => `/${collection}/${encodeURIComponent(unquote(quoted))}`,
  );
}

function unquote(segment: string): string {
  return decodeURIComponent(segment).replace(/''/g, "'");
}

const json = (c: Context, status: number, body: unknown): Response =>
  c.body(JSON.stringify(body), status as 200, {
    'content-type': 'application/json; odata.metadata=none; charset=utf-8',
  });

/**
 * The Azure AI Search REST surface over a store. Handlers are plain functions of the request so tests can call
 * `app.request()` in-process; the SDK sees the service's paths, status codes and error envelope.
 */
export function createSearchApp(store: SearchStore, keys: SearchKeys): Hono {
  const app = new Hono({ getPath: routePath });

  app.onError((error, c) => {
    if (error instanceof SearchRequestError)
      return json(c, error.status, {
        error: { code: error.code, message: error.message, details: error.details },
      });
    console.error(error);
    return json(c, 500, {
      error: {
        code: 'InternalServerError',
        message: 'The emulator failed to process the request; see its log.',
      },
    });
  });
  app.notFound((c) =>
    json(c, 404, {
      error: {
        code: 'ResourceNotFound',
        message: `No resource at ${c.req.path}; the emulator serves /indexes, /synonymmaps and /servicestats.`,
      },
    }),
  );

  const authorize = (c: Context, needed: Access): void => {
    const given = c.req.header('api-key');
    if (!given)
      throw new SearchRequestError(401, 'Unauthorized', 'Authentication failed: no api-key header was sent.');
    if (same(given, keys.adminKey)) return;
    if (same(given, keys.queryKey)) {
      if (needed === 'query') return;
      throw new SearchRequestError(
        403,
        'Forbidden',
        'This operation needs an admin key; a query key can only read documents.',
      );
    }
    throw new SearchRequestError(
      403,
      'Forbidden',
      'Authentication failed: the api-key is not valid for this service.',
    );
  };

  const body = async (c: Context): Promise<unknown> => {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxRequestBytes) {
      throw new SearchRequestError(
        413,
        'RequestEntityTooLarge',
        `The request is larger than ${maxRequestBytes} bytes; send smaller batches.`,
      );
    }
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
  };

  app.get('/servicestats', (c) => {
    authorize(c, 'admin');
    let documents = 0;
    let storage = 0;
    let vectorBytes = 0;
    for (const index of store.indexes.values()) {
      documents += index.documents.size;
      storage += index.storageSize();
      vectorBytes += index.vectorIndexSize();
    }
    const counter = (usage: number, quota: number | null = null) => ({ usage, quota });
    return json(c, 200, {
      counters: {
        aliasesCount: counter(0, 0),
        documentCount: counter(documents),
        indexesCount: counter(store.indexes.size, maxIndexes),
        indexersCount: counter(0, 0),
        dataSourcesCount: counter(0, 0),
        storageSize: counter(storage),
        synonymMaps: counter(store.synonymMaps.size, maxSynonymMaps),
        skillsetCount: counter(0, 0),
        vectorIndexSize: counter(vectorBytes),
      },
      limits: {
        maxFieldsPerIndex: 1000,
        maxFieldNestingDepthPerIndex: 10,
        maxComplexCollectionFieldsPerIndex: 40,
        maxComplexObjectsInCollectionsPerDocument: 3000,
        maxStoragePerIndex: null,
      },
    });
  });

  const index = (c: Context) => store.get(c.req.param('index')!);
  const searchQuery = (c: Context): URLSearchParams =>
    withoutApiVersion(queryParameters(new URL(c.req.url).searchParams));
  const nextLink = (c: Context): string => {
    const url = new URL(c.req.url);
    return `${url.origin}/indexes('${c.req.param('index') ?? ''}')/docs/search.post.search?api-version=${url.searchParams.get('api-version') ?? ''}`;
  };

  app.get('/indexes', (c) => {
    authorize(c, 'admin');
    return json(
      c,
      200,
      listing(
        c,
        'indexes',
        [...store.indexes.values()].map((each) => each.definition),
      ),
    );
  });
  app.post('/indexes', async (c) => {
    authorize(c, 'admin');
    return json(c, 201, entity(c, 'indexes', store.create(await body(c))));
  });
  app.get('/indexes/:index', (c) => {
    authorize(c, 'admin');
    return json(c, 200, entity(c, 'indexes', index(c).definition));
  });
  app.put('/indexes/:index', async (c) => {
    authorize(c, 'admin');
    const { definition, created } = store.createOrUpdate(
      c.req.param('index'),
      await body(c),
      c.req.header('if-match'),
      c.req.header('if-none-match'),
    );
    return json(c, created ? 201 : 200, entity(c, 'indexes', definition));
  });
  app.delete('/indexes/:index', (c) => {
    authorize(c, 'admin');
    const name = c.req.param('index');
    if (!store.delete(name, c.req.header('if-match')))
      throw notFound(`No index with the name '${name}' was found in the service.`);
    return c.body(null, 204);
  });
  app.get('/indexes/:index/search.stats', (c) => {
    authorize(c, 'admin');
    const stats = index(c);
    return json(c, 200, {
      documentCount: stats.documents.size,
      storageSize: stats.storageSize(),
      vectorIndexSize: stats.vectorIndexSize(),
    });
  });
  app.post('/indexes/:index/search.analyze', async (c) => {
    authorize(c, 'admin');
    index(c);
    const text = (await body(c)) as { text?: string };
    const tokens = analyze(text.text ?? '').map((token, position) => ({
      token: token.term,
      startOffset: token.start,
      endOffset: token.end,
      position,
    }));
    return json(c, 200, { tokens });
  });

  for (const path of ['/indexes/:index/docs/search.index', '/indexes/:index/docs/index']) {
    app.post(path, async (c) => {
      authorize(c, 'admin');
      const name = index(c).definition.name;
      const results = store.indexDocuments(name, await body(c));
      return json(c, results.every((result) => result.status) ? 200 : 207, { value: results });
    });
  }
  app.get('/indexes/:index/docs/$count', (c) => {
    authorize(c, 'query');
    const { documents } = index(c);
    return c.body(String(documents.size), 200, { 'content-type': 'text/plain; charset=utf-8' });
  });
  app.get('/indexes/:index/docs', (c) => {
    authorize(c, 'query');
    const searched = index(c);
    return json(c, 200, executeSearch(searched, searchRequestFromQuery(searchQuery(c)), nextLink(c)));
  });
  for (const path of ['/indexes/:index/docs/search.post.search', '/indexes/:index/docs/search']) {
    app.post(path, async (c) => {
      authorize(c, 'query');
      const searched = index(c);
      return json(c, 200, executeSearch(searched, (await body(c)) as SearchRequest, nextLink(c)));
    });
  }
  const readOnly = [
    ['suggest', executeSuggest],
    ['autocomplete', executeAutocomplete],
  ] as const;
  for (const [operation, execute] of readOnly) {
    for (const path of [
      `/indexes/:index/docs/search.post.${operation}`,
      `/indexes/:index/docs/${operation}`,
    ]) {
      app.post(path, async (c) => {
        authorize(c, 'query');
        const searched = index(c);
        return json(c, 200, execute(searched, (await body(c)) as SearchRequest));
      });
    }
    for (const path of [`/indexes/:index/docs/search.${operation}`, `/indexes/:index/docs/${operation}`]) {
      app.get(path, (c) => {
        authorize(c, 'query');
        const searched = index(c);
        return json(c, 200, execute(searched, searchRequestFromQuery(searchQuery(c))));
      });
    }
  }
  app.get('/indexes/:index/docs/:key', (c) => {
    authorize(c, 'query');
    const looked = index(c);
    const key = c.req.param('key');
    // The service answers a missing document with 404 and an empty body.
    if (!looked.documents.has(key)) return c.body(null, 404);
    const select = parseFieldList(
      queryParameters(new URL(c.req.url).searchParams).get('$select') ?? undefined,
      looked.fields,
      '$select',
    );
    return json(c, 200, looked.project(key, select));
  });

  app.get('/synonymmaps', (c) => {
    authorize(c, 'admin');
    const maps = [...store.synonymMaps.values()].map((map) => map.definition);
    return json(c, 200, listing(c, 'synonymmaps', maps));
  });
  app.post('/synonymmaps', async (c) => {
    authorize(c, 'admin');
    return json(c, 201, entity(c, 'synonymmaps', store.createSynonymMap(await body(c))));
  });
  app.get('/synonymmaps/:name', (c) => {
    authorize(c, 'admin');
    return json(c, 200, entity(c, 'synonymmaps', store.getSynonymMap(c.req.param('name'))));
  });
  app.put('/synonymmaps/:name', async (c) => {
    authorize(c, 'admin');
    const { definition, created } = store.createOrUpdateSynonymMap(
      c.req.param('name'),
      await body(c),
      c.req.header('if-match'),
      c.req.header('if-none-match'),
    );
    return json(c, created ? 201 : 200, entity(c, 'synonymmaps', definition));
  });
  app.delete('/synonymmaps/:name', (c) => {
    authorize(c, 'admin');
    const name = c.req.param('name');
    if (!store.deleteSynonymMap(name, c.req.header('if-match')))
      throw notFound(`No synonym map with the name '${name}' was found in the service.`);
    return c.body(null, 204);
  });

  for (const path of [
    '/indexes',
    '/indexes/:index',
    '/indexes/:index/docs/*',
    '/synonymmaps',
    '/synonymmaps/:name',
  ]) {
    app.all(path, (c) => {
      throw methodNotAllowed(c.req.method, c.req.path);
    });
  }

  return app;
}

/**
 * OData metadata as the service sends it to clients that ask for `odata.metadata=minimal` (the SDK's index
 * client, and any client that does not ask for `none`): `@odata.context` first, then `@odata.etag`.
 */
function wantsMetadata(c: Context): boolean {
  return !/odata\.metadata=none/.test(c.req.header('accept') ?? '');
}

function entity(c: Context, collection: string, definition: object): object {
  const { '@odata.etag': etag, ...rest } = definition as Record<string, unknown>;
  return {
    ...(wantsMetadata(c)
      ? { '@odata.context': `${new URL(c.req.url).origin}/$metadata#${collection}/$entity` }
      : {}),
    ...(etag !== undefined ? { '@odata.etag': etag } : {}),
    ...rest,
  };
}

/** A list, with `$select` (`name`, or any comma-separated top-level properties) as the service applies it. */
function listing(c: Context, collection: string, definitions: object[]): object {
  const select = queryParameters(new URL(c.req.url).searchParams)
    .get('$select')
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== '*');
  const value = definitions.map((definition) => {
    const complete = entity(c, collection, definition) as Record<string, unknown>;
    delete complete['@odata.context'];
    return select?.length
      ? Object.fromEntries(select.map((name) => [name, complete[name] ?? null]))
      : complete;
  });
  const context = `${new URL(c.req.url).origin}/$metadata#${collection}${select?.length ? `(${select.join(',')})` : ''}`;
  return { ...(wantsMetadata(c) ? { '@odata.context': context } : {}), value };
}

/**
 * SDK 13.0 expands `{?%24select}` URL templates into a double-encoded `%2524select=`, which arrives here as the
 * name `%24select`: accept that spelling of every `$` parameter so the SDK's lookups and GET searches work.
 */
function queryParameters(raw: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [name, value] of raw) out.append(name.replace(/^%24/, '$'), value);
  return out;
}

function withoutApiVersion(query: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(query);
  copy.delete('api-version');
  return copy;
}

function methodNotAllowed(method: string, path: string): SearchRequestError {
  return new SearchRequestError(405, 'MethodNotAllowed', `${method} is not supported on ${path}.`);
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
