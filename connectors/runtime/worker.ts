import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { RegisteredPlugin, Props } from './api/plugins.ts';
import { kafkaClient, type KafkaConnection } from '../../infra/kafka/connection.ts';
import { Herder } from './herder/herder.ts';
import { ConnectRestException } from './herder/errors.ts';
import { defaultRegistry } from './installed-plugins.ts';
import { WorkerLog } from './logging.ts';
import type { PluginRegistry } from './plugins.ts';
import { createRestApp } from './rest/app.ts';
import { openStorage, type Storage } from './storage/index.ts';

export interface WorkerOptions {
  /** Kafka to store state in and run connectors against (a stack.json `kafka` entry works). */
  kafka: KafkaConnection | string;
  /** REST port on 127.0.0.1; 0 = a free one. */
  port?: number;
  /** Apache's `group.id`; names the worker cluster. */
  groupId?: string;
  /** Internal topics are `<prefix>-configs`, `<prefix>-offsets`, `<prefix>-status` (Apache's defaults for `connect`). */
  topicPrefix?: string;
  /** Worker properties as in Apache's worker.properties (`key.converter`, `offset.flush.interval.ms`, …). */
  workerProps?: Props;
  /** Plugins beyond the installed ones (tests). */
  plugins?: RegisteredPlugin[];
  /** Exactly these plugins instead (the differential tests mirror Apache's classpath). */
  registry?: PluginRegistry;
  log?: (line: string) => void;
}

export interface RunningWorker {
  url: string;
  port: number;
  herder: Herder;
  registry: PluginRegistry;
  app: Hono;
  close(): Promise<void>;
}

/**
 * Starts a worker in this process: opens the internal topics, resumes every stored connector, serves the REST
 * API. `main.ts` runs this as its own OS process; connector integration tests call it directly.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const connection: KafkaConnection =
    typeof options.kafka === 'string' ? { bootstrapServers: options.kafka } : options.kafka;
  const prefix = options.topicPrefix ?? 'connect';
  const workerProps: Props = {
    'group.id': options.groupId ?? 'connect-cluster',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.flush.interval.ms': '60000',
    ...options.workerProps,
  };
  const log = new WorkerLog(options.log);
  const registry = options.registry ?? defaultRegistry(options.plugins);
  const kafka = kafkaClient(connection, 'connect-hack-worker');
  let ready = false;
  let clusterId = '';
  let storage: Storage | undefined;
  let herder: Herder | undefined;
  const placeholder = {} as Herder;
  const app = createRestApp({
    herder: new Proxy(placeholder, {
      get: (_target, property) => {
        if (!herder) throw new ConnectRestException(503, 'Worker is still starting up.');
        const value = (herder as unknown as Record<string | symbol, unknown>)[property];
        return typeof value === 'function' ? value.bind(herder) : value;
      },
    }),
    registry,
    log,
    clusterId: () => clusterId,
    ready: () => ready,
  });
  const { server, port } = await listen(app, options.port ?? 8083);
  const workerId = `127.0.0.1:${port}`;
  try {
    storage = await openStorage(kafka, {
      config: workerProps['config.storage.topic'] ?? `${prefix}-configs`,
      offset: workerProps['offset.storage.topic'] ?? `${prefix}-offsets`,
      status: workerProps['status.storage.topic'] ?? `${prefix}-status`,
    });
    clusterId = (await storage.admin.describeCluster()).clusterId;
    herder = new Herder({
      storage,
      registry,
      workerProps,
      workerId,
      client: (clientId) => kafkaClient(connection, clientId),
      offsetFlushIntervalMs: Number(workerProps['offset.flush.interval.ms']),
      log: (line, logger) => log.log(line, logger),
    });
    await herder.start();
    ready = true;
    log.log(
      `INFO Worker ${workerId} started (group.id=${workerProps['group.id']}, internal topics ${prefix}-*)`,
    );
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    await storage?.close().catch(() => undefined);
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    herder,
    registry,
    app,
    close: async () => {
      ready = false;
      await herder?.stop();
      await storage?.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function listen(app: Hono, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', reject);
  });
}
