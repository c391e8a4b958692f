import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createRegistryApp, type RegistryCredentials } from './server.ts';
import { RegistryStore } from './store.ts';

export const defaultSchemaRegistryPort = 8085;

export interface SchemaRegistryOptions {
  dataDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  /** When given, every request needs HTTP basic auth with this key and secret (as Confluent Cloud does). */
  credentials?: RegistryCredentials;
}

export interface SchemaRegistry {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the registry in this process: for tests and for `main.ts`, which runs it as its own OS process. */
export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<SchemaRegistry> {
  const store = new RegistryStore(options.dataDir);
  const app = createRegistryApp(store, options.credentials);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
