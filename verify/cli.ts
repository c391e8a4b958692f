import { Option, type Command } from 'commander';
import { findChallenge } from '../challenges/index.ts';
import type { Challenge } from '../challenges/challenge.ts';
import { positiveNumber } from '../infra/console/options.ts';
import { stripAnsi } from '../infra/console/style.ts';
import { resolveEnvironment, type Environment } from '../infra/stack/environment.ts';
import {
  progressLine,
  renderScoreboard,
  reportFormats,
  writeReport,
  type ReportFormat,
} from './reporters/index.ts';
import { verifyChallenge } from './run.ts';
import type { VerifyReport } from './report.ts';

export interface VerifyCommandOptions {
  timeout?: number;
  /** Renders extra live lines from what was read (the challenge runner's per-topic counts). */
  liveView?: (state: unknown) => string[];
  report?: ReportFormat;
  out?: string;
}

/** A line that fits in `columns` (a wrapped line would leave stale rows on the next redraw). */
export function fitLine(line: string, columns: number): string {
  const visible = stripAnsi(line);
  if (visible.length < columns) return line;
  return `${visible.slice(0, Math.max(1, columns - 2))}…`;
}

/** Polls with a live progress line, prints the scoreboard, writes the requested report. Shared with `hack challenge`. */
export async function verifyAndReport(
  challenge: Challenge,
  environment: Environment,
  options: VerifyCommandOptions,
): Promise<VerifyReport> {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = 0;
  let drawn = 0; // lines of the live view on screen, redrawn in place on a terminal
  const report = await verifyChallenge(challenge, environment, {
    timeoutMs: (options.timeout ?? 60) * 1000,
    onProgress: (checks, attempt, state) => {
      const lines = [...(options.liveView?.(state) ?? []), progressLine(checks, attempt)];
      if (tty) {
        // Lines cut to the terminal's width never wrap, so moving up `drawn` rows always lands on the first one.
        const fitted = lines.map((line) => fitLine(line, process.stderr.columns ?? 80));
        process.stderr.write(`${drawn > 0 ? `\u001b[${drawn}F` : ''}\u001b[0J${fitted.join('\n')}\n`);
        drawn = fitted.length;
      } else if (Date.now() - lastPrinted > 5000 || checks.every((check) => check.passed)) {
        process.stderr.write(`${lines.join('\n')}\n`);
        lastPrinted = Date.now();
      }
    },
  });
  const toStdout = options.report && options.report !== 'console' && !options.out;
  if (!toStdout) process.stdout.write(`${renderScoreboard(report)}\n`);
  if (options.report && options.report !== 'console') writeReport(report, options.report, options.out);
  return report;
}

export function registerVerifyCommands(program: Command): void {
  program
    .command('verify')
    .description(
      "Check a challenge's pipeline: services, connectors and tasks, then every record by identity and content",
    )
    .option('--challenge <nn>', 'which challenge', '03')
    .option(
      '--env <file>',
      'verify the environment in this env file (KAFKA_*, COSMOS_*, SEARCH_*, CONNECT_URL) instead of the local stack',
    )
    .addOption(new Option('--report <format>', 'also write a report').choices(reportFormats))
    .option('--out <file>', 'where to write the report (default: stdout)')
    .option(
      '--timeout <seconds>',
      'keep polling until the checks pass or this many seconds passed',
      positiveNumber,
      60,
    )
    .action(async (options: VerifyCommandOptions & { challenge: string; env?: string }) => {
      const challenge = findChallenge(options.challenge);
      const environment = resolveEnvironment(options.env, challenge.requires);
      const report = await verifyAndReport(challenge, environment, {
        ...options,
        liveView: challenge.liveView as ((state: unknown) => string[]) | undefined,
      });
      process.exitCode = report.passed ? 0 : 1;
    });
}
