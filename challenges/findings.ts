import { mark, style } from '../infra/console/style.ts';
import type { Finding } from './lint.ts';

/** Lint findings, one line each (identical lines folded), with the fix under its finding. */
export function printFindings(findings: Finding[]): void {
  const seen = new Set<string>();
  for (const finding of findings) {
    const line = `${finding.level === 'error' ? mark.fail() : mark.warn()} ${style.bold(finding.connector)}${finding.key ? ` ${finding.key}` : ''}: ${finding.message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    process.stdout.write(`${line}\n`);
    if (finding.fix) process.stdout.write(`    ${style.dim('→')} ${finding.fix}\n`);
  }
}
