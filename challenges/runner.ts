import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveScenario } from '../generators/scenario.ts';
import { mark, style } from '../infra/console/style.ts';
import { timeline } from '../infra/console/timeline.ts';
import { HackError } from '../infra/errors.ts';
import { kafkaConnectionOf } from '../infra/kafka/connection.ts';
import { serviceDataDir } from '../infra/paths.ts';
import { environmentFromFile, type Environment } from '../infra/stack/environment.ts';
import { down, up } from '../infra/stack/lifecycle.ts';
import { readStack } from '../infra/stack/stack-file.ts';
import { verifyAndReport } from '../verify/cli.ts';
import type { VerifyReport } from '../verify/report.ts';
import type { Challenge, ChallengeRunOptions, StepContext, StepOutcome } from './challenge.ts';
import { printFindings } from './findings.ts';

export type { ChallengeRunOptions } from './challenge.ts';

const say = (text: string): void => void process.stderr.write(`${text}\n`);

/** Runs one step with ▶/✔/✘ lines; a step that returns `failed` shows ✘ and the run goes on to verification. */
export async function step<T>(title: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const end = timeline.begin(title);
  say(`${style.cyan('▶')} ${title}…`);
  const took = (): string => style.dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  try {
    const result = await body();
    const outcome = (result ?? {}) as StepOutcome;
    if (outcome.failed) say(`${mark.fail()} ${title}: ${outcome.failed} ${took()}`);
    else say(`${mark.ok()} ${title} ${took()}`);
    if (outcome.detail) say(style.dim(`  ${outcome.detail}`));
    return result;
  } catch (error) {
    say(`${mark.fail()} ${title}`);
    throw error;
  } finally {
    end();
  }
}

/** The participant's part: `--connectors DIR`, the reference with `--solution`, else their own folder. */
export function participantDir(challenge: Challenge, options: ChallengeRunOptions): string {
  const folders = challenge.folders ?? { participant: 'connectors', solution: 'solution' };
  const dir =
    options.connectors ?? join(challenge.dir, options.solution ? folders.solution : folders.participant);
  if (!existsSync(dir))
    throw new HackError(`${dir} does not exist.`, {
      fix: "Pass a folder with the challenge's part (see its README).",
    });
  return dir;
}

/**
 * Lints the participant's part and prints the findings; throws on errors unless `force` — before anything is
 * started or applied, so a typo costs a second, not a stack start.
 */
export function lintGate(challenge: Challenge, dir: string, force = false): void {
  const findings = challenge.lint?.(dir) ?? [];
  if (findings.length === 0) return;
  process.stdout.write(`${style.bold('Lint')} (${dir})\n`);
  printFindings(findings);
  process.stdout.write('\n');
  const errors = findings.filter((finding) => finding.level === 'error').length;
  if (errors > 0 && !force) {
    throw new HackError(`Lint found ${errors} error(s) in ${dir}; nothing was started or applied.`, {
      fix: 'Fix them (`npx hack lint` re-checks in a second), or run with --force to apply anyway.',
    });
  }
}

/** The local stack with the challenge's services, and which of them this run started (and so stops). */
async function localEnvironment(
  challenge: Challenge,
  fresh: boolean,
): Promise<{ environment: Environment; started: string[] }> {
  if (fresh) {
    for (const service of challenge.services)
      rmSync(serviceDataDir(service), { recursive: true, force: true });
  }
  const { stack, outcomes } = await up({
    profile: 'local',
    only: challenge.services,
    progress: (message) => say(style.dim(`  ${message}`)),
  });
  const started = Object.entries(outcomes)
    .filter(([, outcome]) => outcome === 'started' || outcome === 'recovered')
    .map(([name]) => name);
  const { kafka, cosmos, search, connect, 'schema-registry': schemaRegistry } = stack.services;
  if (!kafka) throw new HackError('The local stack has no Kafka.', { fix: 'Run `npx hack status`.' });
  return {
    environment: {
      source: 'the local stack',
      kafka: kafkaConnectionOf(kafka),
      cosmos,
      search,
      connect,
      schemaRegistry,
      apacheConnect: stack.services['apache-connect'] as Environment['apacheConnect'],
      mysql: stack.services.mysql,
      cosmosMongo: stack.services['cosmos-mongo'],
      opensearch: stack.services.opensearch as { url: string } | undefined,
    },
    started,
  };
}

/**
 * `hack challenge NN`: the whole challenge on one command — lint, stack, the challenge's steps, verification,
 * scoreboard — and the services this run started stopped again unless `--keep` (also on Ctrl-C).
 */
export async function runChallenge(
  challenge: Challenge,
  options: ChallengeRunOptions,
): Promise<VerifyReport> {
  // From the process's start until here: Node, and the harness's modules compiled or through tsx.
  timeline.add('hack loaded (Node and the modules, compiled or through tsx)', 0, performance.now());
  const dir = participantDir(challenge, options);
  const linted = timeline.begin('lint');
  lintGate(challenge, dir, options.force);
  linted();
  const scenario = resolveScenario({ seed: options.seed, scale: options.scale });
  scenario.liveUpdates = Math.max(5, Math.round(scenario.scale.users / 5));
  const local = !options.env;
  // An env file is read and validated before anything is contacted.
  const fromFile = options.env ? environmentFromFile(options.env, challenge.requires) : undefined;
  // No stack running: this run owns the one it starts, from empty data dirs, and takes it down again.
  const fresh = local && !readStack();
  let started: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const stopOwn = async (): Promise<void> => {
    for (const task of cleanups.splice(0).reverse()) await task().catch(() => undefined);
    if (started.length === 0 || options.keep) return;
    await down((message) => say(style.dim(`  ${message}`)), started);
    say(style.dim('Stopped what this run started (use --keep to leave it running and explore).'));
    started = [];
  };
  const interrupted = (): void => {
    say(style.dim('\nInterrupted.'));
    void stopOwn().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    const environment: Environment = await step(
      local ? 'Local stack up' : `Environment from ${options.env}`,
      async () => {
        if (fromFile) return fromFile;
        const result = await localEnvironment(challenge, fresh);
        started = result.started;
        return result.environment;
      },
    );
    const context: StepContext = {
      environment,
      local,
      fresh,
      scenario,
      participantDir: dir,
      say,
      onCleanup: (task) => void cleanups.push(task),
    };
    for (const item of challenge.steps) {
      await step(typeof item.title === 'string' ? item.title : item.title(context), () => item.run(context));
    }
    return await verifyAndReport(challenge, environment, {
      timeout: options.timeout ?? 90,
      report: options.report,
      out: options.out,
      liveView: challenge.liveView as ((state: unknown) => string[]) | undefined,
    });
  } finally {
    process.removeListener('SIGINT', interrupted);
    const ownsServices = started.length > 0; // read before stopOwn() empties it
    await timeline.time('tear-down', stopOwn);
    if (local && (options.keep || !ownsServices))
      say(style.dim('The stack keeps running: `npx hack status`, `npx hack down` when done.'));
    if (options.timings) say(timeline.render());
  }
}
