/** ANSI styling that switches itself off for pipes, CI logs without colour, and NO_COLOR. */
const enabled = (): boolean =>
  !process.env.NO_COLOR && (process.env.FORCE_COLOR !== undefined || process.stdout.isTTY === true);

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    enabled() ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

export const mark = {
  ok: (): string => style.green('✔'),
  fail: (): string => style.red('✘'),
  warn: (): string => style.yellow('!'),
};

// eslint-disable-next-line no-control-regex -- matching the ESC of ANSI sequences is the point
const ansiPattern = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, '');
}

/** Visible width of a string, ignoring ANSI escapes. */
export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}
