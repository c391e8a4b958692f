import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { analyze } from './analyzer.ts';
import { SearchRequestError, badRequest, notFound } from './errors.ts';
import { projectDocument } from './documents.ts';
import { executeSearch, searchRequestFromQuery, type SearchRequest } from './query.ts';
import { executeAutocomplete, executeSuggest } from './suggest.ts';
import { maxIndexes, type SearchStore } from './store.ts';
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
      return json(c, error.status, { error: { code: error.code, message: error.message, details: [] } });
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
    for (const index of store.indexes.values()) {
      documents += index.documents.size;
      storage += index.storageSize();
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
        synonymMaps: counter(0, 0),
        skillsetCount: counter(0, 0),
        vectorIndexSize: counter(0),
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
    const select = queryParameters(new URL(c.req.url).searchParams).get('$select');
    const value = [...store.indexes.values()].map((each) =>
      select === 'name' ? { name: each.definition.name } : each.definition,
    );
    return json(c, 200, { value });
  });
  app.post('/indexes', async (c) => {
    authorize(c, 'admin');
    return json(c, 201, store.create(await body(c)));
  });
  app.get('/indexes/:index', (c) => {
    authorize(c, 'admin');
    return json(c, 200, index(c).definition);
  });
  app.put('/indexes/:index', async (c) => {
    authorize(c, 'admin');
    const { definition, created } = store.createOrUpdate(
      c.req.param('index'),
      await body(c),
      c.req.header('if-match'),
      c.req.header('if-none-match'),
    );
    return json(c, created ? 201 : 200, definition);
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
      vectorIndexSize: 0,
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
      const name = index(c).definition.name;
      authorize(c, 'admin');
      const results = store.indexDocuments(name, await body(c));
      return json(c, results.every((result) => result.status) ? 200 : 207, { value: results });
    });
  }
  app.get('/indexes/:index/docs/$count', (c) => {
    const { documents } = index(c);
    authorize(c, 'query');
    return c.body(String(documents.size), 200, { 'content-type': 'text/plain; charset=utf-8' });
  });
  app.get('/indexes/:index/docs', (c) => {
    const searched = index(c);
    authorize(c, 'query');
    return json(c, 200, executeSearch(searched, searchRequestFromQuery(searchQuery(c)), nextLink(c)));
  });
  for (const path of ['/indexes/:index/docs/search.post.search', '/indexes/:index/docs/search']) {
    app.post(path, async (c) => {
      const searched = index(c);
      authorize(c, 'query');
      return json(c, 200, executeSearch(searched, (await body(c)) as SearchRequest, nextLink(c)));
    });
  }
  const readOnly = [
    ['suggest', executeSuggest],
    ['autocomplete', executeAutocomplete],
  ] as const;
  for (const [operation, execute] of readOnly) {
    for (const path of [`/indexes/:index/docs/search.post.${operation}`, `/indexes/:index/docs/${operation}`]) {
      app.post(path, async (c) => {
        const searched = index(c);
        authorize(c, 'query');
        return json(c, 200, execute(searched, (await body(c)) as SearchRequest));
      });
    }
    for (const path of [`/indexes/:index/docs/search.${operation}`, `/indexes/:index/docs/${operation}`]) {
      app.get(path, (c) => {
        const searched = index(c);
        authorize(c, 'query');
        return json(c, 200, execute(searched, searchRequestFromQuery(searchQuery(c))));
      });
    }
  }
  app.get('/indexes/:index/docs/:key', (c) => {
    const looked = index(c);
    authorize(c, 'query');
    const document = looked.documents.get(c.req.param('key'));
    // The service answers a missing document with 404 and an empty body.
    if (!document) return c.body(null, 404);
    const select = parseFieldList(
      queryParameters(new URL(c.req.url).searchParams).get('$select') ?? undefined,
      looked.fields,
      '$select',
    );
    return json(c, 200, projectDocument(looked.definition, document, select));
  });

  for (const path of ['/indexes', '/indexes/:index', '/indexes/:index/docs/*']) {
    app.all(path, (c) => {
      throw methodNotAllowed(c.req.method, c.req.path);
    });
  }

  return app;
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
