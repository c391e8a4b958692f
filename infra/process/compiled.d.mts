/** Types of compiled.mjs (plain JavaScript, so that bin/hack.mjs can use it before TypeScript loads). */
export function compiledPath(entry: string): string;
export function freshCompiled(entry: string): string | undefined;
export function compile(entry: string): Promise<string>;
export function compileInBackground(entry: string): void;
export const buildSettings: readonly string[];
