import type { Environment, EnvironmentPart } from '../infra/stack/environment.ts';
import type { ScenarioOptions } from '../generators/scenario.ts';
import type { CheckResult, ReportFormat } from '../verify/report.ts';

/**
 * What every challenge implements (`challenges/NN-slug/challenge.ts` exports one): the services it needs, the
 * steps `hack challenge NN` runs, what verification reads, and its checks as a dependency graph. The runner,
 * `hack verify`, `hack lint` and the reports are the same code for every challenge. See challenges/README.md.
 */
export interface Challenge<State = unknown> {
  /** Two digits: `03`. */
  id: string;
  /** The folder name: `03-kafka-connect`. */
  slug: string;
  title: string;
  /** The challenge's folder: README.md, the participant's files, solution/. */
  dir: string;
  /** The participant's folder and the reference's, inside `dir` (default `connectors` and `solution`). */
  folders?: { participant: string; solution: string };
  /** Stack services the local run starts (names from infra/stack/registry.ts), e.g. kafka, cosmos, connect. */
  services: string[];
  /** Environment parts `--env` must provide (validated before anything is contacted). */
  requires: EnvironmentPart[];
  /** Run in order by `hack challenge NN`: provision, seed, the participant's part, produce events. */
  steps: ChallengeStep[];
  /**
   * The participant's part, checked without running anything (`hack lint`; `hack challenge` stops on errors
   * unless --force). Absent when the participant's part cannot be checked statically.
   */
  lint?(dir: string): Finding[];
  /** Opens what verification reads; `read()` runs once per poll, `close()` once at the end. */
  observe(environment: Environment): Promise<Observer<State>>;
  /** The checks, each after the nodes it depends on (services → connectors → tasks → topics → stores). */
  checks: Array<CheckNode<State>>;
  /** Extra live lines while verification polls (per-topic counts…). */
  liveView?(state: State): string[];
  /**
   * `--watch`: which saved files (path relative to the participant's folder, subfolders included) start a cycle,
   * and the step a cycle runs before re-verifying. Default: connector configs (.json/.properties), re-applied.
   */
  watch?: { files: RegExp; apply: ChallengeStep };
}

export interface Observer<State> {
  read(): Promise<State>;
  close(): Promise<void>;
}

/** One node of the check graph. Its id is the report's check id: keep it stable once published. */
export interface CheckNode<State> {
  id: string;
  title: string;
  /** Nodes whose failure makes this one's failure a consequence, not a cause ("blocked by …"). */
  dependsOn?: string[];
  evaluate(state: State): NodeVerdict;
}

/** What a node found: a CheckResult without id/title (added by the graph), plus whether waiting can help. */
export type NodeVerdict = Omit<CheckResult, 'id' | 'title' | 'blockedBy'> & {
  /** True when the failure cannot heal by waiting (a FAILED task, a stopped connector): verification stops. */
  final?: boolean;
};

export interface ChallengeRunOptions {
  solution?: boolean;
  /** A folder with the participant's part to use instead of theirs or the reference (e.g. connector configs). */
  connectors?: string;
  seed?: number;
  scale?: string;
  keep?: boolean;
  env?: string;
  /** Run even when lint finds errors. */
  force?: boolean;
  report?: ReportFormat;
  out?: string;
  /** Seconds verification may poll before it reports. */
  timeout?: number;
  /** Print where the run's time went (each service's start, each step, each verification attempt, the stops). */
  timings?: boolean;
}

export interface StepContext {
  environment: Environment;
  /** True on the harness's local stack: a step may delete what an earlier run left. Never on an --env. */
  local: boolean;
  /** The stack was started empty by this run: nothing to clean up. */
  fresh: boolean;
  scenario: ScenarioOptions;
  /** The participant's part for this run (their folder, solution/, or --connectors). */
  participantDir: string;
  say(text: string): void;
  /** Runs when the run ends, however it ends (e.g. stop a process a step started). */
  onCleanup(task: () => Promise<void>): void;
}

export interface ChallengeStep {
  title: string | ((context: StepContext) => string);
  run(context: StepContext): Promise<StepOutcome | void>;
}

/** A step that did its work but found a problem (e.g. rejected connectors) shows ✘ and the run goes on. */
export interface StepOutcome {
  failed?: string;
  detail?: string;
}

/** A passing verdict with nothing to count (service reachable, connector running…). */
export function passed(details: string[] = []): NodeVerdict {
  return {
    passed: true,
    expected: 1,
    found: 1,
    missing: [],
    missingCount: 0,
    mismatched: [],
    extra: [],
    details,
  };
}

/** A failing verdict whose hint is the cause and the fix. */
export function failed(hint: string, options: { final?: boolean; details?: string[] } = {}): NodeVerdict {
  return {
    passed: false,
    expected: 1,
    found: 0,
    missing: [],
    missingCount: 0,
    mismatched: [],
    extra: [],
    hint,
    details: options.details ?? [],
    ...(options.final ? { final: true } : {}),
  };
}

/** One finding of a challenge's lint: what is wrong in the participant's part, before anything runs. */
export interface Finding {
  level: 'error' | 'warning';
  /** The connector (file) it is about, or `challenge` for what is missing altogether. */
  connector: string;
  key?: string;
  message: string;
  fix?: string;
}
