import mysql from 'mysql2/promise';
import pg from 'pg';
import { HackError } from '../errors.ts';
import type { DatabaseEntry } from '../stack/stack-file.ts';

/**
 * The harness talks to both databases through the official Node clients (mysql2, pg), with the credentials of the
 * stack entry. Connection failures become errors that name the cause and the fix — and never the password.
 */
export type DatabaseService = 'mysql' | 'postgres';

export const databaseLabels: Record<DatabaseService, string> = { mysql: 'MariaDB', postgres: 'PostgreSQL' };

export interface SqlResult {
  /** Column names for a statement that returns rows; empty for one that does not. */
  columns: string[];
  rows: unknown[][];
  /** Rows changed by INSERT/UPDATE/DELETE, when the statement returns no rows. */
  affected?: number;
  command?: string;
}

export interface SqlSession {
  /** Runs one or more `;`-separated statements (no parameters): one result per statement. */
  run(sql: string): Promise<SqlResult[]>;
  close(): Promise<void>;
}

export async function openSession(
  service: DatabaseService,
  entry: DatabaseEntry,
  options: { database?: string; user?: string; password?: string } = {},
): Promise<SqlSession> {
  const user = options.user ?? entry.user;
  const password = options.password ?? entry.password;
  const database = options.database ?? entry.database;
  try {
    return service === 'mysql'
      ? await mysqlSession({ host: entry.host, port: entry.port, user, password, database })
      : await postgresSession({ host: entry.host, port: entry.port, user, password, database });
  } catch (error) {
    throw connectionError(service, entry, user, error);
  }
}

/** One connection, used for a body and closed after it. */
export async function withSession<T>(
  service: DatabaseService,
  entry: DatabaseEntry,
  body: (session: SqlSession) => Promise<T>,
  options: { database?: string } = {},
): Promise<T> {
  const session = await openSession(service, entry, options);
  try {
    return await body(session);
  } finally {
    await session.close().catch(() => {});
  }
}

interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
}

async function mysqlSession(target: Target): Promise<SqlSession> {
  const connection = await mysql.createConnection({
    ...target,
    multipleStatements: true,
    connectTimeout: 5_000,
    // Tables of values a person reads: dates as MySQL prints them, big numbers exact.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    async run(sql) {
      const [results, fields] = await connection.query({ sql, rowsAsArray: true });
      // One statement: results is its rows (or its header); several: one entry per statement.
      const many =
        Array.isArray(fields) && fields.some((field) => Array.isArray(field) || field === undefined);
      const perStatement = many ? (results as unknown[]) : [results];
      const perFields = many ? (fields as unknown[]) : [fields];
      return perStatement.map((result, i) => {
        const columns = (perFields[i] as Array<{ name: string }> | undefined)?.map((field) => field.name);
        if (Array.isArray(result)) return { columns: columns ?? [], rows: result as unknown[][] };
        return { columns: [], rows: [], affected: (result as { affectedRows?: number }).affectedRows };
      });
    },
    close: () => connection.end(),
  };
}

async function postgresSession(target: Target): Promise<SqlSession> {
  const client = new pg.Client({ ...target, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {}); // a server that goes away surfaces on the next query
  await client.connect();
  return {
    async run(sql) {
      const results = (await client.query({ text: sql, rowMode: 'array' })) as unknown as
        pg.QueryArrayResult | pg.QueryArrayResult[];
      return (Array.isArray(results) ? results : [results]).map((result) =>
        result.fields.length > 0
          ? { columns: result.fields.map((field) => field.name), rows: result.rows, command: result.command }
          : { columns: [], rows: [], affected: result.rowCount ?? undefined, command: result.command },
      );
    },
    close: () => client.end(),
  };
}

/** A connection failure as the user should read it: which server, what went wrong, what to do. */
export function connectionError(
  service: DatabaseService,
  entry: DatabaseEntry,
  user: string,
  error: unknown,
): HackError {
  const label = databaseLabels[service];
  const where = `${label} at ${entry.host}:${entry.port}`;
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
    return new HackError(`${where} does not answer (${code}).`, {
      fix: `Start it with \`npx hack up ${service}\` (\`npx hack status\` shows what runs).`,
      cause: error,
    });
  }
  // MySQL 1045 (access denied), PostgreSQL 28P01 (password) / 28000 (no such role or pg_hba).
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === '28P01' || code === '28000') {
    return new HackError(`${where} refused user "${user}": wrong user name or password.`, {
      fix:
        entry.pid === undefined
          ? `Check ${service === 'mysql' ? 'MYSQL_USER and MYSQL_PASSWORD' : 'POSTGRES_USER and POSTGRES_PASSWORD'} in your environment or --env file.`
          : `Use the user and password of .hack/stack.json (\${stack:${service}.user}, \${stack:${service}.password}); they belong to the data dir, .hack/data/${service}/state.json.`,
      cause: error,
    });
  }
  if (code === 'ER_BAD_DB_ERROR' || code === '3D000') {
    return new HackError(`${where} has no such database: ${message ?? ''}`.trim(), {
      fix: 'Create it first (CREATE DATABASE …) or name an existing one.',
      cause: error,
    });
  }
  return new HackError(`Could not connect to ${where}: ${message ?? String(error)}`, { cause: error });
}
