#!/usr/bin/env node
// Launches the TypeScript CLI, resolved from this package, so `npx hack` works from any directory: compiled when
// the compiled file is as new as every source (infra/process/compiled.mjs), else through tsx (and a rebuild starts
// in the background for the next command).
import { compileInBackground, freshCompiled } from '../infra/process/compiled.mjs';

const entry = new URL('./hack.ts', import.meta.url).pathname;
const compiled = freshCompiled(entry);
if (compiled) {
  await import(compiled);
} else {
  compileInBackground(entry);
  const { register } = await import('tsx/esm/api');
  register();
  await import('./hack.ts');
}
