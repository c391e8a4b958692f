import { style } from './style.ts';

export interface ProgressBar {
  update(done: number, detail?: string): void;
  finish(detail?: string): void;
}

/**
 * A one-line progress bar on a terminal; on a pipe or CI log it prints a line per 10% instead, so logs stay short.
 * Writes to stderr so that stdout stays clean for data (JSONL, reports).
 */
export function progressBar(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  const width = 28;
  const started = Date.now();
  let lastDecile = -1;
  let lastDraw = 0;
  const line = (done: number, detail = ''): string => {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const bar = style.cyan('█'.repeat(filled)) + style.dim('░'.repeat(width - filled));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return `${label} ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total} ${style.dim(`${seconds}s`)} ${detail}`.trimEnd();
  };
  return {
    update(done, detail) {
      if (stream.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 80 && done < total) return;
        lastDraw = now;
        stream.write(`\r\u001b[2K${line(done, detail)}`);
      } else {
        const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(`${line(done, detail)}\n`);
        }
      }
    },
    finish(detail) {
      if (stream.isTTY) stream.write(`\r\u001b[2K${line(total, detail)}\n`);
      else if (lastDecile < 10) stream.write(`${line(total, detail)}\n`);
    },
  };
}
