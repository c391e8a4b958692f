import { join } from 'node:path';
import type { Challenge } from '../challenge.ts';
import { prerequisitesChecks, type PrerequisitesState } from './checks.ts';
import { answersFileName, lintAnswers, readAnswers, questions } from './sizing.ts';
import { answersPath, observePrerequisites, useAnswers } from './state.ts';

/**
 * Challenge 00 — prerequisites, sizing and capacity planning: the workstation (`hack doctor`), every service the
 * hack uses reachable (Kafka, Cosmos DB, Azure AI Search, Kafka Connect, the Schema Registry — the local stack or
 * a team's env file), and the participant's sizing answers (answers/sizing.yaml) against the story's figures.
 */
const dir = import.meta.dirname;

export const challenge00: Challenge<PrerequisitesState> = {
  id: '00',
  slug: '00-prerequisites',
  title: 'Prerequisites, sizing and capacity planning',
  dir,
  folders: { participant: 'answers', solution: 'solution' },
  services: ['kafka', 'cosmos', 'search', 'connect', 'schema-registry'],
  requires: ['cosmos', 'search', 'connect', 'schemaRegistry'],
  steps: [
    {
      title: (context) => `Your sizing answers (${join(context.participantDir, answersFileName)})`,
      run: async (context) => {
        const path = join(context.participantDir, answersFileName);
        useAnswers(path);
        context.onCleanup(async () => useAnswers(undefined));
        const answers = readAnswers(path);
        return {
          detail: `${answers.values.size} of ${questions.length} answered; the checks below judge them`,
        };
      },
    },
  ],
  lint: lintAnswers,
  observe: (environment) => observePrerequisites(environment, join(dir, 'answers')),
  checks: prerequisitesChecks,
  liveView: (state) => [
    `answers ${state.answers.values.size}/${questions.length} (${answersPath(join(dir, 'answers'))})`,
  ],
};
