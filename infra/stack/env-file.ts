import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { UsageError } from '../errors.ts';

/**
 * An env file (`KEY=value` lines, `#` comments, optional quotes — the dotenv format) merged over the process
 * environment. Coaches describe a team's environment this way: `hack verify --env team1.env`.
 */
export function loadEnvFile(
  file: string | undefined,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  if (!file) return { ...base };
  if (!existsSync(file)) {
    throw new UsageError(`The env file ${file} does not exist.`, { fix: 'Check the path given to --env.' });
  }
  return { ...base, ...(parseEnv(readFileSync(file, 'utf8')) as NodeJS.ProcessEnv) };
}
