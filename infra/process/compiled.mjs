// Plain JavaScript: bin/hack.mjs imports this before any TypeScript can load.
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Our own TypeScript entry points (the `hack` CLI, the emulators, the worker) compiled into one JavaScript file
 * each, so a process starts without tsx's loader resolving and transforming a few hundred modules one by one
 * (1–3 s of every start on a busy machine). The sources stay what runs: a compiled file is used only while every
 * source it was built from is unchanged (size and mtime of each, checked at start), otherwise the entry runs
 * through tsx as before and a rebuild starts in the background. `hack install` builds them up front.
 *
 * The files live in node_modules/.cache (the packages they import stay imports, resolved from node_modules as
 * before), and each module keeps its own `import.meta.url`/`dirname`/`filename`, so files found next to a source
 * (a service's `main.ts`, a `.proto`) are found as before.
 */
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(projectRoot, 'node_modules', '.cache', 'connect-hack', 'compiled');

/** The compiled file of an entry (a path under the project). */
export function compiledPath(entry) {
  return join(
    cacheDir,
    `${relative(projectRoot, entry)
      .split(sep)
      .join('__')
      .replace(/\.[cm]?ts$/, '')}.mjs`,
  );
}

/**
 * The compiled file when it exists and no source it was built from has changed since; else undefined.
 * HACK_COMPILED=0 turns compiled starts off (everything through tsx, as before; benchmarks compare both).
 */
export function freshCompiled(entry) {
  if (process.env.HACK_COMPILED === '0') return undefined;
  const output = compiledPath(entry);
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(`${output}.inputs.json`, 'utf8'));
    statSync(output);
  } catch {
    return undefined;
  }
  for (const [file, size, mtimeMs] of manifest.inputs) {
    const stat = statSync(join(projectRoot, file), { throwIfNoEntry: false });
    if (!stat || stat.size !== size || stat.mtimeMs !== mtimeMs) return undefined;
  }
  return output;
}

/**
 * Loads each project module with its own `import.meta` values written into its code (in one bundle they would
 * all be the bundle's), noting the size and mtime each source had when it was read: an edit during the build
 * makes the result stale, never wrongly fresh.
 */
function projectModules(read) {
  return {
    name: 'project-modules',
    setup(build) {
      build.onLoad({ filter: /\.([cm]?ts|m?js)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        read.set(relative(projectRoot, args.path), sourceStamp(relative(projectRoot, args.path)));
        const own = {
          url: pathToFileURL(args.path).href,
          dirname: dirname(args.path),
          filename: args.path,
        };
        // A pattern, not the words themselves: this file is compiled too, and must not rewrite its own code.
        const source = readFileSync(args.path, 'utf8').replace(
          /\bimport\.meta\.(url|dirname|filename)\b/g,
          (_, name) => JSON.stringify(own[name]),
        );
        return {
          contents: source,
          loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/** What shapes a compiled file besides its sources: a new esbuild or an edited tsconfig makes every build stale. */
export const buildSettings = ['tsconfig.json', join('node_modules', 'esbuild', 'package.json')];

function sourceStamp(file) {
  const stat = statSync(join(projectRoot, file));
  return [file, stat.size, stat.mtimeMs];
}

/** Builds an entry's compiled file (with the list of sources it came from); moved into place in one rename. */
export async function compile(entry) {
  const { build } = await import('esbuild');
  const output = compiledPath(entry);
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${output}.${process.pid}.partial`;
  try {
    const read = new Map();
    const result = await build({
      absWorkingDir: projectRoot,
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: partial,
      metafile: true,
      logLevel: 'silent',
      plugins: [projectModules(read)],
    });
    const inputs = Object.keys(result.metafile.inputs)
      .filter((file) => !file.startsWith('node_modules/'))
      .map((file) => read.get(file) ?? sourceStamp(file))
      .concat(buildSettings.map(sourceStamp));
    writeFileSync(`${partial}.inputs.json`, JSON.stringify({ entry: relative(projectRoot, entry), inputs }));
    renameSync(partial, output);
    renameSync(`${partial}.inputs.json`, `${output}.inputs.json`);
    return output;
  } finally {
    rmSync(partial, { force: true });
    rmSync(`${partial}.inputs.json`, { force: true });
  }
}

/**
 * Starts `compile(entry)` in a detached process of its own (so the next start is quick), unless one started in the
 * last minute is still at it. Never fails the caller: the entry runs through tsx meanwhile.
 */
export function compileInBackground(entry) {
  if (process.env.HACK_COMPILED === '0') return;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const lock = `${compiledPath(entry)}.building`;
    try {
      if (Date.now() - statSync(lock).mtimeMs < 60_000) return;
    } catch {
      /* no build running */
    }
    closeSync(openSync(lock, 'w'));
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), entry], {
      detached: true,
      stdio: 'ignore',
    });
    child.unref();
  } catch {
    /* the tsx path works without it */
  }
}

// `node compiled.mjs ENTRY…`: what compileInBackground runs.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const entry of process.argv.slice(2)) {
    try {
      await compile(entry);
    } catch {
      /* stays on tsx; the next start tries again */
    }
    rmSync(`${compiledPath(entry)}.building`, { force: true });
  }
}
