import { Hono } from 'hono';
import type { Herder } from '../herder/herder.ts';
import type { WorkerLog } from '../logging.ts';
import { renderPrometheus } from '../metrics.ts';
import type { PluginRegistry } from '../plugins.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerConnectorRoutes } from './connectors-routes.ts';
import { errorBody, handleError } from './errors.ts';
import { registerPluginRoutes } from './plugins-routes.ts';

export interface RestDeps {
  herder: Herder;
  registry: PluginRegistry;
  log: WorkerLog;
  /** The Kafka cluster id for `GET /` (Apache's ServerInfo). */
  clusterId: () => string;
  /** False while the worker is still reading its internal topics: `/health` answers 503. */
  ready: () => boolean;
  version?: string;
}

/** Every path the API serves, for telling a wrong verb (405) from an unknown path (404), as Jersey does. */
const routes = [
  /^\/$/,
  /^\/health$/,
  /^\/metrics$/,
  /^\/connector-plugins$/,
  /^\/connector-plugins\/[^/]+\/config$/,
  /^\/connector-plugins\/[^/]+\/config\/validate$/,
  /^\/connectors$/,
  /^\/connectors\/[^/]+$/,
  /^\/connectors\/[^/]+\/(config|status|tasks|restart|pause|resume|stop|offsets|topics)$/,
  /^\/connectors\/[^/]+\/topics\/reset$/,
  /^\/connectors\/[^/]+\/tasks\/[^/]+\/(status|restart)$/,
  /^\/admin\/loggers$/,
  /^\/admin\/loggers\/[^/]+$/,
];

/**
 * The worker's REST API as a hono app, testable in-process with `app.request()`. Paths, status codes and bodies
 * follow Apache Kafka Connect 4.1; `GET /metrics` (Prometheus text) is our extension.
 */
export function createRestApp(deps: RestDeps): Hono {
  const app = new Hono({ strict: false });
  const version = deps.version ?? '4.1.2';
  app.onError(handleError);
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname.replace(/\/+$/, '') || '/';
    return routes.some((route) => route.test(path))
      ? errorBody(c, 405, 'HTTP 405 Method Not Allowed')
      : errorBody(c, 404, 'HTTP 404 Not Found');
  });

  app.get('/', (c) => c.json({ version, commit: 'connect-hack', kafka_cluster_id: deps.clusterId() }));
  app.get('/health', (c) =>
    deps.ready()
      ? c.json({
          status: 'healthy',
          message: 'Worker has completed startup and is ready to handle requests.',
        })
      : c.json({ status: 'starting', message: 'Worker is still starting up.' }, 503),
  );
  app.get('/metrics', (c) =>
    c.body(renderPrometheus(deps.herder.metrics()), 200, { 'Content-Type': 'text/plain; version=0.0.4' }),
  );
  registerPluginRoutes(app, deps.herder, deps.registry);
  registerConnectorRoutes(app, deps.herder);
  registerAdminRoutes(app, deps.log);
  return app;
}
