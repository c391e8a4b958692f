import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../infra/errors.ts';
import type { ReportFormat, VerifyReport } from '../report.ts';
import { renderScoreboard } from './console.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export { renderScoreboard, progressLine } from './console.ts';
export { renderJson, renderJunit, renderMarkdown };

export type { ReportFormat } from '../report.ts';
export const reportFormats: ReportFormat[] = ['console', 'json', 'junit', 'md'];

export function renderReport(report: VerifyReport, format: ReportFormat): string {
  switch (format) {
    case 'console':
      return `${renderScoreboard(report)}\n`;
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'md':
      return renderMarkdown(report);
  }
}

/** Writes a report to `out` (or stdout); the console scoreboard is printed either way by the caller. */
export function writeReport(report: VerifyReport, format: ReportFormat, out: string | undefined): void {
  if (!reportFormats.includes(format)) {
    throw new UsageError(`Unknown report format "${format}".`, {
      fix: `Use one of: ${reportFormats.join(', ')}.`,
    });
  }
  const text = renderReport(report, format);
  if (!out) {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
}
