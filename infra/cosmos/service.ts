import { fileURLToPath } from 'node:url';
import { serviceDataDir, serviceLogFile } from '../paths.ts';
import {
  freePort,
  isAlive,
  isPortOpen,
  preferredPort,
  spawnDetached,
  typescriptServiceCommand,
  waitUntil,
} from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import type { CosmosEntry } from '../stack/stack-file.ts';
import { defaultMongoPort } from '../cosmos-mongo/server.ts';
import { emulatorKey } from './auth.ts';
import { defaultCosmosPort } from './server.ts';

const mainScript = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * Cosmos DB in the stack: the emulator as its own process on 8081 (a free port when that is taken or with
 * ephemeral ports), or — in the external profile with COSMOS_ENDPOINT and COSMOS_KEY — a real account that is
 * only recorded.
 */
export const cosmosService: ServiceDefinition<CosmosEntry> = {
  name: 'cosmos',

  describe: (entry) => entry.endpoint + (entry.pid === undefined ? ' (external)' : ''),

  async start(context: StartContext): Promise<CosmosEntry> {
    const endpoint = context.env.COSMOS_ENDPOINT;
    const key = context.env.COSMOS_KEY;
    if (context.profile === 'external' && endpoint && key) return { endpoint, key };

    const port = context.ephemeralPorts ? await freePort() : await preferredPort(defaultCosmosPort);
    const httpPort = await freePort();
    // The MongoDB API (the cosmos-mongo service) is a second listener of this process, on 10255 as on Azure.
    const mongoPort = context.ephemeralPorts ? await freePort() : await preferredPort(defaultMongoPort);
    const dataDir = serviceDataDir('cosmos');
    const logFile = serviceLogFile('cosmos');
    const emulatorKeyToUse = context.env.COSMOS_EMULATOR_KEY || emulatorKey;
    context.progress(`Starting the Cosmos DB emulator on port ${port}…`);
    const { command, args } = typescriptServiceCommand(mainScript, [
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--mongo-port',
      String(mongoPort),
      ...(context.env.COSMOS_EMULATOR_ACCEPT_ANY_KEY === 'true' ? ['--accept-any-key'] : []),
    ]);
    const child = spawnDetached(command, args, {
      logFile,
      env: { ...process.env, COSMOS_EMULATOR_KEY: emulatorKeyToUse },
    });
    const listening = async (): Promise<boolean> =>
      (await isPortOpen(port)) && (await isPortOpen(httpPort)) && (await isPortOpen(mongoPort));
    await waitUntil(listening, {
      timeoutMs: 60_000,
      what: 'The Cosmos DB emulator',
      abort: () =>
        isAlive(child.pid) ? undefined : `The Cosmos DB emulator exited during start-up; see ${logFile}.`,
      fix: `Look at ${logFile}; \`npx hack logs cosmos\` shows it.`,
    });
    return {
      pid: child.pid,
      endpoint: `https://127.0.0.1:${port}`,
      key: emulatorKeyToUse,
      tlsInsecure: true,
      certificateFile: `${dataDir}/cosmos-emulator.crt`,
      httpEndpoint: `http://127.0.0.1:${httpPort}`,
      mongoPort,
    };
  },

  async isHealthy(entry: CosmosEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    if (entry.pid === undefined) return true; // an external account: not ours to probe
    const url = new URL(entry.endpoint);
    return isPortOpen(Number(url.port || 443), url.hostname);
  },
};
