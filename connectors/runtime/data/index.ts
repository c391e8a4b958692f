export * from './schema.ts';
export * from './builders.ts';
export * from './java-format.ts';
export * from './java-values.ts';
export * from './json.ts';
export * from './logical.ts';
export * from './values.ts';
