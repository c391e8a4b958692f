import { UsageError } from '../infra/errors.ts';
import { challenge03 } from './03-kafka-connect/challenge.ts';
import type { ChallengeSpec } from './spec.ts';

export type { ChallengeSpec } from './spec.ts';

/** Every challenge the harness can run and verify, by number. */
export const challenges: Record<string, ChallengeSpec> = { '03': challenge03 };

export function findChallenge(id: string): ChallengeSpec {
  const normalized = id.padStart(2, '0');
  const challenge = challenges[normalized];
  if (!challenge) {
    throw new UsageError(`There is no challenge ${id}.`, {
      fix: `Available: ${Object.keys(challenges).join(', ')}.`,
    });
  }
  return challenge;
}
