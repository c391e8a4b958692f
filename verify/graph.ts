import type { CheckNode } from '../challenges/challenge.ts';
import type { CheckResult } from './report.ts';

/**
 * Evaluates a challenge's check graph (DESIGN decision 13): every node in order; a failing node whose
 * dependency failed is a consequence, so it says "blocked by <cause>" — the root, not the nearest link — and
 * keeps its own guess out of the verdict. The first failing node that is not blocked is the run's cause.
 */
export function evaluateGraph<State>(nodes: Array<CheckNode<State>>, state: State): CheckResult[] {
  const results = new Map<string, CheckResult>();
  for (const node of nodes) {
    const verdict = node.evaluate(state);
    const { final, ...rest } = verdict;
    const result: CheckResult = { id: node.id, title: node.title, ...rest, ...(final ? { final } : {}) };
    const cause = result.passed
      ? undefined
      : (node.dependsOn ?? [])
          .map((id) => results.get(id))
          .find((dependency) => dependency && !dependency.passed);
    if (cause) {
      const root = results.get(cause.blockedBy ?? cause.id)!;
      result.blockedBy = root.id;
      result.hint = `Blocked by ${root.id}: ${firstSentence(root.hint ?? root.title)}`;
      delete result.final;
    }
    results.set(node.id, result);
  }
  return [...results.values()];
}

/** The node to fix first: the first failing check that nothing upstream explains. */
export function rootCause(checks: CheckResult[]): CheckResult | undefined {
  const causes = checks.filter((check) => !check.passed && !check.blockedBy);
  return causes.find((check) => check.final) ?? causes[0];
}

/** Checks that nodes are listed after their dependencies and that ids are unique (a challenge author's slip). */
export function assertGraph<State>(nodes: Array<CheckNode<State>>): void {
  const seen = new Set<string>();
  for (const node of nodes) {
    if (seen.has(node.id)) throw new Error(`Check ${node.id} is listed twice.`);
    for (const dependency of node.dependsOn ?? []) {
      if (!seen.has(dependency))
        throw new Error(`Check ${node.id} depends on ${dependency}, which is not listed before it.`);
    }
    seen.add(node.id);
  }
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
