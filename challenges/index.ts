import { UsageError } from '../infra/errors.ts';
import { assertGraph } from '../verify/graph.ts';
import { challenge00 } from './00-prerequisites/challenge.ts';
import { challenge01 } from './01-data-definition/challenge.ts';
import { challenge02 } from './02-producers-consumers/challenge.ts';
import { challenge03 } from './03-kafka-connect/challenge.ts';
import { challenge04 } from './04-stream-processing/challenge.ts';
import { challenge05 } from './05-dashboards/challenge.ts';
import { challenge06 } from './06-cdc-pipeline/challenge.ts';
import { challenge07 } from './07-outbox/challenge.ts';
import { challenge08 } from './08-cdc-search/challenge.ts';
import { challenge08cdc } from './08-cdc-search/cdc-way.ts';
import { challenge08search } from './08-cdc-search/search-target.ts';
import type { Challenge } from './challenge.ts';

export type { Challenge } from './challenge.ts';

/** Every challenge the harness can run and verify, by number. A new challenge is one line here. */
export const challenges: Record<string, Challenge> = {
  '00': challenge00,
  '01': challenge01,
  '02': challenge02,
  '03': challenge03,
  '04': challenge04,
  '05': challenge05,
  '06': challenge06,
  '07': challenge07,
  '08': challenge08,
  '08-cdc': challenge08cdc,
  '08-search': challenge08search,
};

for (const challenge of Object.values(challenges)) assertGraph(challenge.checks);

export function findChallenge(id: string): Challenge {
  const normalized = /^\d{1,2}$/.test(id) ? id.padStart(2, '0') : id;
  const challenge = challenges[normalized];
  if (!challenge) {
    throw new UsageError(`There is no challenge ${id}.`, {
      fix: `Available: ${Object.keys(challenges).join(', ')}.`,
    });
  }
  return challenge;
}
