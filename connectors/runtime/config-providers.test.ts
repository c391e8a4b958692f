import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskSecrets, resolveConfig, unresolve } from './config-providers.ts';

describe('config providers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'providers-'));
  const file = join(dir, 'secrets.properties');
  writeFileSync(file, '# comment\ncosmos.key=abc==\nother = x y\n');

  it('resolves ${env:…}, ${file:…:key} and ${stack:…} and leaves unknown providers alone', () => {
    const providers = {
      env: (path: string, key?: string) => ({ HOST: 'h1' })[(key ?? path) as 'HOST'],
      file: (path: string, key?: string) => (path === file && key === 'cosmos.key' ? 'abc==' : undefined),
      stack: (path: string) => (path === 'kafka.bootstrapServers' ? '127.0.0.1:9092' : undefined),
    };
    expect(
      resolveConfig(
        {
          a: 'http://${env:HOST}:8081',
          b: `\${file:${file}:cosmos.key}`,
          c: '${stack:kafka.bootstrapServers}',
          d: '${vault:x:y}',
        },
        providers,
      ),
    ).toEqual({ a: 'http://h1:8081', b: 'abc==', c: '127.0.0.1:9092', d: '${vault:x:y}' });
    expect(() => resolveConfig({ a: '${env:MISSING}' }, providers)).toThrow(
      /Could not resolve \$\{env:MISSING\}/,
    );
  });

  it('reads properties files with the default file provider', () => {
    expect(resolveConfig({ k: `\${file:${file}:other}` })).toEqual({ k: 'x y' });
  });

  it('reads the file by java.util.Properties rules: continuations, escaped separators, \\uXXXX', () => {
    const javaFile = join(dir, 'java.properties');
    writeFileSync(javaFile, 'hosts = a:1, \\\n    b:2\ncosmos\\:key=k\\u00e9y\n');
    expect(resolveConfig({ h: `\${file:${javaFile}:hosts}`, k: `\${file:${javaFile}:cosmos:key}` })).toEqual({
      h: 'a:1, b:2',
      k: 'kéy',
    });
  });

  it('keeps placeholders in stored task configs and masks secrets in text', () => {
    const raw = { key: '${env:SECRET}', plain: 'p' };
    const resolved = { key: 's3cret', plain: 'p' };
    expect(unresolve({ key: 's3cret', plain: 'p', extra: 'e' }, raw, resolved)).toEqual({
      key: '${env:SECRET}',
      plain: 'p',
      extra: 'e',
    });
    expect(maskSecrets('auth failed with key s3cret', ['s3cret'])).toBe('auth failed with key [hidden]');
  });
});
