import { Option, type Command } from 'commander';
import { mark } from '../infra/console/style.ts';
import { positiveNumber, wholeNumber } from '../infra/console/options.ts';
import { reportFormats } from '../verify/reporters/index.ts';
import type { ChallengeRunOptions } from './challenge.ts';
import { printFindings } from './findings.ts';
import { findChallenge } from './index.ts';
import { participantDir, runChallenge } from './runner.ts';
import { watchChallenge } from './watch.ts';

export function registerChallengeCommands(program: Command): void {
  program
    .command('challenge')
    .description('Run a challenge end to end: stack, seed, your part, events, verification, scoreboard')
    .argument('<nn>', 'the challenge number, e.g. 03')
    .option('--solution', 'use the reference solution instead of yours')
    .option('--connectors <dir>', 'use the connector configs in this folder')
    .option('--seed <n>', 'seed of the generated data', wholeNumber, 42)
    .option(
      '--scale <scale>',
      'small, medium, large, or counts like users=100,products=30,events=5000',
      'small',
    )
    .option('--keep', 'leave the stack running afterwards')
    .option(
      '--watch',
      'keep the stack; on every save of a config re-lint, re-apply what changed and re-verify',
    )
    .option('--force', 'run even when lint finds errors')
    .option(
      '--env <file>',
      'run against the environment in this env file instead of the local stack (nothing is deleted there)',
    )
    .addOption(new Option('--report <format>', 'also write a report').choices(reportFormats))
    .option('--out <file>', 'where to write the report (default: stdout)')
    .option(
      '--timeout <seconds>',
      'the most verification waits for the pipeline to converge',
      positiveNumber,
      90,
    )
    .option('--timings', "print where the run's time went: services, steps, verification, tear-down")
    .action(async (id: string, options: ChallengeRunOptions & { watch?: boolean }) => {
      fromNpmConfig(options);
      const challenge = findChallenge(id);
      if (options.watch) return watchChallenge(challenge, options);
      const report = await runChallenge(challenge, options);
      process.exitCode = report.passed ? 0 : 1;
    });

  program
    .command('lint')
    .description(
      "Check a challenge's participant files without running them (connector keys, topics, flows…)",
    )
    .option('--challenge <nn>', 'which challenge', '03')
    .option('--solution', 'lint the reference solution')
    .option('--connectors <dir>', "lint the configs in this folder (default: the challenge's connectors/)")
    .action((options: { challenge: string; solution?: boolean; connectors?: string }) => {
      const challenge = findChallenge(options.challenge);
      const dir = participantDir(challenge, options);
      const findings = challenge.lint?.(dir) ?? [];
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

/**
 * `npm run challenge:04 --watch` (no `--`) hands --watch to npm, which keeps it as npm_config_watch and passes the
 * script nothing: honour the challenge's own flags that arrive that way, and say so — else the run silently ignores
 * them (a plain run instead of a watch, the participant's folder instead of the reference).
 */
export function fromNpmConfig(
  options: ChallengeRunOptions & { watch?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!env.npm_lifecycle_event?.startsWith('challenge:')) return;
  const taken: string[] = [];
  for (const flag of ['watch', 'solution', 'keep'] as const) {
    if (env[`npm_config_${flag}`] === 'true' && !options[flag]) {
      options[flag] = true;
      taken.push(`--${flag}`);
    }
  }
  if (env.npm_config_connectors && !options.connectors) {
    options.connectors = env.npm_config_connectors;
    taken.push(`--connectors ${env.npm_config_connectors}`);
  }
  if (taken.length > 0)
    process.stderr.write(
      `${mark.warn()} npm kept ${taken.join(' ')} for itself (npm_config_*); taken as meant. The usual form: npm run ${env.npm_lifecycle_event} -- ${taken.join(' ')}\n`,
    );
}
