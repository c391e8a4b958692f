import { round2, type TopProduct } from '../../generators/model.ts';
import type { RatingStats } from '../../generators/top-products.ts';
import type { TopicSnapshot } from '../../verify/readers/kafka.ts';
import type { Mismatch } from '../../verify/diff.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import { crashLine } from './processor.ts';
import { expectedInventory, expectedRatings, type Contribution, type ExpectedInventory } from './expected.ts';

/**
 * Challenge 04's check graph: Kafka reachable → the processor running (when the harness started it) → the two
 * output topics, latest value per key, compared with what the input topics imply. Counts compare exactly;
 * `ratingScore` may differ from the exact average by at most AVERAGE_TOLERANCE (any 2-decimal rounding passes).
 */
export const AVERAGE_TOLERANCE = 0.005;

export interface StreamState {
  topics: Map<string, TopicSnapshot>;
  kafkaError?: string;
  /** Set when the harness started the processor: whether it still runs, and its log's tail if not. */
  processor?: { alive: boolean; logFile: string; logTail: string };
}

const outputValues = (state: StreamState, topic: string): Map<string, Record<string, unknown>> => {
  const result = new Map<string, Record<string, unknown>>();
  for (const [id, record] of state.topics.get(topic)?.latest ?? []) {
    if (record.value && typeof record.value === 'object')
      result.set(id, record.value as Record<string, unknown>);
  }
  return result;
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
const signed = (value: number): string => (value > 0 ? `+${value}` : String(value));

/** Which input events explain a stock that is off by `difference` (found − expected). */
export function explainStock(entry: ExpectedInventory, difference: number): string {
  const sum = (topic: string): number =>
    entry.contributions.filter((item) => item.topic === topic).reduce((total, item) => total + item.delta, 0);
  const ids = (topic: string): string =>
    entry.contributions
      .filter((item) => item.topic === topic)
      .slice(0, 4)
      .map((item) => `${item.id} (${signed(item.delta)})`)
      .join(', ');
  const returns = sum('returns');
  const purchases = sum('purchases');
  const replenished = sum('inventory-replenishment');
  const initial = sum('product-inventory-capacity');
  if (returns !== 0 && difference === -2 * returns)
    return `returns subtracted instead of added: ${ids('returns')}`;
  if (purchases !== 0 && difference === -2 * purchases)
    return `purchases added instead of subtracted: ${ids('purchases')}`;
  if (initial !== 0 && difference === -initial)
    return `the initial stock (product-inventory-capacity expected ${initial}) is not counted`;
  if (replenished !== 0 && difference === -replenished)
    return `replenishments not counted: ${ids('inventory-replenishment')}`;
  if (returns !== 0 && difference === -returns) return `returns not counted: ${ids('returns')}`;
  if (purchases !== 0 && difference === -purchases) return `purchases not subtracted: ${ids('purchases')}`;
  // Which event a replay repeated cannot be told from the outputs when several are of that size: one is named
  // as such, several are listed as candidates (the newest first — a replay repeats the newest).
  const fits = entry.contributions
    .filter((item) => item.delta === difference)
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  const restart = 'after a restart without exactly-once or a state store?';
  if (fits.length === 1)
    return `${fits[0]!.topic} ${fits[0]!.id} (${signed(difference)}) counted twice — ${restart}`;
  if (fits.length > 1)
    return `one event of ${signed(difference)} counted twice — ${restart} (${fits.length} of its events are ${signed(difference)}: ${fits
      .slice(0, 4)
      .map((item) => `${item.topic} ${item.id}`)
      .join(', ')}${fits.length > 4 ? ', …' : ''})`;
  // Two events replayed after a restart (a replenishment and a purchase of the same product, say).
  const pair = countedTwice(entry.contributions, difference);
  if (pair)
    return `${pair.map((item) => `${item.topic} ${item.id} (${signed(item.delta)})`).join(' and ')} counted twice — after a restart without exactly-once or a state store?`;
  const lost = entry.contributions.find((item) => item.delta === -difference);
  if (lost) return `${lost.topic} ${lost.id} (${signed(lost.delta)}) not counted`;
  return `its events: initial ${initial}, replenished ${signed(replenished)}, purchased ${signed(purchases)}, returned ${signed(returns)}`;
}

/** Two of a product's events (the later ones first: a replay repeats the newest) that sum to `difference`. */
function countedTwice(contributions: Contribution[], difference: number): Contribution[] | undefined {
  const recent = [...contributions].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, 300);
  for (let i = 0; i < recent.length; i++)
    for (let j = i + 1; j < recent.length; j++)
      if (recent[i]!.delta + recent[j]!.delta === difference) return [recent[j]!, recent[i]!];
  return undefined;
}

export function checkInventory(state: StreamState): NodeVerdict {
  const expected = expectedInventory(state.topics);
  const found = outputValues(state, 'inventory-on-hand');
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const details: string[] = [];
  for (const [productId, entry] of expected) {
    const actual = found.get(productId);
    if (!actual) {
      missing.push(`inventory-on-hand:${productId}`);
      continue;
    }
    const fields: string[] = [];
    const onHand = Number(actual.onHand);
    if (onHand !== entry.onHand) {
      fields.push('onHand');
      const difference = onHand - entry.onHand;
      details.push(
        `${productId} (${entry.productName}): onHand ${String(actual.onHand)}, expected ${entry.onHand} (${signed(difference)}): ${explainStock(entry, difference)}`,
      );
    }
    if (entry.productName && actual.productName !== entry.productName) {
      fields.push('productName');
      details.push(
        `${productId}: productName ${JSON.stringify(actual.productName)}, expected ${JSON.stringify(entry.productName)}`,
      );
    }
    if (fields.length > 0) mismatched.push({ id: productId, fields });
  }
  const extra = [...found.keys()].filter((id) => !expected.has(id)).map((id) => `inventory-on-hand:${id}`);
  const ok = missing.length === 0 && mismatched.length === 0;
  const hint = ok
    ? undefined
    : (details[0] ??
      `${plural(missing.length, 'product')} with stock events have no inventory-on-hand record yet (${missing.slice(0, 3).join(', ')}).`);
  return {
    passed: ok,
    expected: expected.size,
    found: expected.size - missing.length - mismatched.length,
    missing,
    missingCount: missing.length,
    mismatched,
    extra,
    ...(hint ? { hint } : {}),
    details: ok
      ? [`${expected.size} products, on hand = initial + replenished − purchased + returned`]
      : details,
  };
}

const average = (stats: RatingStats): string =>
  `${round2(stats.sum / stats.count)} = ${stats.sum}/${stats.count}`;

/** What is wrong with one rank, in the participant's terms, or undefined when it is right. */
function explainRank(
  rank: TopProduct,
  actual: Record<string, unknown> | undefined,
  stats: Map<string, RatingStats>,
  expectedTop: TopProduct[],
): { fields: string[]; why: string } | undefined {
  if (!actual) return { fields: ['rank'], why: `rank ${rank.rank} is missing (expected ${rank.productId}).` };
  const shown = String(actual.productId);
  if (shown !== rank.productId) {
    const shownStats = stats.get(shown);
    const where = expectedTop.findIndex((item) => item.productId === shown);
    const target = stats.get(rank.productId)!;
    const why =
      where < 0
        ? `rank ${rank.rank} still shows ${shown}${shownStats ? ` (average ${average(shownStats)})` : ''}, which dropped out of the top 5; it should be ${rank.productId} (average ${average(target)}). Recompute the ranking when a listed product gets worse.`
        : `rank ${rank.rank} shows ${shown} (rank ${where + 1} by the rule), expected ${rank.productId} (average ${average(target)}): higher average first, then more ratings, then the product id.`;
    return { fields: ['productId'], why };
  }
  const productStats = stats.get(rank.productId)!;
  const exact = productStats.sum / productStats.count;
  const fields: string[] = [];
  const reasons: string[] = [];
  const score = Number(actual.ratingScore);
  if (!(Math.abs(score - exact) <= AVERAGE_TOLERANCE + 1e-9)) {
    fields.push('ratingScore');
    reasons.push(
      score === Math.floor(exact)
        ? `ratingScore ${score} is the integer part of ${exact.toFixed(4)} (${productStats.sum}/${productStats.count}): average as integer division`
        : `ratingScore ${String(actual.ratingScore)}, expected ${exact.toFixed(4)} (${productStats.sum}/${productStats.count}) ± ${AVERAGE_TOLERANCE}`,
    );
  }
  if (Number(actual.totalRatings) !== rank.totalRatings) {
    fields.push('totalRatings');
    const extra = Number(actual.totalRatings) - rank.totalRatings;
    reasons.push(
      `totalRatings ${String(actual.totalRatings)}, the topic has ${rank.totalRatings} ratings of it${extra > 0 ? `: ${plural(extra, 'rating')} counted twice — after a restart without exactly-once or a state store?` : ''}`,
    );
  }
  for (const field of ['highest', 'lowest', 'mostRecent', 'unitPrice', 'productName'] as const) {
    if (field === 'productName' && !rank.productName) continue;
    if (String(actual[field]) !== String(rank[field])) {
      fields.push(field);
      reasons.push(
        field === 'mostRecent'
          ? `mostRecent ${String(actual.mostRecent)}, expected ${rank.mostRecent} from ${productStats.mostRecentId} (ratedAt ${productStats.mostRecentAt}); a rating that arrives late must not replace a newer one`
          : `${field} ${JSON.stringify(actual[field])}, expected ${JSON.stringify(rank[field])}`,
      );
    }
  }
  return fields.length === 0
    ? undefined
    : { fields, why: `rank ${rank.rank} ${rank.productId}: ${reasons.join('; ')}` };
}

export function checkTopProducts(state: StreamState): NodeVerdict {
  const { top, stats } = expectedRatings(state.topics);
  const found = outputValues(state, 'top-5-products');
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const details: string[] = [];
  for (const rank of top) {
    const problem = explainRank(rank, found.get(rank.id), stats, top);
    if (!problem) continue;
    if (!found.has(rank.id)) missing.push(`top-5-products:${rank.id}`);
    else mismatched.push({ id: rank.id, fields: problem.fields });
    details.push(problem.why);
  }
  const extra = [...found.keys()]
    .filter((id) => !top.some((rank) => rank.id === id))
    .map((id) => `top-5-products:${id}`);
  const ok = missing.length === 0 && mismatched.length === 0;
  return {
    passed: ok,
    expected: top.length,
    found: top.length - missing.length - mismatched.length,
    missing,
    missingCount: missing.length,
    mismatched,
    extra,
    ...(ok ? {} : { hint: details[0] }),
    details: ok
      ? top.map(
          (rank) =>
            `${rank.rank}. ${rank.productId} ${rank.productName}: ${rank.ratingScore} over ${rank.totalRatings}`,
        )
      : details,
  };
}

export const streamChecks: Array<CheckNode<StreamState>> = [
  {
    id: 'service:kafka',
    title: 'Kafka reachable',
    evaluate: (state) => (state.kafkaError ? failed(state.kafkaError, { final: true }) : passed()),
  },
  {
    id: 'processor',
    title: 'Stream processor running',
    dependsOn: ['service:kafka'],
    evaluate: (state) => {
      if (!state.processor) return passed(['not started by the harness (--env): judged by its output only']);
      if (state.processor.alive) return passed([`log: ${state.processor.logFile}`]);
      const tail = state.processor.logTail.split('\n').filter(Boolean);
      return failed(
        `The processor exited; its log (${state.processor.logFile}) says: ${crashLine(state.processor.logTail) || '(nothing)'}`,
        { final: true, details: tail.slice(-12) },
      );
    },
  },
  {
    id: 'inventory-on-hand',
    title: 'Inventory on hand per product matches purchases, returns and replenishments',
    dependsOn: ['processor'],
    evaluate: checkInventory,
  },
  {
    id: 'top-5-products',
    title: 'Top-5 products by average rating match the ratings',
    dependsOn: ['processor'],
    evaluate: checkTopProducts,
  },
];
