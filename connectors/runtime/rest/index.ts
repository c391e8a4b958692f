export { createRestApp, type RestDeps } from './app.ts';
