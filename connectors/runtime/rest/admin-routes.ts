import type { Hono } from 'hono';
import { badRequest, notFound } from '../herder/errors.ts';
import { logLevels, type LogLevel, type WorkerLog } from '../logging.ts';
import { jsonBody } from './body.ts';

/** `/admin/loggers…`: Apache's LoggingResource (KIP-495, KIP-976). */
export function registerAdminRoutes(app: Hono, log: WorkerLog): void {
  app.get('/admin/loggers', (c) => c.json(log.all()));
  app.get('/admin/loggers/:logger', (c) => {
    const name = c.req.param('logger');
    const level = log.get(name);
    if (!level) throw notFound(`Logger ${name} not found.`);
    return c.json(level);
  });
  app.put('/admin/loggers/:logger', async (c) => {
    const body = (await jsonBody(c)) as { level?: unknown } | null;
    if (body?.level === undefined || body.level === null) {
      throw badRequest("Desired 'level' parameter was not specified in request.");
    }
    const level = String(body.level).toUpperCase();
    if (!(logLevels as readonly string[]).includes(level))
      throw notFound(`invalid log level '${String(body.level)}'.`);
    const affected = log.set(c.req.param('logger'), level as LogLevel);
    if ((c.req.query('scope') ?? 'worker').toLowerCase() === 'cluster') return c.body(null, 204);
    return c.json(affected);
  });
}
