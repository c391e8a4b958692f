import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { HackError, UsageError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import type { DatabaseEntry, StackFile } from '../stack/stack-file.ts';
import { requireStack } from '../stack/stack-file.ts';
import { withSession, type DatabaseService } from './clients.ts';

/**
 * Schemas and seed data come from the challenges' folders as `*.sql` files. `applySqlFile` runs one once per
 * database: a ledger table (`hack_meta.applied_sql`) remembers each file's SHA-256, so running a challenge again
 * leaves its tables and rows alone; a file whose content changed runs again (write it with IF NOT EXISTS / ON
 * CONFLICT where that matters). The whole file goes to the server as one multi-statement query — no client-side
 * splitting, so no `DELIMITER` (mysql's command-line client's own syntax).
 */
export type ApplyOutcome = 'applied' | 'unchanged';

export interface ApplyOptions {
  /** The database to run in (postgres: default `hack`; mysql: none — the file says `USE …`). */
  database?: string;
  /** The stack entry to use; default: the running stack's. */
  entry?: DatabaseEntry;
}

const ledgerDdl: Record<DatabaseService, string> = {
  mysql:
    'CREATE DATABASE IF NOT EXISTS hack_meta; CREATE TABLE IF NOT EXISTS hack_meta.applied_sql (file VARCHAR(512) PRIMARY KEY, sha256 CHAR(64) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
  postgres:
    'CREATE SCHEMA IF NOT EXISTS hack_meta; CREATE TABLE IF NOT EXISTS hack_meta.applied_sql (file TEXT PRIMARY KEY, sha256 CHAR(64) NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
};

const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

export function databaseEntry(service: DatabaseService, stack: StackFile = requireStack()): DatabaseEntry {
  const entry = stack.services[service];
  if (!entry) {
    throw new UsageError(`The running stack has no ${service}.`, {
      fix: `Start it with \`npx hack up ${service}\`.`,
    });
  }
  return entry;
}

export async function applySqlFile(
  service: DatabaseService,
  file: string,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const path = resolve(file);
  let sql: string;
  try {
    sql = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const key = isAbsolute(relative(projectRoot, path)) ? path : relative(projectRoot, path);
  const sha256 = createHash('sha256').update(sql).digest('hex');
  const entry = options.entry ?? databaseEntry(service);
  return withSession(
    service,
    entry,
    async (session) => {
      await session.run(ledgerDdl[service]);
      const [seen] = await session.run(`SELECT sha256 FROM hack_meta.applied_sql WHERE file = ${quote(key)}`);
      if (seen?.rows[0]?.[0] === sha256) return 'unchanged';
      try {
        await session.run(sql);
      } catch (error) {
        throw new HackError(`${key} failed on ${service}: ${(error as Error).message}`, {
          fix: `Fix the statement and run again; try it alone with \`npx hack sql ${service} -c "…"\`.`,
          cause: error,
        });
      }
      const upsert =
        service === 'mysql'
          ? `INSERT INTO hack_meta.applied_sql (file, sha256) VALUES (${quote(key)}, ${quote(sha256)}) ON DUPLICATE KEY UPDATE sha256 = VALUES(sha256), applied_at = CURRENT_TIMESTAMP`
          : `INSERT INTO hack_meta.applied_sql (file, sha256) VALUES (${quote(key)}, ${quote(sha256)}) ON CONFLICT (file) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()`;
      await session.run(upsert);
      return 'applied';
    },
    { database: options.database },
  );
}
