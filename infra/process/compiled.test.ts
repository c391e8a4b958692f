import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../paths.ts';
import { buildSettings, compile, compiledPath, freshCompiled } from './compiled.mjs';
import { typescriptServiceCommand } from './index.ts';

describe('compiled entry points', () => {
  // Inside the project (its node_modules resolve, its modules get their own import.meta), removed afterwards.
  const dir = mkdtempSync(join(projectRoot, '.compiled-test-'));
  const entry = join(dir, 'entry.ts');
  const helper = join(dir, 'helper.ts');
  writeFileSync(
    entry,
    "import { where } from './helper.ts';\nconst answer: number = 42;\nconsole.log(JSON.stringify({ dirname: import.meta.dirname, url: import.meta.url, helper: where(), answer }));\n",
  );
  writeFileSync(helper, 'export function where(): string {\n  return import.meta.filename;\n}\n');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(compiledPath(entry), { force: true });
    rmSync(`${compiledPath(entry)}.inputs.json`, { force: true });
  });

  it('runs compiled with each module keeping its own import.meta, and goes stale when a source changes', async () => {
    expect(freshCompiled(entry)).toBeUndefined();
    const output = await compile(entry);
    expect(output).toBe(compiledPath(entry));
    expect(freshCompiled(entry)).toBe(output);
    const printed = JSON.parse(execFileSync(process.execPath, [output], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
    expect(printed).toEqual({ dirname: dir, url: pathToFileURL(entry).href, helper: helper, answer: 42 });
    const { inputs } = JSON.parse(readFileSync(`${output}.inputs.json`, 'utf8')) as { inputs: [string][] };
    expect(inputs.map(([file]) => file)).toEqual(expect.arrayContaining([...buildSettings])); // esbuild, tsconfig
    appendFileSync(helper, '// edited\n');
    expect(freshCompiled(entry)).toBeUndefined(); // an edit runs through tsx until it is compiled again
  });

  it("runs a participant's script through tsx, never compiled", () => {
    const script = join(
      projectRoot,
      'challenges',
      '04-stream-processing',
      'solution',
      'typescript',
      'processor.ts',
    );
    const { args } = typescriptServiceCommand(script);
    expect(args[0]).toBe('--import');
    expect(args).toContain(script);
  });
});
