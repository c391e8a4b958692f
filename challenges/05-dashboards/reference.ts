import { join } from 'node:path';
import { dashboardVariables } from '../../dashboard/environment.ts';
import { defaultDashboardPort } from '../../dashboard/server.ts';
import { HackError } from '../../infra/errors.ts';
import { serviceLogFile } from '../../infra/paths.ts';
import {
  freePort,
  isAlive,
  preferredPort,
  spawnDetached,
  stopProcess,
  typescriptServiceCommand,
  waitUntil,
} from '../../infra/process/index.ts';
import type { Environment } from '../../infra/stack/environment.ts';

/** The reference dashboard as its own process, on 8090 or a free port, reading the environment's stores. */
export interface DashboardProcess {
  pid: number;
  url: string;
  /** The participant contract's endpoint on it. */
  contractUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startDashboardProcess(
  environment: Pick<Environment, 'cosmos' | 'search'>,
  options: { refreshMs?: number; port?: number; logName?: string } = {},
): Promise<DashboardProcess> {
  if (!environment.cosmos || !environment.search)
    throw new HackError('The dashboard needs Cosmos DB and Azure AI Search in the environment.');
  // 0: any free port (the URL must name the real one, so it is chosen here).
  const port =
    options.port === 0 ? await freePort() : (options.port ?? (await preferredPort(defaultDashboardPort)));
  const { command, args } = typescriptServiceCommand(
    join(import.meta.dirname, '..', '..', 'dashboard', 'main.ts'),
    ['--port', String(port), '--refresh-ms', String(options.refreshMs ?? 500)],
  );
  const child = spawnDetached(command, args, {
    logFile: serviceLogFile(options.logName ?? 'dashboard'),
    env: { ...process.env, ...dashboardVariables(environment.cosmos, environment.search) },
  });
  const url = `http://127.0.0.1:${port}`;
  const contractUrl = `${url}/api/panels`;
  try {
    await waitUntil(
      async () => {
        const response = await fetch(contractUrl, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok;
      },
      {
        timeoutMs: 60_000,
        what: 'The reference dashboard',
        abort: () =>
          isAlive(child.pid) ? undefined : `The dashboard exited during start; see ${child.logFile}.`,
        fix: `Look at ${child.logFile}.`,
      },
    );
  } catch (error) {
    await stopProcess(child.pid, 5_000); // a dashboard that never answered must not outlive the run
    throw error;
  }
  return {
    pid: child.pid,
    url,
    contractUrl,
    logFile: child.logFile,
    stop: async () => void (await stopProcess(child.pid, 5_000)),
  };
}
