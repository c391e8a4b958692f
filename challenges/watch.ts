import { watch } from 'node:fs';
import { mark, style } from '../infra/console/style.ts';
import { errorMessage, HackError } from '../infra/errors.ts';
import { resolveEnvironment } from '../infra/stack/environment.ts';
import { resolveScenario } from '../generators/scenario.ts';
import { verifyAndReport } from '../verify/cli.ts';
import { applyConnectorsStep } from './steps.ts';
import type { Challenge, ChallengeRunOptions } from './challenge.ts';
import { printFindings } from './findings.ts';
import { participantDir, runChallenge, step } from './runner.ts';

const say = (text: string): void => void process.stderr.write(`${text}\n`);

/**
 * `hack challenge NN --watch`: one full run on a kept stack, then on every save in the participant's folder:
 * re-lint (errors stop there), re-apply (unchanged configs are left alone, so only what changed restarts),
 * re-verify — the verdict of a fix in seconds, without restarting or re-seeding anything. Ctrl-C ends the
 * watch and leaves the stack running.
 */
export async function watchChallenge(challenge: Challenge, options: ChallengeRunOptions): Promise<void> {
  const dir = participantDir(challenge, options);
  if (options.report)
    throw new HackError('--watch prints the scoreboard after each save; it writes no report.', {
      fix: 'Leave out --report, or run without --watch.',
    });
  await runChallenge(challenge, { ...options, keep: true, force: true });
  const environment = resolveEnvironment(options.env, challenge.requires);
  const cleanups: Array<() => Promise<void>> = [];
  const context = {
    environment,
    local: !options.env,
    fresh: false,
    scenario: resolveScenario({ seed: options.seed, scale: options.scale }),
    participantDir: dir,
    say,
    onCleanup: (task: () => Promise<void>) => void cleanups.push(task),
  };
  const apply = challenge.watch?.apply ?? applyConnectorsStep();
  const files = challenge.watch?.files ?? /\.(json|properties)$/;
  let running = false;
  let again = false;
  let savedAt = 0;
  const cycle = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        say(`\n${style.cyan('↻')} ${dir} changed`);
        const findings = challenge.lint?.(dir) ?? [];
        printFindings(findings);
        if (findings.some((finding) => finding.level === 'error')) {
          say(`${mark.fail()} Lint errors: nothing applied. Save again when fixed.`);
          continue;
        }
        await step(typeof apply.title === 'string' ? apply.title : apply.title(context), () =>
          apply.run(context),
        );
        const report = await verifyAndReport(challenge, environment, { timeout: options.timeout ?? 90 });
        say(
          style.dim(
            `save → verdict ${((Date.now() - savedAt) / 1000).toFixed(1)} s (${report.passed ? 'passed' : 'failed'}); watching ${dir} — Ctrl-C to stop`,
          ),
        );
      } while (again);
    } catch (error) {
      say(`${mark.fail()} ${errorMessage(error)}`);
    } finally {
      running = false;
    }
  };
  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(dir, { recursive: Boolean(challenge.watch) }, (_event, file) => {
    if (file && !files.test(file)) return;
    if (!debounce) savedAt = Date.now();
    clearTimeout(debounce);
    // Editors save in several writes (truncate, write, rename): act once they are done.
    debounce = setTimeout(() => {
      debounce = undefined;
      void cycle();
    }, 150);
  });
  say(
    style.dim(
      `\nWatching ${dir}: save ${challenge.watch ? 'a file' : 'a connector config'} to re-lint, re-apply and re-verify. Ctrl-C to stop.`,
    ),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  watcher.close();
  clearTimeout(debounce);
  for (const task of cleanups.splice(0).reverse()) await task().catch(() => undefined);
  say(style.dim('\nStopped watching. The stack keeps running: `npx hack down` when done.'));
}
