import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HackError } from '../errors.ts';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';
import { withSession, type DatabaseService } from './clients.ts';
import { databaseLayout } from './server.ts';

/**
 * What a participant breaks: the port the data dir used is taken by another program, and the data dir is damaged.
 * Each gets a message that names the fix; a damaged data dir is never deleted for the user.
 */
const damage: Record<DatabaseService, (dataDir: string) => void> = {
  // PostgreSQL cannot start without its control file.
  postgres: (dataDir) => rmSync(join(dataDir, 'global', 'pg_control')),
  // InnoDB's system tablespace cut to nothing.
  mysql: (dataDir) => truncateSync(join(dataDir, 'ibdata1'), 0),
};

describe.each(['postgres', 'mysql'] as const)('%s when things go wrong', (service) => {
  const home = mkdtempSync(join(tmpdir(), `${service}-failures-`));
  const previousHome = process.env.HACK_HOME;
  afterAll(async () => {
    process.env.HACK_HOME = home;
    await down().catch(() => undefined);
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  });

  it('moves to a free port when its port is taken, says so, and keeps its data', async () => {
    process.env.HACK_HOME = home;
    await up({ only: [service], ephemeralPorts: true });
    const first = readStack()!.services[service]!;
    await withSession(service, first, (session) =>
      session.run(
        service === 'mysql'
          ? 'CREATE DATABASE kept; CREATE TABLE kept.t (id INT PRIMARY KEY); INSERT INTO kept.t VALUES (7)'
          : 'CREATE TABLE kept (id INT PRIMARY KEY); INSERT INTO kept VALUES (7)',
      ),
    );
    await down();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen({ port: first.port, host: '127.0.0.1' }, resolve));
    try {
      const messages: string[] = [];
      await up({ only: [service], ephemeralPorts: true, progress: (message) => messages.push(message) });
      const moved = readStack()!.services[service]!;
      expect(moved.port).not.toBe(first.port);
      expect(messages.join('\n')).toContain(
        `Port ${first.port} is busy (\`ss -ltnp 'sport = :${first.port}'\` shows who holds it): ${service} listens on ${moved.port} instead. Configs should name \${stack:${service}.port}`,
      );
      const [rows] = await withSession(service, moved, (session) =>
        session.run(service === 'mysql' ? 'SELECT id FROM kept.t' : 'SELECT id FROM kept'),
      );
      expect(rows!.rows.map((row) => Number(row[0]))).toEqual([7]);
    } finally {
      squatter.close();
    }
  });

  it('says so at once when the server refuses the password the data dir recorded', async () => {
    process.env.HACK_HOME = home;
    await down();
    const layout = databaseLayout(service);
    const recorded = readFileSync(layout.stateFile, 'utf8');
    writeFileSync(layout.stateFile, JSON.stringify({ ...JSON.parse(recorded), password: 'not-it' }));
    try {
      const failure = await up({ only: [service], ephemeralPorts: true }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(HackError);
      expect((failure as HackError).message).toContain(
        `started but refused our user: its password is no longer the one ${layout.stateFile} records`,
      );
      expect((failure as HackError).fix).toContain(`Write the current password into the "password" field`);
    } finally {
      writeFileSync(layout.stateFile, recorded);
    }
  });

  it('refuses a damaged data dir with the way out, and leaves it in place', async () => {
    process.env.HACK_HOME = home;
    await down();
    const layout = databaseLayout(service);
    damage[service](layout.dataDir);
    const failure = await up({ only: [service], ephemeralPorts: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(HackError);
    expect((failure as HackError).message).toMatch(
      new RegExp(
        `^The ${service} data dir ${layout.root} is damaged: ${service === 'mysql' ? 'MariaDB' : 'PostgreSQL'} says "`,
      ),
    );
    expect((failure as HackError).fix).toBe(
      `Move it aside (\`mv ${layout.root} ${layout.root}.broken\`) and run \`npx hack up ${service}\` to start from an empty one; then apply your schema again.`,
    );

    // Following the fix works.
    rmSync(layout.root, { recursive: true });
    expect((await up({ only: [service], ephemeralPorts: true })).outcomes[service]).toBe('started');
  });
});
