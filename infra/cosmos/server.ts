import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleCosmosRequest, type CosmosAppOptions, type ThrottleOptions } from './app.ts';
import { emulatorKey } from './auth.ts';
import { emulatorCertificate } from './certificate.ts';
import { createEpkFilter } from './epk.ts';
import { startMongoListener, type MongoListener } from '../cosmos-mongo/server.ts';
import { nodeCosmosRequest } from './http.ts';
import { CosmosStore } from './store/index.ts';

export const defaultCosmosPort = 8081;

export interface CosmosEmulatorOptions {
  /** Where the journal and the TLS certificate live. */
  dataDir: string;
  /** The HTTPS port (or the HTTP one when `tls` is false); 0 picks a free port. Default 8081. */
  port?: number;
  /** The plain-HTTP port beside HTTPS; 0 (default) picks a free one. */
  httpPort?: number;
  /** The master key; default the well-known emulator key. */
  key?: string;
  /** More keys that are accepted too (a "secondary" key). */
  extraKeys?: string[];
  /** Accept requests without checking their signature. */
  acceptAnyKey?: boolean;
  /** Serve HTTPS with the generated certificate (default true). */
  tls?: boolean;
  throttle?: ThrottleOptions;
  host?: string;
  /** Also serve the MongoDB wire protocol (Cosmos DB for MongoDB) on this port (0: a free one) on the same store. */
  mongoPort?: number;
}

export interface CosmosEmulator {
  /** `https://127.0.0.1:<port>` (or http when tls is off). */
  endpoint: string;
  httpEndpoint: string;
  key: string;
  certificatePem?: string;
  certificateFile?: string;
  store: CosmosStore;
  /** The 429 knob; change its fields at any time. */
  throttle: ThrottleOptions;
  /** The MongoDB listener's port, when `mongoPort` was given. */
  mongoPort?: number;
  close(): Promise<void>;
}

/** Starts the Cosmos DB emulator in this process (tests use this; `main.ts` runs it as its own process). */
export async function startCosmosEmulator(options: CosmosEmulatorOptions): Promise<CosmosEmulator> {
  const host = options.host ?? '127.0.0.1';
  const key = options.key ?? emulatorKey;
  const tls = options.tls ?? true;
  const throttle: ThrottleOptions = { ...options.throttle };
  const store = await CosmosStore.open(options.dataDir);
  let endpoint = '';
  const appOptions: CosmosAppOptions = {
    store,
    keys: [key, ...(options.extraKeys ?? [])],
    acceptAnyKey: options.acceptAnyKey ?? false,
    endpoint: () => endpoint,
    throttle,
    epkFilter: await createEpkFilter(),
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handleCosmosRequest(appOptions, (activityId) => nodeCosmosRequest(req, activityId)).then(
      (result) => {
        res.writeHead(result.status, result.headers);
        res.end(result.body ?? undefined);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InternalServerError', message: String(error) }));
      },
    );
  };
  const servers: Server[] = [];
  let mongo: MongoListener | undefined;
  try {
    const httpServer = createHttpServer(listener);
    servers.push(httpServer);
    const httpPort = await listen(
      httpServer,
      tls ? (options.httpPort ?? 0) : (options.port ?? defaultCosmosPort),
      host,
    );
    const httpEndpoint = `http://${host}:${httpPort}`;
    endpoint = httpEndpoint;
    let certificate: Awaited<ReturnType<typeof emulatorCertificate>> | undefined;
    if (tls) {
      certificate = await emulatorCertificate(options.dataDir);
      const httpsServer = createHttpsServer({ cert: certificate.cert, key: certificate.key }, listener);
      servers.push(httpsServer);
      const port = await listen(httpsServer, options.port ?? defaultCosmosPort, host);
      endpoint = `https://${host}:${port}`;
    }
    if (options.mongoPort !== undefined) {
      mongo = await startMongoListener({
        store,
        keys: appOptions.keys,
        port: options.mongoPort,
        host,
        tls: certificate,
      });
    }
    return {
      endpoint,
      httpEndpoint,
      key,
      certificatePem: certificate?.cert,
      certificateFile: certificate?.certificateFile,
      store,
      throttle,
      mongoPort: mongo?.port,
      async close() {
        await mongo?.close();
        await Promise.all(servers.map((server) => closeServer(server)));
        await store.close();
      },
    };
  } catch (error) {
    await mongo?.close();
    await Promise.all(servers.map((server) => closeServer(server)));
    await store.close();
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
