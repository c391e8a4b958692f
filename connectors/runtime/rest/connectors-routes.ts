import type { Hono } from 'hono';
import type { Herder } from '../herder/herder.ts';
import { badRequest, ConnectRestException, notFound } from '../herder/errors.ts';
import type { TargetState } from '../storage/index.ts';
import { configMap, jsonBody } from './body.ts';

function nameMismatch(configName: string | undefined, name: string): void {
  if (configName !== undefined && configName !== name) {
    throw badRequest(
      `Connector name configuration (${configName}) doesn't match connector name in the URL (${name})`,
    );
  }
}

function initialState(value: unknown): TargetState | undefined {
  if (value === undefined || value === null) return undefined;
  const state = String(value).toUpperCase();
  if (state === 'RUNNING' || state === 'STARTED') return 'STARTED';
  if (state === 'PAUSED' || state === 'STOPPED') return state;
  throw badRequest(`Invalid initial state ${String(value)}. Valid values are RUNNING, PAUSED and STOPPED.`);
}

const booleanParam = (value: string | undefined): boolean => value?.toLowerCase() === 'true';

function taskId(value: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id)) throw notFound('HTTP 404 Not Found');
  return id;
}

/** `/connectors…`: Apache's ConnectorsResource, same status codes and bodies. */
export function registerConnectorRoutes(app: Hono, herder: Herder): void {
  app.get('/connectors', (c) => {
    const expand = c.req.queries('expand') ?? [];
    const names = herder.connectorNames();
    if (expand.length === 0) return c.json(names);
    const result: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      const entry: Record<string, unknown> = {};
      if (expand.includes('status')) {
        try {
          entry.status = herder.status(name);
        } catch {
          // a connector still starting has no status yet: list it without one rather than fail the whole call
        }
      }
      if (expand.includes('info')) entry.info = herder.info(name);
      result[name] = entry;
    }
    return c.json(result);
  });

  app.post('/connectors', async (c) => {
    const body = (await jsonBody(c)) as { name?: unknown; config?: unknown; initial_state?: unknown } | null;
    const name = typeof body?.name === 'string' ? body.name.trim() : '';
    if (!name) throw badRequest('Connector name must not be empty or null');
    const config = configMap(body?.config);
    nameMismatch(config.name, name);
    config.name = name;
    const { info } = await herder.putConnectorConfig(name, config, {
      allowReplace: false,
      initialState: initialState(body?.initial_state),
    });
    c.header('Location', `${new URL(c.req.url).origin}/connectors/${encodeURIComponent(name)}`);
    return c.json(info, 201);
  });

  app.get('/connectors/:name', (c) => c.json(herder.info(c.req.param('name'))));
  app.get('/connectors/:name/config', (c) => c.json(herder.config(c.req.param('name'))));

  app.put('/connectors/:name/config', async (c) => {
    const name = c.req.param('name');
    const config = configMap(await jsonBody(c));
    nameMismatch(config.name, name);
    config.name = name;
    const { created, info } = await herder.putConnectorConfig(name, config, { allowReplace: true });
    if (created) c.header('Location', `${new URL(c.req.url).origin}/connectors/${encodeURIComponent(name)}`);
    return c.json(info, created ? 201 : 200);
  });

  app.patch('/connectors/:name/config', async (c) => {
    const name = c.req.param('name');
    const patch = (await jsonBody(c)) as Record<string, unknown> | null;
    const current = herder.config(name);
    for (const [key, value] of Object.entries(patch ?? {})) {
      if (value === null) delete current[key];
      else current[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    nameMismatch(current.name, name);
    const { info } = await herder.putConnectorConfig(name, current, { allowReplace: true });
    return c.json(info, 200);
  });

  app.delete('/connectors/:name', async (c) => {
    await herder.deleteConnector(c.req.param('name'));
    return c.body(null, 204);
  });

  app.get('/connectors/:name/status', (c) => c.json(herder.status(c.req.param('name'))));
  app.get('/connectors/:name/tasks', (c) => c.json(herder.taskInfos(c.req.param('name'))));
  app.get('/connectors/:name/tasks/:task/status', (c) =>
    c.json(herder.taskStatus(c.req.param('name'), taskId(c.req.param('task')))),
  );
  app.post('/connectors/:name/tasks/:task/restart', async (c) => {
    await herder.restartTask(c.req.param('name'), taskId(c.req.param('task')));
    return c.body(null, 204);
  });

  app.post('/connectors/:name/restart', async (c) => {
    const plan = await herder.restart(
      c.req.param('name'),
      booleanParam(c.req.query('includeTasks')),
      booleanParam(c.req.query('onlyFailed')),
    );
    return plan ? c.json(plan, 202) : c.body(null, 204);
  });

  app.put('/connectors/:name/pause', async (c) => {
    await herder.pause(c.req.param('name'));
    return c.body(null, 202);
  });
  app.put('/connectors/:name/resume', async (c) => {
    await herder.resume(c.req.param('name'));
    return c.body(null, 202);
  });
  app.put('/connectors/:name/stop', async (c) => {
    await herder.stopTarget(c.req.param('name'));
    return c.body(null, 204);
  });

  app.get('/connectors/:name/offsets', async (c) => c.json(await herder.offsets(c.req.param('name'))));
  app.patch('/connectors/:name/offsets', async (c) => {
    const name = c.req.param('name');
    herder.config(name); // 404 before body checks, as Apache
    const message = await herder.alterOffsets(name, await jsonBody(c));
    return c.json({ message });
  });
  app.delete('/connectors/:name/offsets', async (c) =>
    c.json({ message: await herder.resetOffsets(c.req.param('name')) }),
  );

  const topicTracking = (reset: boolean): void => {
    const props = herder.workerProps;
    if (props['topic.tracking.enable'] === 'false')
      throw new ConnectRestException(403, 'Topic tracking is disabled.');
    if (reset && props['topic.tracking.allow.reset'] === 'false') {
      throw new ConnectRestException(403, 'Topic tracking reset is disabled.');
    }
  };

  app.get('/connectors/:name/topics', (c) => {
    topicTracking(false);
    const name = c.req.param('name');
    return c.json({ [name]: { topics: herder.topics(name) } });
  });
  app.put('/connectors/:name/topics/reset', async (c) => {
    topicTracking(true);
    await herder.resetTopics(c.req.param('name'));
    return c.body(null, 202);
  });
}
