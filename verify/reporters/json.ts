import type { VerifyReport } from '../report.ts';

/** DESIGN.md's report format, stable for CI graders. */
export function renderJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
