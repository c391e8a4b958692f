import { mkdtempSync, mkdirSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJavaVersion } from './index.ts';
import { cacheProblem } from './maven.ts';

describe('parseJavaVersion', () => {
  it('reads modern and legacy version strings', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toEqual({
      version: '17.0.15',
      major: 17,
    });
    expect(parseJavaVersion('java version "1.8.0_392"')).toEqual({ version: '1.8.0_392', major: 8 });
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).toEqual({ version: '21', major: 21 });
    expect(parseJavaVersion('command not found')).toBeUndefined();
  });
});

describe('cacheProblem', () => {
  const zipTrailer = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

  function cache(): { dir: string; pom: string } {
    const dir = mkdtempSync(join(tmpdir(), 'cache-test-'));
    const pom = join(dir, 'pom.xml');
    writeFileSync(pom, '<project/>');
    mkdirSync(join(dir, 'libs'));
    const jar = Buffer.concat([Buffer.from('PK\u0003\u0004 content'), zipTrailer]);
    writeFileSync(join(dir, 'libs', 'a.jar'), jar);
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ pom: '<project/>', jars: { 'a.jar': jar.length } }),
    );
    return { dir, pom };
  }

  it('accepts a complete cache', () => {
    const { dir, pom } = cache();
    expect(cacheProblem(dir, pom)).toBeUndefined();
  });

  it('names a missing, truncated or garbled jar, a changed pom, and a missing install', () => {
    let { dir, pom } = cache();
    truncateSync(join(dir, 'libs', 'a.jar'), 10);
    expect(cacheProblem(dir, pom)).toBe('a.jar has the wrong size');

    ({ dir, pom } = cache());
    const size = 10 + zipTrailer.length + 3;
    writeFileSync(join(dir, 'libs', 'a.jar'), Buffer.alloc(size, 1));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ pom: '<project/>', jars: { 'a.jar': size } }));
    expect(cacheProblem(dir, pom)).toBe('a.jar is not a valid jar');

    ({ dir, pom } = cache());
    writeFileSync(pom, '<project><changed/></project>');
    expect(cacheProblem(dir, pom)).toBe('the pom changed since it was resolved');

    expect(cacheProblem(join(dir, 'nowhere'), pom)).toBe('not installed');
  });
});
