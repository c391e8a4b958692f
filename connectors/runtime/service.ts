import { fileURLToPath } from 'node:url';
import { hackHome, serviceLogFile } from '../../infra/paths.ts';
import {
  freePort,
  isAlive,
  preferredPort,
  spawnDetached,
  typescriptServiceCommand,
  waitUntil,
} from '../../infra/process/index.ts';
import { UsageError } from '../../infra/errors.ts';
import type { ServiceDefinition, StartContext } from '../../infra/stack/service.ts';
import type { ConnectEntry } from '../../infra/stack/stack-file.ts';
import { endpointServices, stackVariables } from '../../infra/stack/environment.ts';

export const defaultConnectPort = 8083;
const mainScript = fileURLToPath(new URL('./main.ts', import.meta.url));

async function answersHealth(url: string): Promise<boolean> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return response?.status === 200;
}

/**
 * Our Kafka Connect worker as the stack's last service: its own process on 8083 (a free port when busy or with
 * ephemeral ports), storing its state in the stack's Kafka. In the external profile, `CONNECT_URL` names a
 * worker that is already running (a real Kafka Connect cluster) and nothing is started.
 */
export const connectService: ServiceDefinition<ConnectEntry> = {
  name: 'connect',
  // The others first when they start in the same `hack up`, so their variables are in the worker's env.
  dependsOn: endpointServices,
  needs: ['kafka'],

  describe: (entry) => entry.url,

  async start(context: StartContext): Promise<ConnectEntry> {
    const external = context.env.CONNECT_URL?.trim();
    if (context.profile === 'external' && external) {
      context.progress(`Using Kafka Connect at ${external}`);
      return { url: external.replace(/\/+$/, '') };
    }
    const kafka = context.services.kafka;
    if (!kafka) {
      throw new UsageError('The Connect worker needs Kafka, which is not in the stack.', {
        fix: 'Start the whole stack with `npx hack up`.',
      });
    }
    const port = context.ephemeralPorts ? await freePort() : await preferredPort(defaultConnectPort);
    const url = `http://127.0.0.1:${port}`;
    context.progress(`Starting the Kafka Connect worker on ${url}…`);
    // Several stacks on one (external) Kafka need their own internal topics: CONNECT_TOPIC_PREFIX / CONNECT_GROUP_ID.
    const cluster = [
      ...(context.env.CONNECT_TOPIC_PREFIX ? ['--topic-prefix', context.env.CONNECT_TOPIC_PREFIX] : []),
      ...(context.env.CONNECT_GROUP_ID ? ['--group-id', context.env.CONNECT_GROUP_ID] : []),
    ];
    const { command, args } = typescriptServiceCommand(mainScript, [
      '--port',
      String(port),
      '--kafka',
      JSON.stringify(kafka),
      ...cluster,
    ]);
    const logFile = serviceLogFile('connect');
    // The stack's endpoints and keys as `${env:…}` sees them, the same names Apache Kafka Connect gets; HACK_HOME
    // for files the harness writes into the stack's data dir (challenge 08's replay file).
    const child = spawnDetached(command, args, {
      logFile,
      env: { ...process.env, HACK_HOME: hackHome(), ...stackVariables(context.services) },
    });
    await waitUntil(async () => (await answersHealth(url)) || undefined, {
      timeoutMs: 120_000,
      what: 'The Kafka Connect worker',
      abort: () =>
        isAlive(child.pid) ? undefined : `The Kafka Connect worker exited during startup; see ${logFile}.`,
      fix: `Look at ${logFile} (npx hack logs connect).`,
    });
    return { pid: child.pid, url };
  },

  async isHealthy(entry: ConnectEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return answersHealth(entry.url);
  },
};
