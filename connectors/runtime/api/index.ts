export * from './config.ts';
export * from './errors.ts';
export * from './plugins.ts';
export * from './records.ts';
export * from '../data/schema.ts';
