#!/usr/bin/env node
// Launches the TypeScript CLI through tsx, resolved from this package, so `npx hack` works from any directory.
import { register } from 'tsx/esm/api';

register();
await import('./hack.ts');
