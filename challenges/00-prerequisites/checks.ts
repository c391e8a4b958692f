import type { Check } from '../../infra/doctor/index.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import { answersFileName, judge, questions, type Answers, type Question } from './sizing.ts';

/** The services challenge 00 wants reachable, in the order they are checked. */
export const prerequisiteServices = ['kafka', 'cosmos', 'search', 'connect', 'schema-registry'] as const;
export type PrerequisiteService = (typeof prerequisiteServices)[number];

export interface ServiceView {
  /** Why it cannot be used, with the fix; absent when it answered. */
  problem?: string;
  /** What it answered (cluster id and brokers, account, indexes, version…). */
  details: string[];
}

export interface PrerequisitesState {
  /** `hack doctor`'s checks on this machine; absent against an env file (the team's workstation is not here). */
  workstation?: Check[];
  services: Record<PrerequisiteService, ServiceView>;
  answers: Answers;
}

function workstation(state: PrerequisitesState): NodeVerdict {
  if (!state.workstation)
    return passed(['not checked against an env file: `npx hack doctor` on the team’s machine does it']);
  const failing = state.workstation.filter((check) => check.level === 'fail');
  const details = state.workstation
    .filter((check) => check.level !== 'ok')
    .map((check) => `${check.name}: ${check.detail}${check.fix ? ` → ${check.fix}` : ''}`);
  if (failing.length === 0) return passed([`${state.workstation.length} doctor check(s) fine`, ...details]);
  return {
    ...failed(
      failing
        .map((check) => `${check.name}: ${check.detail}${check.fix ? ` → ${check.fix}` : ''}`)
        .join('; '),
      { final: true, details },
    ),
    expected: state.workstation.length,
    found: state.workstation.length - failing.length,
  };
}

const serviceTitles: Record<PrerequisiteService, string> = {
  kafka: 'Kafka answers with its cluster metadata',
  cosmos: 'The Cosmos DB account answers',
  search: 'The Azure AI Search service answers',
  connect: 'The Kafka Connect REST API answers',
  'schema-registry': 'The Schema Registry answers',
};

function serviceNode(service: PrerequisiteService): CheckNode<PrerequisitesState> {
  return {
    id: `service:${service}`,
    title: serviceTitles[service],
    evaluate: (state) => {
      const view = state.services[service];
      return view.problem
        ? failed(view.problem, { final: true, details: view.details })
        : passed(view.details);
    },
  };
}

/** One sizing question: blank, unreadable, or judged against its figure; the explanation is always in the details. */
function sizingNode(question: Question): CheckNode<PrerequisitesState> {
  return {
    id: question.id,
    title: question.title,
    ...(question.buildsOn ? { dependsOn: question.buildsOn } : {}),
    evaluate: ({ answers }) => {
      const details = question.explanation;
      const where = `${question.key} in ${answers.path}`;
      if (!answers.exists)
        return failed(
          `${answers.path} does not exist: copy answers/${answersFileName} and fill in each blank.`,
          {
            final: true,
            details,
          },
        );
      const problem = answers.problems.get(question.key);
      const value = answers.values.get(question.key);
      if (problem || value === undefined)
        return failed(
          `${where} ${problem ?? 'is not answered'}: work it out from the story and write the number in ${question.unit}.`,
          { final: true },
        );
      const verdict = judge(question, value);
      return verdict.ok
        ? passed([verdict.text, ...details])
        : failed(`${where}: ${verdict.text}.`, { final: true, details });
    },
  };
}

/**
 * Challenge 00's graph: the workstation (`hack doctor`), each service (`service:<name>`), then each sizing
 * question (`sizing:<figure>`), a figure after the one it builds on. Ids are stable once published.
 */
export const prerequisitesChecks: Array<CheckNode<PrerequisitesState>> = [
  {
    id: 'workstation',
    title: 'The workstation has what the local stack needs (hack doctor)',
    evaluate: workstation,
  },
  ...prerequisiteServices.map(serviceNode),
  ...questions.map(sizingNode),
];
