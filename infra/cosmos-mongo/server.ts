import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { CosmosStore } from '../cosmos/store/index.ts';
import { runCommand } from './commands.ts';
import type { ConnectionState, ServerState } from './context.ts';
import { ScramServer } from './scram.ts';
import { WireError, completeMessageLength, encodeReply, parseMessage } from './wire.ts';

/** Cosmos DB for MongoDB's port on Azure. */
export const defaultMongoPort = 10255;
/** The account name: the SCRAM user and the connection string's user, as the emulator's account id. */
export const mongoAccount = 'localhost';

export interface MongoListenerOptions {
  store: CosmosStore;
  keys: string[];
  port: number;
  host: string;
  /** PEM certificate and key: TLS as on Azure; without them plain TCP. */
  tls?: { cert: string; key: string };
}

export interface MongoListener {
  port: number;
  close(): Promise<void>;
}

/**
 * The MongoDB wire protocol on the Cosmos store: a listener of the emulator's own process, so a Mongo database
 * is a Cosmos database with the same journal, change log and kill -9 guarantee.
 */
export async function startMongoListener(options: MongoListenerOptions): Promise<MongoListener> {
  const state: ServerState = {
    store: options.store,
    scram: new ScramServer(mongoAccount, options.keys),
    account: mongoAccount,
    hostPort: '',
    cursors: new Map(),
    transactions: new Map(),
    nextConnectionId: 1,
  };
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(state, socket);
  };
  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onConnection)
    : createNetServer(onConnection);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
  state.hostPort = `${options.host}:${port}`;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads messages off the socket and answers them in order (a driver pipelines nothing on one connection). */
function serveConnection(state: ServerState, socket: Socket): void {
  const connection: ConnectionState = { id: state.nextConnectionId++, authenticated: false };
  let buffered: Buffer = Buffer.alloc(0);
  let queue = Promise.resolve();
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    try {
      for (
        let length = completeMessageLength(buffered);
        length !== undefined;
        length = completeMessageLength(buffered)
      ) {
        const request = parseMessage(buffered.subarray(0, length));
        buffered = buffered.subarray(length);
        queue = queue.then(async () => {
          const reply = await runCommand(state, connection, request.command);
          if (!request.noReply && !socket.destroyed) socket.write(encodeReply(request, reply));
        });
      }
    } catch (error) {
      // A malformed message leaves the stream unframed: the connection cannot continue.
      if (error instanceof WireError) socket.destroy();
      else throw error;
    }
  });
}
