import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canBind, isAlive, preferredPort } from './index.ts';

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
});

describe('isAlive', () => {
  it('knows our own pid and rejects impossible ones', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(0)).toBe(false);
    expect(isAlive(undefined)).toBe(false);
    expect(isAlive(2 ** 22 + 1)).toBe(false);
  });
});
