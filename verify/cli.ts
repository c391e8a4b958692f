import { Option, type Command } from 'commander';
import { findChallenge } from '../challenges/index.ts';
import { resolveEnvironment, type Environment } from '../infra/stack/environment.ts';
import type { ChallengeSpec } from '../challenges/spec.ts';
import {
  progressLine,
  renderScoreboard,
  reportFormats,
  writeReport,
  type ReportFormat,
} from './reporters/index.ts';
import { verifyChallenge } from './run.ts';
import type { VerifyReport } from './report.ts';
import type { PipelineState } from './checks.ts';

export interface VerifyCommandOptions {
  timeout?: number;
  /** Renders extra live lines from what was read (the challenge runner's per-topic counts). */
  liveView?: (state: PipelineState) => string[];
  report?: ReportFormat;
  out?: string;
}

/** Polls with a live progress line, prints the scoreboard, writes the requested report. Shared with `hack challenge`. */
export async function verifyAndReport(
  spec: ChallengeSpec,
  environment: Environment,
  options: VerifyCommandOptions,
): Promise<VerifyReport> {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = 0;
  let drawn = 0; // lines of the live view on screen, redrawn in place on a terminal
  const report = await verifyChallenge(spec, environment, {
    timeoutMs: (options.timeout ?? 60) * 1000,
    onProgress: (checks, attempt, state) => {
      const lines = [...(options.liveView?.(state) ?? []), progressLine(checks, attempt)];
      if (tty) {
        process.stderr.write(`${drawn > 0 ? `\u001b[${drawn}F` : ''}\u001b[0J${lines.join('\n')}\n`);
        drawn = lines.length;
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
      'Check that every record made the trip: Cosmos → Kafka → Cosmos sink and Search, connectors healthy',
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
      (value) => Number(value),
      60,
    )
    .action(async (options: VerifyCommandOptions & { challenge: string; env?: string }) => {
      const spec = findChallenge(options.challenge);
      const environment = resolveEnvironment(options.env);
      const report = await verifyAndReport(spec, environment, options);
      process.exitCode = report.passed ? 0 : 1;
    });
}
