import { UsageError } from '../infra/errors.ts';
import { createProduct, createUser } from './catalog.ts';
import { generateEvents, MIN_SLOT_MS } from './events.ts';
import { liveUpdates } from './live-updates.ts';
import type { AnyRecord, Product, User } from './model.ts';
import { DAY_MS, seededFaker, STREAMS } from './random.ts';
import { parseScale, validateScale, type ScaleCounts } from './scale.ts';

/**
 * A scenario: everything one run generates, fixed by its options. The same options give the same records in the
 * same order, byte for byte; no wall-clock time enters the data.
 */
export interface ScenarioOptions {
  seed: number;
  scale: ScaleCounts;
  /** The scenario's reference start time (ISO-8601 UTC); every timestamp derives from it. */
  start: string;
  /** The events spread over this many days after `start`. */
  spanDays: number;
  /** How many catalog updates the `updates` part yields (0: none). */
  liveUpdates: number;
}

/**
 * `catalog`: users and products (seeded into Cosmos `retail` in challenge 03); `events`: the seven event topics
 * (produced to Kafka); `updates`: changed users and products (written to Cosmos while the pipeline runs).
 */
export type ScenarioPart = 'catalog' | 'events' | 'updates';
export const SCENARIO_PARTS: readonly ScenarioPart[] = ['catalog', 'events', 'updates'];

export const DEFAULT_START = '2026-01-05T08:00:00.000Z';
export const DEFAULT_SPAN_DAYS = 28;

export interface ScenarioInput {
  seed?: number | string;
  scale?: ScaleCounts | string;
  start?: string;
  spanDays?: number | string;
  liveUpdates?: number | string;
}

function wholeNumber(name: string, value: number | string, minimum: number): number {
  const number = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < minimum) {
    throw new UsageError(`${name} must be a whole number ≥ ${minimum} (got ${String(value)}).`);
  }
  return number;
}

/** Defaults filled in and every option checked, with errors that name the option. */
export function resolveScenario(input: ScenarioInput = {}): ScenarioOptions {
  const seed = wholeNumber('--seed', input.seed ?? 42, 0);
  const scale =
    typeof input.scale === 'object' ? validateScale({ ...input.scale }) : parseScale(input.scale ?? 'small');
  const start = input.start ?? DEFAULT_START;
  const startMs = Date.parse(start);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(start) || Number.isNaN(startMs)) {
    throw new UsageError(`--start ${start} is not an ISO-8601 time.`, {
      fix: `Use a form like ${DEFAULT_START}.`,
    });
  }
  const spanDays = wholeNumber('--span-days', input.spanDays ?? DEFAULT_SPAN_DAYS, 1);
  if ((spanDays * DAY_MS) / Math.max(1, scale.events) < MIN_SLOT_MS) {
    throw new UsageError(`${scale.events} events do not fit into ${spanDays} days.`, {
      fix: `Give --span-days at least ${Math.ceil((scale.events * MIN_SLOT_MS) / DAY_MS)}.`,
    });
  }
  const liveUpdates = wholeNumber('--live-updates', input.liveUpdates ?? 0, 0);
  return { seed, scale, start: new Date(startMs).toISOString(), spanDays, liveUpdates };
}

export interface Catalog {
  users: User[];
  products: Product[];
}

/** The catalog is small next to the events (users and products), so it is held in memory. */
export function generateCatalog(options: ScenarioOptions): Catalog {
  const faker = seededFaker(options.seed, STREAMS.catalog);
  const startMs = Date.parse(options.start);
  const users = Array.from({ length: options.scale.users }, (_, i) => createUser(faker, i + 1, startMs));
  const products = Array.from({ length: options.scale.products }, (_, i) =>
    createProduct(faker, i + 1, startMs),
  );
  return { users, products };
}

/** The scenario's records, part by part in the order catalog, events, updates (as far as `parts` asks). */
export function* generateScenario(
  options: ScenarioOptions,
  parts: readonly ScenarioPart[] = SCENARIO_PARTS,
): Generator<AnyRecord> {
  const { users, products } = generateCatalog(options);
  if (parts.includes('catalog')) {
    for (const value of users) yield { topic: 'users', key: value.id, value };
    for (const value of products) yield { topic: 'products', key: value.id, value };
  }
  if (parts.includes('events')) {
    yield* generateEvents({
      seed: options.seed,
      events: options.scale.events,
      startMs: Date.parse(options.start),
      spanMs: options.spanDays * DAY_MS,
      users,
      products,
    });
  }
  if (parts.includes('updates')) {
    yield* liveUpdates(options.seed, users, products, options.liveUpdates);
  }
}

/** About how many records a scenario yields (for a progress bar; returns and changelogs vary with the seed). */
export function estimateRecords(
  options: ScenarioOptions,
  parts: readonly ScenarioPart[] = SCENARIO_PARTS,
): number {
  const { users, products, events } = options.scale;
  let total = 0;
  if (parts.includes('catalog')) total += users + products;
  if (parts.includes('events')) total += 2 * products + Math.round(events * 1.76);
  if (parts.includes('updates')) total += options.liveUpdates;
  return total;
}
