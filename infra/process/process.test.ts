import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canBind, claimPort, freePort, isAlive, preferredPort, stopProcess } from './index.ts';

describe('ports', () => {
  it('moves to a free port when the preferred one is busy', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const busy = (server.address() as { port: number }).port;
    try {
      expect(await canBind(busy)).toBe(false);
      const chosen = await preferredPort(busy);
      expect(chosen).not.toBe(busy);
      expect(await canBind(chosen)).toBe(true);
    } finally {
      server.close();
    }
    expect(await preferredPort(busy)).toBe(busy); // free again: the well-known port wins
  });

  it('never hands out a port another live process was just given, though nothing listens on it yet', async () => {
    const port = await freePort();
    expect(claimPort(port)).toBe(true); // our own claim: ours to take again (a service restarted on its port)
    const other = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
        const { freePort, claimPort } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)});
        const taken = await freePort();
        console.log(JSON.stringify({ ours: claimPort(${port}), taken }));
        setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const line = await new Promise<string>((resolve) =>
        other.stdout.once('data', (data) => resolve(String(data))),
      );
      const { ours, taken } = JSON.parse(line) as { ours: boolean; taken: number };
      expect(ours).toBe(false); // claimed by this (live) process
      expect(await canBind(taken)).toBe(true); // nothing listens on it yet…
      expect(claimPort(taken)).toBe(false); // …but it is the other process's
      expect(await preferredPort(taken)).not.toBe(taken);
      await stopProcess(other.pid!, 5_000);
      expect(claimPort(taken)).toBe(true); // its claimer is gone: the port is free for anyone
    } finally {
      other.kill('SIGKILL');
    }
  });
});

describe('isAlive', () => {
  it('knows our own pid and rejects impossible ones', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(0)).toBe(false);
    expect(isAlive(undefined)).toBe(false);
    expect(isAlive(2 ** 22 + 1)).toBe(false);
  });
});
