import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderTable } from '../console/table.ts';
import { style } from '../console/style.ts';
import { UsageError } from '../errors.ts';
import { databaseEntry } from './apply-sql.ts';
import { withSession, type DatabaseService, type SqlResult } from './clients.ts';

/** A value as a person reads it in a table: NULL, dates in ISO form, bytes in hex, objects as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return style.dim('NULL');
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderResult(result: SqlResult): string {
  if (result.columns.length === 0) {
    return `${result.command ?? 'OK'}${result.affected === undefined ? '' : `, ${result.affected} row(s) affected`}`;
  }
  const table = renderTable(
    result.columns.map((header, i) => ({ header, value: (row: unknown[]) => cellText(row[i]) })),
    result.rows,
  );
  return `${table}\n${style.dim(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`)}`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerSqlCommand(program: Command): void {
  program
    .command('sql')
    .description("Run SQL on the stack's mysql or postgres and print the results as tables")
    .argument('<service>', 'mysql or postgres')
    .option('-c, --command <sql>', 'the SQL to run (several statements separated by ;)')
    .option('-f, --file <file>', 'a file of SQL to run')
    .option('-d, --database <name>', 'the database to connect to (postgres default: hack)')
    .addHelpText('after', '\nWithout -c or -f the SQL is read from standard input.')
    .action(async (service: string, options: { command?: string; file?: string; database?: string }) => {
      if (service !== 'mysql' && service !== 'postgres') {
        throw new UsageError(`"${service}" is not a database of the stack.`, {
          fix: 'Name mysql or postgres.',
        });
      }
      let sql = options.command ?? (options.file ? readFileSync(options.file, 'utf8') : undefined);
      if (sql === undefined) {
        if (process.stdin.isTTY) {
          throw new UsageError('No SQL given.', {
            fix: `Pass it with -c "SELECT …" or -f file.sql, or pipe it in: echo "SELECT 1" | npx hack sql ${service}`,
          });
        }
        sql = await readStdin();
      }
      const entry = databaseEntry(service as DatabaseService);
      const results = await withSession(service as DatabaseService, entry, (session) => session.run(sql), {
        database: options.database,
      }).catch((error: unknown) => {
        const { code, message } = error as { code?: string; message?: string };
        // A statement the server rejected: its own message (with MySQL's/PostgreSQL's error code) is the fix.
        if (code && !/^E[A-Z]+$/.test(code)) throw new UsageError(`${service} says: ${message} (${code})`);
        throw error;
      });
      process.stdout.write(`${results.map(renderResult).join('\n\n')}\n`);
    });
}
