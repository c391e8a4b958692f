import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CosmosClient } from '@azure/cosmos';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { cosmosClient } from '../infra/cosmos/client.ts';
import { errorMessage } from '../infra/errors.ts';
import type { CosmosEntry, SearchEntry } from '../infra/stack/stack-file.ts';
import { computePanels, PANELS, type PanelId, type PanelView } from './panels.ts';
import { readDashboardData } from './read.ts';
import { PIPELINE_CHARTS, readPipeline, stackMetricsUrl, type PipelineView } from './pipeline.ts';

/**
 * The reference dashboard: a loop reads Cosmos DB and Search every `refreshMs`, computes the panels, and pushes
 * each refresh to every open page over server-sent events; `GET /api/panels` serves the same snapshot as the
 * participant contract. Chart.js is served from the installed npm package, never from a CDN.
 */
export const defaultDashboardPort = 8090;

export interface Snapshot {
  /** Per panel: rows and the time its data was read; `changedAt` is when the rows last changed here. */
  panels: Record<PanelId, PanelView & { changedAt: string }>;
  /** How long the last read of Cosmos DB and Search took. */
  readMs: number;
  error?: string;
}

export interface DashboardOptions {
  cosmos: CosmosEntry;
  search: SearchEntry;
  port: number;
  /** Pause between the end of one read and the start of the next (default 500 ms). */
  refreshMs?: number;
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

const pageDir = join(import.meta.dirname, 'page');
const chartFile = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** The HTTP side alone (testable with `app.request()`): the page, its script, Chart.js, the API and the stream. */
export function createDashboardApp(source: {
  snapshot(): Snapshot | undefined;
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
  /** The pipeline section's history, from the metrics service's API (dashboard/pipeline.ts). */
  pipeline?(): Promise<PipelineView>;
}): Hono {
  const app = new Hono();
  const asset = (file: string, type: string) => () =>
    new Response(readFileSync(file), { headers: { 'content-type': type, 'cache-control': 'no-cache' } });
  app.get('/', asset(join(pageDir, 'index.html'), 'text/html; charset=utf-8'));
  app.get('/app.js', asset(join(pageDir, 'app.js'), 'text/javascript; charset=utf-8'));
  app.get('/vendor/chart.umd.min.js', asset(chartFile, 'text/javascript; charset=utf-8'));
  app.get('/api/panels', (c) => {
    const snapshot = source.snapshot();
    if (!snapshot) return c.json({ error: 'The first read of Cosmos DB and Search is still running.' }, 503);
    return c.json({
      panels: Object.fromEntries(
        Object.entries(snapshot.panels).map(([id, panel]) => [id, { asOf: panel.asOf, rows: panel.rows }]),
      ),
      ...(snapshot.error ? { error: snapshot.error } : {}),
    });
  });
  app.get('/api/meta', (c) => c.json({ panels: PANELS, pipeline: PIPELINE_CHARTS }));
  app.get('/api/pipeline', async (c) =>
    c.json(
      source.pipeline
        ? await source.pipeline()
        : {
            unavailable: 'This dashboard has no pipeline section.',
            fix: 'Start it with `npx hack dashboard`.',
          },
    ),
  );
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let closed = false;
      const queue: Snapshot[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = source.subscribe((snapshot) => {
        queue.splice(0, queue.length, snapshot); // only the newest matters to a page
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      const first = source.snapshot();
      if (first) await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(first) });
      while (!closed) {
        const next = queue.shift();
        if (next) await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(next) });
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    }),
  );
  return app;
}

/** Starts the read loop and the HTTP server; resolves once it listens (the first read may still be running). */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const cosmos: CosmosClient = cosmosClient(options.cosmos);
  const refreshMs = options.refreshMs ?? 500;
  const listeners = new Set<(snapshot: Snapshot) => void>();
  let current: Snapshot | undefined;
  let stopped = false;

  const refresh = async (): Promise<void> => {
    const asOf = Date.now();
    try {
      const data = await readDashboardData(cosmos, options.search, asOf);
      const panels = computePanels(data, asOf);
      const now = new Date().toISOString();
      const next = Object.fromEntries(
        Object.entries(panels).map(([id, panel]) => {
          const before = current?.panels[id as PanelId];
          const same = before && JSON.stringify(before.rows) === JSON.stringify(panel.rows);
          return [id, { ...panel, changedAt: same ? before.changedAt : now }];
        }),
      ) as Snapshot['panels'];
      current = { panels: next, readMs: Date.now() - asOf };
    } catch (error) {
      if (current) current = { ...current, error: errorMessage(error) };
      else process.stderr.write(`dashboard: read failed: ${errorMessage(error)}\n`);
    }
    if (current) for (const listener of listeners) listener(current);
  };
  const loop = (async () => {
    while (!stopped) {
      await refresh();
      await new Promise((resolve) => setTimeout(resolve, refreshMs));
    }
  })();

  // The page asks every few seconds; the metrics service scrapes every 10 s, so a few seconds' cache loses nothing.
  let pipeline: { at: number; view: Promise<PipelineView> } | undefined;
  const app = createDashboardApp({
    pipeline: () => {
      if (!pipeline || Date.now() - pipeline.at > 3_000)
        pipeline = { at: Date.now(), view: readPipeline(stackMetricsUrl(), Date.now()) };
      return pipeline.view;
    },
    snapshot: () => current,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, port: options.port, hostname: '127.0.0.1' }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      stopped = true;
      listeners.clear();
      await new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      });
      await loop;
      cosmos.dispose();
    },
  };
}
