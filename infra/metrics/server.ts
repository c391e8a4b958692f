import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { metricDescriptors, resourceDescriptors } from './catalog.ts';
import { Collector } from './collector.ts';
import { renderExport } from './prometheus.ts';
import { MetricsApiError, runAttributes, runQuery } from './query.ts';
import { MetricStore } from './store.ts';

export const defaultMetricsPort = 8091;

const errorBody = (status: number, detail: string) => ({ errors: [{ status: String(status), detail }] });

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MetricsApiError(400, [`The request body is not valid JSON: ${(error as Error).message}`]);
  }
}

/** `page_size` and `page_token` of the descriptor lists (1–1000, default 100; the token is opaque). */
function page<T>(c: Context, items: T[]) {
  const sizeText = c.req.query('page_size');
  const size = sizeText === undefined ? 100 : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw new MetricsApiError(400, ['page_size must be an integer from 1 through 1000.']);
  const token = c.req.query('page_token');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw new MetricsApiError(400, ['Invalid page_token: start again from the first page.']);
  const next =
    offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return {
    data: items.slice(offset, offset + size),
    meta: {
      pagination: { page_size: size, total_size: items.length, ...(next ? { next_page_token: next } : {}) },
    },
    ...(next
      ? { links: { next: `${new URL(c.req.url).pathname}?page_size=${size}&page_token=${next}` } }
      : {}),
  };
}

/**
 * Confluent Cloud's Metrics API v2 over the local store, dataset `cloud` only (as the Cloud). No authentication:
 * the API key the Cloud demands is accepted and ignored, so a client configured for the Cloud works unchanged.
 */
export function createMetricsApp(store: MetricStore): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof MetricsApiError) return c.json(error.body(), error.status as 400);
    console.error(error);
    return c.json(errorBody(500, 'Internal error; see the metrics service log.'), 500);
  });
  app.notFound((c) =>
    c.json(
      errorBody(
        404,
        `No endpoint at ${c.req.method} ${c.req.path}; the API serves /v2/metrics/cloud/{query,attributes,export,descriptors/metrics,descriptors/resources}.`,
      ),
      404,
    ),
  );
  app.use('/v2/metrics/:dataset/*', async (c, next) => {
    const dataset = c.req.param('dataset');
    if (dataset !== 'cloud')
      return c.json(errorBody(404, `Dataset '${dataset}' not found; the only dataset is 'cloud'.`), 404);
    await next();
  });

  app.get('/v2/metrics/:dataset/descriptors/metrics', (c) => {
    const type = c.req.query('resource_type');
    return c.json(
      page(c, type ? metricDescriptors.filter((d) => d.resources.includes(type)) : metricDescriptors),
    );
  });
  app.get('/v2/metrics/:dataset/descriptors/resources', (c) => c.json(page(c, resourceDescriptors)));
  app.post('/v2/metrics/:dataset/query', async (c) =>
    c.json(runQuery(store, await jsonBody(c), { pageToken: c.req.query('page_token') })),
  );
  app.post('/v2/metrics/:dataset/attributes', async (c) =>
    c.json(runAttributes(store, await jsonBody(c), { pageToken: c.req.query('page_token') })),
  );
  app.get('/v2/metrics/:dataset/export', (c) => {
    const resources: Record<string, string[]> = {};
    for (const type of ['kafka', 'connector', 'ksql', 'schema_registry']) {
      const ids = c.req.queries(`resource.${type}.id`);
      if (ids?.length) resources[`resource.${type}.id`] = ids;
    }
    return c.body(renderExport(store, { resources, metrics: c.req.queries('metric') ?? [] }), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });
  return app;
}

export interface MetricsServiceOptions {
  dataDir: string;
  port?: number;
  intervalMs?: number;
  retentionMs?: number;
  log?: (line: string) => void;
}

export interface MetricsService {
  url: string;
  store: MetricStore;
  collector: Collector;
  close(): Promise<void>;
}

/** The store, the collector on its interval and the API: in this process (tests) or as `main.ts`'s process. */
export async function startMetricsService(options: MetricsServiceOptions): Promise<MetricsService> {
  const store = new MetricStore(options.dataDir, options.retentionMs ?? 48 * 3_600_000);
  const collector = new Collector(store, options.log);
  const app = createMetricsApp(store);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  collector.start(options.intervalMs ?? 10_000);
  const pruning = setInterval(() => store.prune(), 600_000);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    collector,
    close: async () => {
      clearInterval(pruning);
      await collector.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}
