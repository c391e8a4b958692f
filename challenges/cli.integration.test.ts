import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../infra/paths.ts';

/**
 * What the CLI refuses before it contacts anything: lint errors (nothing started or applied), an env file with
 * missing or malformed variables (all named at once), option values that are not numbers, a status with no stack.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-cli-unit-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function hack(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hack.mjs'), ...args], {
    env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 80_000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('hack challenge and verify refuse early', () => {
  it('stops on lint errors before anything is started or applied', () => {
    const { status, output } = hack('challenge', '03');
    expect(status).toBe(1);
    expect(output).toContain('still a placeholder');
    expect(output).toMatch(/Lint found \d+ error\(s\) in .*connectors; nothing was started or applied\./);
    expect(output).not.toContain('Local stack up');
    expect(existsSync(join(home, 'stack.json'))).toBe(false);
  }, 90_000);

  it('names every missing or malformed env variable at once, before contacting anything', () => {
    const env = join(home, 'team.env');
    writeFileSync(env, 'KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1\nCOSMOS_ENDPOINT=not-a-url\nCOSMOS_KEY=abc\n');
    const { status, output } = hack('verify', '--challenge', '03', '--env', env);
    expect(status).toBe(1);
    expect(output).toContain('COSMOS_ENDPOINT must be an http(s) URL (got not-a-url).');
    expect(output).toContain('SEARCH_ENDPOINT is missing.');
    expect(output).toContain('SEARCH_ADMIN_KEY is missing.');
    expect(output).toContain('CONNECT_URL is missing.');
    expect(output).not.toContain('attempt 1');
  }, 90_000);

  it.each([
    [['challenge', '03', '--timeout', 'abc'], "option '--timeout <seconds>' argument 'abc' is invalid"],
    [['verify', '--timeout', 'abc'], "option '--timeout <seconds>' argument 'abc' is invalid"],
    [['challenge', '03', '--seed', 'abc'], 'Expected a whole number'],
    [['logs', 'kafka', '-n', 'abc'], 'Expected a whole number'],
    [['status', '--json'], 'No stack is running'],
  ])(
    'refuses %j',
    (args, message) => {
      const { status, output } = hack(...args);
      expect(status).not.toBe(0);
      expect(output).toContain(message);
    },
    90_000,
  );
});

describe('hack output into a closed pipe', () => {
  it('ends quietly when its reader has gone (`hack lint | head`), keeping its exit code', async () => {
    const child = spawn(
      process.execPath,
      [join(projectRoot, 'bin', 'hack.mjs'), 'lint', '--challenge', '03'],
      {
        env: { ...process.env, HACK_HOME: home, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // The reading end closed before the first line: every write the CLI makes meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toContain('Unhandled');
    expect(status).toBe(1); // the template's lint errors, as without the pipe
  }, 90_000);
});
