import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { serviceDataDir, serviceLogFile } from '../paths.ts';
import {
  isAlive,
  preferredPort,
  spawnDetached,
  typescriptServiceCommand,
  waitUntil,
} from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import type { SearchEntry } from '../stack/stack-file.ts';
import { defaultSearchPort, keysFor } from './emulator.ts';

/** Answers when listing index names with the admin key says 200: the emulator is up and knows its keys. */
async function answers(entry: SearchEntry): Promise<boolean> {
  try {
    const response = await fetch(`${entry.endpoint}/indexes?api-version=2026-04-01&$select=name`, {
      headers: { 'api-key': entry.adminKey },
      signal: AbortSignal.timeout(2_000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Azure AI Search as a stack service: our emulator locally, or a real service named in the environment. */
export const searchService: ServiceDefinition<SearchEntry> = {
  name: 'search',

  describe: (entry) => entry.endpoint,

  async start(context: StartContext): Promise<SearchEntry> {
    const { env } = context;
    if (context.profile === 'external') {
      if (!env.SEARCH_ENDPOINT || !env.SEARCH_ADMIN_KEY) {
        throw new UsageError(
          'The external profile needs SEARCH_ENDPOINT and SEARCH_ADMIN_KEY for Azure AI Search.',
          {
            fix: 'Set them (and optionally SEARCH_QUERY_KEY) in the environment or in the env file passed with --env FILE.',
          },
        );
      }
      return {
        endpoint: env.SEARCH_ENDPOINT.replace(/\/+$/, ''),
        adminKey: env.SEARCH_ADMIN_KEY,
        queryKey: env.SEARCH_QUERY_KEY || env.SEARCH_ADMIN_KEY,
      };
    }
    const dataDir = serviceDataDir('search');
    const keys = keysFor(dataDir);
    const port = await preferredPort(context.ephemeralPorts ? undefined : defaultSearchPort);
    context.progress(`Starting the Search emulator on port ${port}…`);
    const { command, args } = typescriptServiceCommand(join(import.meta.dirname, 'main.ts'), [
      '--data-dir',
      dataDir,
      '--port',
      String(port),
    ]);
    // The keys recorded below come from the data dir; keys in this shell's environment (meant for the external
    // profile) must not override them in the child.
    const child = spawnDetached(command, args, {
      logFile: serviceLogFile('search'),
      env: { ...process.env, SEARCH_ADMIN_KEY: '', SEARCH_QUERY_KEY: '' },
    });
    const entry: SearchEntry = { pid: child.pid, endpoint: `http://127.0.0.1:${port}`, ...keys };
    await waitUntil(() => answers(entry), {
      timeoutMs: 120_000,
      what: 'The Search emulator',
      abort: () =>
        isAlive(child.pid) ? undefined : `The Search emulator exited during start; see ${child.logFile}.`,
      fix: `Look at ${child.logFile}.`,
    });
    return entry;
  },

  async isHealthy(entry: SearchEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return answers(entry);
  },
};
