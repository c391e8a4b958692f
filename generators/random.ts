import { Faker, base, en } from '@faker-js/faker';

/**
 * Each part of a scenario draws from its own seeded faker, so adding live updates (or a new kind of event) does
 * not shift what the other parts generate for the same seed.
 */
export const STREAMS = { catalog: 1, events: 2, updates: 3 } as const;

export function seededFaker(seed: number, stream: number): Faker {
  const faker = new Faker({ locale: [en, base] });
  faker.seed([seed, stream]);
  return faker;
}

/** `user-000042`: zero-padded so that ids sort like their sequence; safe as Cosmos ids and Search keys. */
export function sequenceId(prefix: string, n: number, width: number): string {
  return `${prefix}-${String(n).padStart(width, '0')}`;
}

/** ISO-8601 UTC with milliseconds and `Z`. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export const DAY_MS = 86_400_000;
