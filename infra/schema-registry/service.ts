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
import type { SchemaRegistryEntry } from '../stack/stack-file.ts';
import { defaultSchemaRegistryPort } from './registry.ts';

/** The Authorization header for an entry that carries credentials. */
export function registryAuthHeaders(entry: SchemaRegistryEntry): Record<string, string> {
  return entry.apiKey && entry.apiSecret
    ? { authorization: `Basic ${Buffer.from(`${entry.apiKey}:${entry.apiSecret}`).toString('base64')}` }
    : {};
}

/** Answers when `GET /config` (the global compatibility level) says 200 with the entry's credentials. */
async function answers(entry: SchemaRegistryEntry): Promise<boolean> {
  try {
    const response = await fetch(`${entry.url}/config`, {
      headers: registryAuthHeaders(entry),
      signal: AbortSignal.timeout(2_000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * A Confluent-compatible Schema Registry as a stack service: ours as its own process on 8085 (a free port when
 * busy or in tests), or — in the external profile — the registry named by SCHEMA_REGISTRY_URL (Confluent Cloud:
 * with SCHEMA_REGISTRY_API_KEY / SCHEMA_REGISTRY_API_SECRET), only recorded. Started on demand: by the
 * challenges that use it and by `hack up schema-registry`, not by a plain `hack up`.
 */
export const schemaRegistryService: ServiceDefinition<SchemaRegistryEntry> = {
  name: 'schema-registry',
  onDemand: true,

  describe: (entry) => entry.url + (entry.pid === undefined ? ' (external)' : ''),

  async start(context: StartContext): Promise<SchemaRegistryEntry> {
    const { env } = context;
    const credentials =
      env.SCHEMA_REGISTRY_API_KEY && env.SCHEMA_REGISTRY_API_SECRET
        ? { apiKey: env.SCHEMA_REGISTRY_API_KEY, apiSecret: env.SCHEMA_REGISTRY_API_SECRET }
        : {};
    if (context.profile === 'external') {
      if (!env.SCHEMA_REGISTRY_URL)
        throw new UsageError('The external profile needs SCHEMA_REGISTRY_URL for the Schema Registry.', {
          fix: 'Set it (and SCHEMA_REGISTRY_API_KEY / SCHEMA_REGISTRY_API_SECRET for Confluent Cloud) in the environment or in the env file passed with --env FILE.',
        });
      return { url: env.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''), ...credentials };
    }
    const port = await preferredPort(context.ephemeralPorts ? undefined : defaultSchemaRegistryPort);
    context.progress(`Starting the Schema Registry on port ${port}…`);
    const { command, args } = typescriptServiceCommand(join(import.meta.dirname, 'main.ts'), [
      '--data-dir',
      serviceDataDir('schema-registry'),
      '--port',
      String(port),
    ]);
    const child = spawnDetached(command, args, {
      logFile: serviceLogFile('schema-registry'),
      env: { ...process.env, ...env },
    });
    const entry: SchemaRegistryEntry = { pid: child.pid, url: `http://127.0.0.1:${port}`, ...credentials };
    await waitUntil(() => answers(entry), {
      timeoutMs: 60_000,
      what: 'The Schema Registry',
      abort: () =>
        isAlive(child.pid) ? undefined : `The Schema Registry exited during start; see ${child.logFile}.`,
      fix: `Look at ${child.logFile}.`,
    });
    return entry;
  },

  async isHealthy(entry: SchemaRegistryEntry): Promise<boolean> {
    if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
    return answers(entry);
  },
};
