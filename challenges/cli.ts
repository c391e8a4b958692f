import { Option, type Command } from 'commander';
import { readConnectorFiles } from '../connectors/runtime/cli.ts';
import { mark, style } from '../infra/console/style.ts';
import { reportFormats, type ReportFormat } from '../verify/reporters/index.ts';
import { findChallenge } from './index.ts';
import { lintChallenge, type Finding } from './lint.ts';
import { connectorDir, runChallenge, type ChallengeRunOptions } from './runner.ts';

function printFindings(findings: Finding[]): void {
  const seen = new Set<string>();
  for (const finding of findings) {
    const line = `${finding.level === 'error' ? mark.fail() : mark.warn()} ${style.bold(finding.connector)}${finding.key ? ` ${finding.key}` : ''}: ${finding.message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    process.stdout.write(`${line}\n`);
    if (finding.fix) process.stdout.write(`    ${style.dim('→')} ${finding.fix}\n`);
  }
}

export function registerChallengeCommands(program: Command): void {
  program
    .command('challenge')
    .description('Run a challenge end to end: stack, seed, your connectors, events, verification, scoreboard')
    .argument('<nn>', 'the challenge number, e.g. 03')
    .option('--solution', 'apply the reference connectors instead of yours')
    .option('--connectors <dir>', 'apply the connector configs in this folder')
    .option('--seed <n>', 'seed of the generated data', (value) => Number(value), 42)
    .option(
      '--scale <scale>',
      'small, medium, large, or counts like users=100,products=30,events=5000',
      'small',
    )
    .option('--keep', 'leave the stack running afterwards')
    .option(
      '--env <file>',
      'run against the environment in this env file instead of the local stack (nothing is deleted there)',
    )
    .addOption(new Option('--report <format>', 'also write a report').choices(reportFormats))
    .option('--out <file>', 'where to write the report (default: stdout)')
    .option(
      '--timeout <seconds>',
      'how long verification waits for the pipeline to converge',
      (value) => Number(value),
      90,
    )
    .action(async (id: string, options: ChallengeRunOptions & { report?: ReportFormat }) => {
      const spec = findChallenge(id);
      const findings = lintChallenge(spec, readConnectorFiles(connectorDir(spec, options)));
      if (findings.length > 0) {
        process.stdout.write(`${style.bold('Lint')} (${connectorDir(spec, options)})\n`);
        printFindings(findings);
        process.stdout.write('\n');
      }
      const report = await runChallenge(spec, options);
      process.exitCode = report.passed ? 0 : 1;
    });

  program
    .command('lint')
    .description(
      "Check a challenge's connector configs without running them: keys, topic maps, id strategy, indexes, loops",
    )
    .option('--challenge <nn>', 'which challenge', '03')
    .option('--solution', 'lint the reference connectors')
    .option(
      '--connectors <dir>',
      "lint the connector configs in this folder (default: the challenge's connectors/)",
    )
    .action((options: { challenge: string; solution?: boolean; connectors?: string }) => {
      const spec = findChallenge(options.challenge);
      const dir = connectorDir(spec, options);
      const findings = lintChallenge(spec, readConnectorFiles(dir));
      printFindings(findings);
      const errors = findings.filter((finding) => finding.level === 'error').length;
      process.stdout.write(
        errors === 0
          ? `${mark.ok()} ${dir}: no errors${findings.length ? `, ${findings.length} warning(s)` : ''}\n`
          : `${mark.fail()} ${dir}: ${errors} error(s)\n`,
      );
      process.exitCode = errors === 0 ? 0 : 1;
    });
}
