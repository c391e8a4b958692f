export { Herder, type HerderOptions } from './herder.ts';
export { ConnectRestException, badRequest, notFound, conflict } from './errors.ts';
export type * from './shapes.ts';
