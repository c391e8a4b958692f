import type { VerifyReport } from '../report.ts';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown for a CI step summary (`$GITHUB_STEP_SUMMARY`): a table, then the details of each failing check. */
export function renderMarkdown(report: VerifyReport): string {
  const lines = [
    `## Challenge ${report.challenge}: ${report.passed ? '✅ passed' : '❌ failed'}`,
    '',
    '| | check | found | missing | different | extra |',
    '|---|---|---:|---:|---:|---:|',
    ...report.checks.map(
      (check) =>
        `| ${check.passed ? '✅' : '❌'} | ${check.id} | ${check.found}/${check.expected} | ${check.missingCount} | ${check.mismatchedCount ?? check.mismatched.length} | ${check.extraCount ?? check.extra.length} |`,
    ),
  ];
  for (const check of report.checks.filter((item) => !item.passed)) {
    lines.push('', `### ❌ ${check.id}`, '', cell(check.title));
    if (check.hint) lines.push('', `**Likely cause:** ${cell(check.hint)}`);
    // Indented details (dead-letter samples under their topic) become a nested list, not a code block.
    if (check.details.length)
      lines.push(
        '',
        ...check.details.map((detail) =>
          /^\s/.test(detail) ? `  - ${cell(detail.trim())}` : `- ${cell(detail)}`,
        ),
      );
    if (check.missingCount)
      lines.push(
        '',
        `Missing (${check.missingCount}): ${check.missing
          .slice(0, 20)
          .map((id) => `\`${id}\``)
          .join(', ')}`,
      );
    if (check.mismatched.length)
      lines.push(
        '',
        `Different: ${check.mismatched
          .slice(0, 20)
          .map((item) => `\`${item.id}\` (${item.fields.join(', ')})`)
          .join(', ')}`,
      );
    if (check.extra.length)
      lines.push(
        '',
        `Extra: ${check.extra
          .slice(0, 20)
          .map((id) => `\`${id}\``)
          .join(', ')}`,
      );
  }
  lines.push(
    '',
    `_${(report.durationMs / 1000).toFixed(1)} s${report.environment ? `, against ${cell(report.environment)}` : ''}_`,
    '',
  );
  return lines.join('\n');
}
