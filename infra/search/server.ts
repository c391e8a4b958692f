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

/** A parsed route: both the SDK's `/indexes('n')/docs('k')` and the REST docs' `/indexes/n/docs/k` forms. */
interface Route {
  index?: string;
  rest: string;
}

function unquote(segment: string): string {
  return decodeURIComponent(segment).replace(/''/g, "'");
}

function parseIndexPath(path: string): Route | undefined {
  const match = /^\/indexes(?:\('((?:[^']|'')*)'\)|\/([^/]+))?(?:\/(.*))?$/.exec(path);
  if (!match) return undefined;
  const name =
    match[1] !== undefined
      ? unquote(match[1])
      : match[2] !== undefined
        ? decodeURIComponent(match[2])
        : undefined;
  return { index: name, rest: match[3] ?? '' };
}

function parseDocKey(rest: string): string | undefined {
  const quoted = /^docs\('((?:[^']|'')*)'\)$/.exec(rest);
  if (quoted) return unquote(quoted[1]!);
  const plain = /^docs\/([^/]+)$/.exec(rest);
  if (plain && !plain[1]!.startsWith('search.') && plain[1] !== '$count')
    return decodeURIComponent(plain[1]!);
  return undefined;
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
  const app = new Hono();

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
    json(c, 404, { error: { code: 'ResourceNotFound', message: `No resource at ${c.req.path}.` } }),
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

  app.all('*', async (c) => {
    const route = parseIndexPath(c.req.path);
    if (!route)
      throw notFound(`No resource at ${c.req.path}; the emulator serves /indexes and /servicestats only.`);
    const method = c.req.method;
    const query = queryParameters(new URL(c.req.url).searchParams);
    const docBase = `${new URL(c.req.url).origin}/indexes('${route.index ?? ''}')/docs/search.post.search?api-version=${query.get('api-version') ?? ''}`;

    if (route.index === undefined) {
      if (method === 'GET') {
        authorize(c, 'admin');
        const select = query.get('$select');
        const value = [...store.indexes.values()].map((index) =>
          select === 'name' ? { name: index.definition.name } : index.definition,
        );
        return json(c, 200, { value });
      }
      if (method === 'POST') {
        authorize(c, 'admin');
        return json(c, 201, store.create(await body(c)));
      }
      throw methodNotAllowed(method, c.req.path);
    }

    const name = route.index;
    const rest = route.rest;
    if (rest === '') {
      authorize(c, 'admin');
      if (method === 'GET') return json(c, 200, store.get(name).definition);
      if (method === 'PUT') {
        const { definition, created } = store.createOrUpdate(
          name,
          await body(c),
          c.req.header('if-match'),
          c.req.header('if-none-match'),
        );
        return json(c, created ? 201 : 200, definition);
      }
      if (method === 'DELETE') {
        if (!store.delete(name, c.req.header('if-match')))
          throw notFound(`No index with the name '${name}' was found in the service.`);
        return c.body(null, 204);
      }
      throw methodNotAllowed(method, c.req.path);
    }
    if (rest === 'search.stats' && method === 'GET') {
      authorize(c, 'admin');
      const index = store.get(name);
      return json(c, 200, {
        documentCount: index.documents.size,
        storageSize: index.storageSize(),
        vectorIndexSize: 0,
      });
    }
    if (rest === 'search.analyze' && method === 'POST') {
      authorize(c, 'admin');
      store.get(name);
      const text = (await body(c)) as { text?: string };
      const analyzed = analyze(text.text ?? '').map((token, position) => ({
        token: token.term,
        startOffset: token.start,
        endOffset: token.end,
        position,
      }));
      return json(c, 200, { tokens: analyzed });
    }

    const index = store.get(name);
    if (rest === 'docs/search.index' || rest === 'docs/index') {
      if (method !== 'POST') throw methodNotAllowed(method, c.req.path);
      authorize(c, 'admin');
      const results = store.indexDocuments(name, await body(c));
      return json(c, results.every((result) => result.status) ? 200 : 207, { value: results });
    }
    authorize(c, 'query');
    if (rest === 'docs/$count' && method === 'GET') {
      return c.body(String(index.documents.size), 200, { 'content-type': 'text/plain; charset=utf-8' });
    }
    if (rest === 'docs' && method === 'GET')
      return json(c, 200, executeSearch(index, searchRequestFromQuery(withoutApiVersion(query)), docBase));
    if ((rest === 'docs/search.post.search' || rest === 'docs/search') && method === 'POST') {
      return json(c, 200, executeSearch(index, (await body(c)) as SearchRequest, docBase));
    }
    if ((rest === 'docs/search.post.suggest' || rest === 'docs/suggest') && method === 'POST') {
      return json(c, 200, executeSuggest(index, (await body(c)) as SearchRequest));
    }
    if ((rest === 'docs/search.suggest' || rest === 'docs/suggest') && method === 'GET') {
      return json(c, 200, executeSuggest(index, searchRequestFromQuery(withoutApiVersion(query))));
    }
    if ((rest === 'docs/search.post.autocomplete' || rest === 'docs/autocomplete') && method === 'POST') {
      return json(c, 200, executeAutocomplete(index, (await body(c)) as SearchRequest));
    }
    if ((rest === 'docs/search.autocomplete' || rest === 'docs/autocomplete') && method === 'GET') {
      return json(c, 200, executeAutocomplete(index, searchRequestFromQuery(withoutApiVersion(query))));
    }
    const key = parseDocKey(rest);
    if (key !== undefined && method === 'GET') {
      const document = index.documents.get(key);
      if (!document) throw notFound(`Document with key '${key}' was not found in index '${name}'.`);
      const select = parseFieldList(query.get('$select') ?? undefined, index.fields, '$select');
      return json(c, 200, projectDocument(index.definition, document, select));
    }
    throw notFound(`No resource at ${c.req.path}.`);
  });

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
