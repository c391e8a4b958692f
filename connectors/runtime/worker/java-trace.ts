import { javaClassOf } from '../api/errors.ts';

/**
 * An error as Java's `printStackTrace` prints it (class: message, `\tat` frames, `Caused by:` chain), for status
 * traces and the `__connect.errors.exception.stacktrace` header — the shape participants know from a real cluster.
 */
export function javaStackTrace(error: unknown, mask: (text: string) => string = (text) => text): string {
  const lines: string[] = [];
  let current: unknown = error;
  let first = true;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const message = current instanceof Error ? current.message : String(current);
    const head = `${javaClassOf(current)}${message ? `: ${mask(message)}` : ''}`;
    lines.push(first ? head : `Caused by: ${head}`);
    const frames =
      current instanceof Error
        ? (current.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
        : [];
    for (const frame of frames.slice(0, 12)) lines.push(`\t${frame.trim()}`);
    current = current instanceof Error ? current.cause : undefined;
    first = false;
  }
  return lines.join('\n');
}

/** The innermost cause's message: what Apache puts in `__connect.errors.exception.message` for the failing call. */
export function messageOf(error: unknown): string | null {
  if (error instanceof Error) return error.message === '' ? null : error.message;
  return error === undefined || error === null ? null : String(error);
}
