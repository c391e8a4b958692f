import { parseArgs } from 'node:util';
import { startCosmosEmulator } from './server.ts';

/**
 * The emulator as its own OS process (started by `hack up`). Keys come from the environment
 * (COSMOS_EMULATOR_KEY), never the command line, so they do not show in `ps`.
 *
 *   --data-dir DIR  --port N  --http-port N  --mongo-port N  --no-tls  --accept-any-key
 *   (--mongo-port also serves the MongoDB wire protocol, Cosmos DB for MongoDB, on the same store)
 *   COSMOS_EMULATOR_THROTTLE_PROBABILITY=0.1  answers that fraction of requests with 429
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'http-port': { type: 'string' },
    'mongo-port': { type: 'string' },
    'no-tls': { type: 'boolean', default: false },
    'accept-any-key': { type: 'boolean', default: false },
  },
});

if (!values['data-dir']) {
  process.stderr.write(
    'usage: main.ts --data-dir DIR [--port N] [--http-port N] [--mongo-port N] [--no-tls] [--accept-any-key]\n',
  );
  process.exit(2);
}

const started = Date.now();
const probability = Number(process.env.COSMOS_EMULATOR_THROTTLE_PROBABILITY ?? '0');
const emulator = await startCosmosEmulator({
  dataDir: values['data-dir'],
  port: values.port === undefined ? undefined : Number(values.port),
  httpPort: values['http-port'] === undefined ? undefined : Number(values['http-port']),
  key: process.env.COSMOS_EMULATOR_KEY || undefined,
  acceptAnyKey: values['accept-any-key'],
  tls: !values['no-tls'],
  throttle: probability > 0 ? { probability } : undefined,
  mongoPort: values['mongo-port'] === undefined ? undefined : Number(values['mongo-port']),
});
process.stdout.write(
  `${new Date().toISOString()} Cosmos DB emulator ready in ${Date.now() - started} ms: ${emulator.endpoint} (http ${emulator.httpEndpoint}), certificate ${emulator.certificateFile ?? 'none'}${emulator.mongoPort ? `, MongoDB wire protocol on port ${emulator.mongoPort}` : ''}\n`,
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${new Date().toISOString()} ${signal}: stopping\n`);
  await emulator.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
