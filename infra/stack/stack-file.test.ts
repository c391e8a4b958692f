import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStack, stackFileProblem, stackFilePath } from './stack-file.ts';

const valid = {
  profile: 'local',
  startedAt: '2026-11-30T20:00:00.000Z',
  services: {
    kafka: { pid: 42, bootstrapServers: '127.0.0.1:9092' },
    connect: { url: 'http://127.0.0.1:8083' },
    // a service this check does not know: only an object with an optional pid
    postgres: { pid: 7, endpoint: 'postgresql://127.0.0.1:15432/hack' },
  },
};

describe('stack.json validated where it is read', () => {
  let home: string;
  const previous = process.env.HACK_HOME;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'stack-file-'));
    process.env.HACK_HOME = home;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previous;
    rmSync(home, { recursive: true, force: true });
  });

  it('accepts the documented shape, open to new services', () => {
    expect(stackFileProblem(valid)).toBeUndefined();
    writeFileSync(stackFilePath(), JSON.stringify(valid));
    expect(readStack()?.services.postgres).toEqual(valid.services.postgres);
  });

  it('names the wrong field instead of handing undefined on', () => {
    expect(stackFileProblem({ ...valid, profile: 'cloud' })).toMatch(/"profile" is "cloud"/);
    expect(stackFileProblem({ ...valid, services: { kafka: { pid: 1 } } })).toBe(
      'services.kafka.bootstrapServers is missing or not a string',
    );
    expect(stackFileProblem({ ...valid, services: { mysql: { pid: 'x' } } })).toMatch(/services\.mysql\.pid/);
    writeFileSync(stackFilePath(), JSON.stringify([]));
    expect(() => readStack()).toThrow(/is not a stack file the harness wrote: it is not a JSON object/);
  });
});
