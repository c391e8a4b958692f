import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectUrl, readConnectorFiles } from './cli.ts';

describe('hack connectors apply: connector files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'connector-files-'));
  writeFileSync(
    join(dir, 'a.json'),
    JSON.stringify({ name: 'users-sink', config: { 'connector.class': 'X', 'tasks.max': 2 } }),
  );
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ 'connector.class': 'Y', name: 'flat' }));
  writeFileSync(join(dir, 'unnamed.json'), JSON.stringify({ 'connector.class': 'Z' }));
  writeFileSync(join(dir, 'c.properties'), 'name=props\nconnector.class=FileStreamSink\n');
  writeFileSync(join(dir, 'notes.txt'), 'ignored');

  it('reads {"name","config"} files, flat maps and .properties like kcctl and Apache standalone', () => {
    expect(readConnectorFiles(dir).map(({ name, config }) => ({ name, config }))).toEqual([
      { name: 'users-sink', config: { 'connector.class': 'X', 'tasks.max': '2', name: 'users-sink' } },
      { name: 'flat', config: { 'connector.class': 'Y', name: 'flat' } },
      { name: 'props', config: { name: 'props', 'connector.class': 'FileStreamSink' } },
      { name: 'unnamed', config: { 'connector.class': 'Z', name: 'unnamed' } },
    ]);
  });

  it('says what is wrong with a bad file or path', () => {
    writeFileSync(join(dir, 'broken.json'), '{"name":');
    expect(() => readConnectorFiles(join(dir, 'broken.json'))).toThrow(/broken\.json is not valid JSON/);
    expect(() => readConnectorFiles(join(dir, 'missing'))).toThrow(/does not exist/);
  });

  it('takes the worker URL from --url, then CONNECT_URL', () => {
    expect(connectUrl({ url: 'http://x:8083' })).toBe('http://x:8083');
    const envFile = join(dir, 'team.env');
    writeFileSync(envFile, 'CONNECT_URL=https://connect.team1.example\n');
    expect(connectUrl({ env: envFile })).toBe('https://connect.team1.example');
  });
});
