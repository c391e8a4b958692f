import { mark, style } from '../../infra/console/style.ts';
import { renderTable } from '../../infra/console/table.ts';
import { rootCause } from '../graph.ts';
import type { CheckResult, VerifyReport } from '../report.ts';

const shown = 5;
/** Detail lines per failing check: a wrong setting usually shows the same way in every record, and a screenful of
 * the same line hides the hint below it. The JSON report keeps them all. */
const shownDetails = 10;

function listed(label: string, items: string[], total: number): string | undefined {
  if (total === 0) return undefined;
  const more = total > shown ? ` … and ${total - shown} more` : '';
  return `    ${label} (${total}): ${items.slice(0, shown).join(', ')}${more}`;
}

/** The first line of every verdict: all passed, or the cause to fix first (the root of the check graph). */
export function verdictLine(report: VerifyReport): string {
  if (report.passed)
    return `${mark.ok()} ${style.green(style.bold(`Challenge ${report.challenge}: all ${report.checks.length} checks passed.`))}`;
  const root = rootCause(report.checks);
  const cause = report.cause ?? { id: root?.id ?? 'verification', hint: root?.hint ?? 'a check failed.' };
  return `${mark.fail()} ${style.red(style.bold(`Challenge ${report.challenge} failed — ${cause.id}:`))} ${cause.hint}`;
}

/** The scoreboard: the verdict, a table of checks, then for each failing one what is missing, extra or different, and why. */
export function renderScoreboard(report: VerifyReport): string {
  const lines: string[] = [verdictLine(report)];
  lines.push(
    style.dim(
      `Challenge ${report.challenge} — verification (${(report.durationMs / 1000).toFixed(1)} s${report.attempts ? `, ${report.attempts} attempt(s)` : ''})${report.environment ? ` against ${report.environment}` : ''}`,
    ),
  );
  if (report.stoppedBecause)
    lines.push(style.dim(`stopped early: ${report.stoppedBecause}, so waiting longer would not help`));
  else if (report.stalled)
    lines.push(style.dim('stopped early: nothing changed any more, so waiting longer would not help'));
  lines.push('');
  lines.push(
    renderTable<CheckResult>(
      [
        { header: '', value: (check) => (check.passed ? mark.ok() : mark.fail()) },
        { header: 'check', value: (check) => check.id },
        { header: 'found', value: (check) => `${check.found}/${check.expected}`, align: 'right' },
        { header: 'missing', value: (check) => check.missingCount, align: 'right' },
        {
          header: 'different',
          value: (check) => check.mismatchedCount ?? check.mismatched.length,
          align: 'right',
        },
        { header: 'extra', value: (check) => check.extraCount ?? check.extra.length, align: 'right' },
      ],
      report.checks,
    ),
  );
  for (const check of report.checks.filter((item) => !item.passed)) {
    lines.push('');
    if (check.blockedBy) {
      lines.push(`${mark.fail()} ${style.bold(check.id)}: blocked by ${check.blockedBy}`);
      continue;
    }
    lines.push(`${mark.fail()} ${style.bold(check.id)}: ${check.title}`);
    for (const detail of check.details.slice(0, shownDetails)) lines.push(style.dim(`    ${detail}`));
    if (check.details.length > shownDetails)
      lines.push(
        style.dim(`    … and ${check.details.length - shownDetails} more (all of them: --report json)`),
      );
    const rows = [
      listed('missing', check.missing, check.missingCount),
      listed(
        'different',
        check.mismatched.map((item) => `${item.id} [${item.fields.join(', ')}]`),
        check.mismatchedCount ?? check.mismatched.length,
      ),
      listed('extra', check.extra, check.extraCount ?? check.extra.length),
    ].filter((line): line is string => Boolean(line));
    lines.push(...rows);
    if (check.hint) lines.push(`  ${style.yellow('→')} ${check.hint}`);
  }
  const passed = report.checks.filter((check) => check.passed).length;
  lines.push('');
  lines.push(
    report.passed
      ? `${mark.ok()} ${style.green(style.bold(`All ${report.checks.length} checks passed.`))}`
      : `${mark.fail()} ${style.red(style.bold(`${passed} of ${report.checks.length} checks passed.`))}`,
  );
  return lines.join('\n');
}

/** One progress line while polling: found/expected per data check; service and connector nodes only when failing. */
export function progressLine(checks: CheckResult[], attempt: number): string {
  const shownChecks = checks.filter((check) => !check.id.includes(':') || !check.passed);
  const healthyNodes = checks.length - shownChecks.length;
  const parts = shownChecks.map(
    (check) => `${check.passed ? mark.ok() : '…'} ${check.id} ${check.found}/${check.expected}`,
  );
  if (healthyNodes > 0) parts.unshift(`${mark.ok()} ${healthyNodes} services/connectors`);
  return `${style.dim(`attempt ${attempt}`)}  ${parts.join('  ')}`;
}
