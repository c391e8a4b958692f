import { UsageError } from '../errors.ts';
import { isAlive, isPortOpen, stopProcess } from '../process/index.ts';
import type { ServiceDefinition, StartContext } from '../stack/service.ts';
import type { DatabaseEntry } from '../stack/stack-file.ts';
import { databaseLabels, withSession, type DatabaseService } from './clients.ts';

/**
 * A database as a stack service. Locally: our own server on its own data dir and port. In the external profile
 * with `<PREFIX>_URL` set (`MYSQL_URL`, `POSTGRES_URL`, credentials in the URL or in `<PREFIX>_USER` /
 * `<PREFIX>_PASSWORD`): an existing server, checked and only recorded. Databases start on demand — `hack up
 * mysql postgres` or a challenge that needs them — not with a bare `hack up`.
 */
export function databaseService(
  name: DatabaseService,
  startLocal: (context: StartContext) => Promise<DatabaseEntry>,
): ServiceDefinition<DatabaseEntry> {
  return {
    name,
    onDemand: true,

    describe: (entry) => `${entry.url} (user ${entry.user}${entry.pid === undefined ? ', external' : ''})`,

    async start(context) {
      const external = externalEntry(name, context.env);
      if (context.profile === 'external' && external) {
        context.progress(`Checking ${databaseLabels[name]} at ${external.host}:${external.port}…`);
        await withSession(name, external, (session) => session.run('SELECT 1'));
        return external;
      }
      return startLocal(context);
    },

    async isHealthy(entry) {
      if (entry.pid !== undefined && !isAlive(entry.pid)) return false;
      return isPortOpen(entry.port, entry.host);
    },

    async stop(entry) {
      // Both servers finish a clean shutdown on SIGTERM (PostgreSQL: "smart" mode waits for clients, so not that).
      if (entry.pid) await stopProcess(entry.pid, 60_000);
    },
  };
}

/** The variables that describe a database of one's own: `MYSQL_URL`, `MYSQL_USER`, `MYSQL_PASSWORD`, … */
export const databaseVariables: Record<DatabaseService, { url: string; user: string; password: string }> = {
  mysql: { url: 'MYSQL_URL', user: 'MYSQL_USER', password: 'MYSQL_PASSWORD' },
  postgres: { url: 'POSTGRES_URL', user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD' },
};

const defaultPorts: Record<DatabaseService, number> = { mysql: 3306, postgres: 5432 };

export function externalEntry(name: DatabaseService, env: NodeJS.ProcessEnv): DatabaseEntry | undefined {
  const variables = databaseVariables[name];
  const text = env[variables.url];
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${variables.url} is not a URL.`, {
      fix: `Write it as ${name === 'mysql' ? 'mysql://host:3306' : 'postgresql://host:5432/database'}.`,
    });
  }
  const user = env[variables.user] ?? decodeURIComponent(url.username);
  const password = env[variables.password] ?? decodeURIComponent(url.password);
  if (!user) {
    throw new UsageError(`${variables.url} names no user.`, {
      fix: `Set ${variables.user} and ${variables.password}.`,
    });
  }
  const database = url.pathname.replace(/^\//, '') || undefined;
  const host = url.hostname;
  const port = Number(url.port || defaultPorts[name]);
  return {
    url: `${url.protocol}//${host}:${port}${database ? `/${database}` : ''}`,
    host,
    port,
    user,
    password,
    ...(database ? { database } : {}),
  };
}

/**
 * The stack's databases as environment variables — the names `externalEntry` reads — for workers whose connector
 * configs say `${env:MYSQL_PASSWORD}`.
 */
export function databaseEnvironment(
  services: Partial<Record<DatabaseService, DatabaseEntry>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['mysql', 'postgres'] as const) {
    const entry = services[name];
    if (!entry) continue;
    const prefix = name.toUpperCase();
    env[`${prefix}_URL`] = entry.url;
    env[`${prefix}_HOST`] = entry.host;
    env[`${prefix}_PORT`] = String(entry.port);
    env[`${prefix}_USER`] = entry.user;
    env[`${prefix}_PASSWORD`] = entry.password;
    if (entry.database) env[`${prefix}_DATABASE`] = entry.database;
  }
  return env;
}
