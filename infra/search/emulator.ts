import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createSearchApp, type SearchKeys } from './server.ts';
import { SearchStore } from './store.ts';

export const defaultSearchPort = 8084;

export interface SearchEmulatorOptions {
  dataDir: string;
  /** 0 or absent: any free port. */
  port?: number;
  adminKey?: string;
  queryKey?: string;
  /** Serve HTTPS with a self-signed certificate (the SDK accepts plain HTTP with key credentials). */
  https?: boolean;
}

export interface SearchEmulator extends SearchKeys {
  endpoint: string;
  port: number;
  /** PEM of the self-signed certificate when serving HTTPS: clients pass it as `tlsOptions: { ca }`. */
  certificate?: string;
  /** Resolves when the text indexes of the replayed data are built (they are built between requests). */
  warmedUp: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keys for a data dir: given ones win; otherwise those generated on the first start and kept beside the data,
 * so a restarted emulator answers to the keys recorded in stack.json.
 */
export function keysFor(dataDir: string, given: Partial<SearchKeys> = {}): SearchKeys {
  const file = join(dataDir, 'keys.json');
  const stored: Partial<SearchKeys> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<SearchKeys>)
    : {};
  const keys = {
    adminKey: given.adminKey ?? stored.adminKey ?? newKey(),
    queryKey: given.queryKey ?? stored.queryKey ?? newKey(),
  };
  if (keys.adminKey !== stored.adminKey || keys.queryKey !== stored.queryKey) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  }
  return keys;
}

function newKey(): string {
  return randomBytes(26)
    .toString('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '0')
    .slice(0, 52);
}

/** Starts the emulator in this process: for tests and for `main.ts`, which runs it as its own OS process. */
export async function startSearchEmulator(options: SearchEmulatorOptions): Promise<SearchEmulator> {
  const keys = keysFor(options.dataDir, options);
  const store = new SearchStore(options.dataDir);
  const app = createSearchApp(store, keys);
  const tls = options.https ? await selfSignedCertificate() : undefined;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 0,
        hostname: '127.0.0.1',
        ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
      },
      () => resolve(started),
    );
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const warmedUp = store.warmUp();
  return {
    ...keys,
    port,
    warmedUp,
    ...(tls ? { certificate: tls.cert } : {}),
    endpoint: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
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

async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  } as Parameters<typeof generate>[1]);
  return { key: pems.private, cert: pems.cert };
}
