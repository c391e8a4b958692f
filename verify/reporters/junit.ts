import type { CheckResult, VerifyReport } from '../report.ts';

const escapeXml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

function failureText(check: CheckResult): string {
  return [
    `found ${check.found} of ${check.expected}`,
    check.missingCount ? `missing (${check.missingCount}): ${check.missing.join(', ')}` : '',
    check.mismatched.length
      ? `different: ${check.mismatched.map((item) => `${item.id} [${item.fields.join(', ')}]`).join('; ')}`
      : '',
    check.extra.length ? `extra (${check.extraCount ?? check.extra.length}): ${check.extra.join(', ')}` : '',
    ...check.details,
    check.hint ? `hint: ${check.hint}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** JUnit XML: one test case per check, so any CI shows the checks as tests. */
export function renderJunit(report: VerifyReport): string {
  const failures = report.checks.filter((check) => !check.passed).length;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const cases = report.checks.map((check) => {
    const time = ((check.durationMs ?? report.durationMs) / 1000).toFixed(3);
    const open = `    <testcase classname="challenge-${report.challenge}" name="${escapeXml(`${check.id}: ${check.title}`)}" time="${time}">`;
    if (check.passed) return `${open}</testcase>`;
    const message = escapeXml(check.hint ?? `${check.missingCount} missing`);
    return `${open}\n      <failure message="${message}" type="${check.id}">${escapeXml(failureText(check))}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="connect-hack verify" tests="${report.checks.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="challenge ${report.challenge}" tests="${report.checks.length}" failures="${failures}" errors="0" time="${seconds}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
