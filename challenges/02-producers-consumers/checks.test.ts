import { describe, expect, it } from 'vitest';
import { evaluateGraph, rootCause } from '../../verify/graph.ts';
import type { LatestRecord } from '../../verify/readers/kafka.ts';
import { expectedLine, producersConsumersChecks, type ProducersConsumersState } from './checks.ts';

const users = new Map<string, Record<string, unknown>>([
  ['u1', { id: 'u1', fullName: 'Ada Lovelace', email: 'ada@example.com', country: 'UK' }],
  ['u2', { id: 'u2', fullName: 'Alan Turing', email: 'alan@example.com', country: 'UK' }],
]);
const products = new Map<string, Record<string, unknown>>([
  ['p1', { id: 'p1', name: 'Kettle', unitPrice: 29.9, category: 'kitchen' }],
  ['p2', { id: 'p2', name: 'Toaster', unitPrice: 49, category: 'kitchen' }],
]);

function rating(offset: number, stars: number, userId = 'u1', productId = 'p1'): LatestRecord {
  const id = `r${offset}`;
  return {
    key: id,
    partition: offset % 4,
    offset,
    value: { id, userId, productId, rating: stars, ratedAt: '2026-01-01T00:00:00.000Z' },
  };
}

const observations = [
  { consumers: 1, state: 'Stable', members: [{ clientId: 'c', partitions: [0, 1, 2, 3] }] },
  {
    consumers: 2,
    state: 'Stable',
    members: [
      { clientId: 'c', partitions: [0, 1] },
      { clientId: 'c', partitions: [2, 3] },
    ],
  },
  {
    consumers: 7,
    state: 'Stable',
    members: [[0], [1], [2], [3], [], [], []].map((partitions) => ({ clientId: 'c', partitions })),
  },
];

function healthy(): ProducersConsumersState {
  const ratings = [rating(0, 5), rating(1, 1, 'u2', 'p2'), rating(2, 3, 'u1', 'p2')];
  const state: ProducersConsumersState = {
    unavailable: {},
    users,
    products,
    ratings,
    strayRatings: [],
    output: { path: '/tmp/enriched-ratings.jsonl', exists: true, lines: [], unreadable: 0 },
    membership: { path: '/tmp/membership.json', observations: structuredClone(observations) },
    partitions: 4,
  };
  state.output.lines = ratings.map((record) => ({
    ...expectedLine(record, state),
    offset: String(record.offset),
  }));
  return state;
}

function graph(state: ProducersConsumersState) {
  const checks = evaluateGraph(producersConsumersChecks, state);
  return { checks, cause: rootCause(checks) };
}

const verdict = (state: ProducersConsumersState, id: string) =>
  graph(state).checks.find((check) => check.id === id)!;

describe('challenge 02 checks', () => {
  it('pass on the reference shape and explain 4 partitions over 7 members', () => {
    const report = graph(healthy());
    expect(report.checks.every((check) => check.passed)).toBe(true);
    const scaling = verdict(healthy(), 'group-scaling');
    expect(scaling.details.join('\n')).toContain(
      '7 consumer(s): 7 member(s) in the group, [0] [1] [2] [3] [] [] [], 3 idle',
    );
    expect(scaling.details.join('\n')).toContain('4 partitions over 7 members leave 3 idle');
  });

  it('name a consumer that drops the country', () => {
    const state = healthy();
    state.output.lines = state.output.lines.map(({ country: _dropped, ...line }) => line);
    const report = graph(state);
    expect(report.cause?.id).toBe('consumer-output');
    expect(report.cause?.hint).toContain('country is missing in 3 of 3 line(s)');
    expect(verdict(state, 'consumer-output').mismatched[0]!.fields).toEqual(['country']);
  });

  it('name a user lookup that found nothing rather than three forgotten fields', () => {
    const state = healthy();
    state.output.lines = state.output.lines.map(({ fullName: _n, email: _e, country: _c, ...line }) => line);
    const hint = verdict(state, 'consumer-output').hint;
    expect(hint).toContain(
      'fullName, email, country are missing in every line — the user lookup found nothing',
    );
    expect(hint).not.toContain('country is missing in');
  });

  it('name the error of a consumer that crashed on every record, and stop waiting', () => {
    const state = healthy();
    state.output = { ...state.output, exists: false, lines: [] };
    state.consumerErrors =
      "Error when calling eachMessage: TypeError: Cannot read properties of undefined (reading 'fullName') (×16)";
    state.membership.observations = [{ consumers: 1, state: 'Empty', members: [] }];
    const report = graph(state);
    expect(report.cause?.id).toBe('consumer-output');
    expect(report.cause?.hint).toContain(
      "Your consumer failed: Error when calling eachMessage: TypeError: Cannot read properties of undefined (reading 'fullName')",
    );
    expect(report.checks.find((check) => check.id === 'consumer-output')?.final).toBe(true);
    expect(verdict(state, 'group-scaling').hint).toContain('a crashed instance leaves the group');
  });

  it('name a wrong price joined from the wrong product', () => {
    const state = healthy();
    state.output.lines[0] = { ...state.output.lines[0], unitPrice: 49 };
    expect(verdict(state, 'consumer-output').hint).toContain('unitPrice is wrong in 1 of 3 line(s)');
  });

  it('name a rating that has no line (identity is partition and offset)', () => {
    const state = healthy();
    state.output.lines.pop();
    const check = verdict(state, 'consumer-output');
    expect(check.missing).toEqual(['product-ratings/2@2']);
    expect(check.hint).toContain('1 of 3 rating(s) have no line');
  });

  it('name ratings of 6 stars, and the consumer check is blocked by them', () => {
    const state = healthy();
    state.ratings[1] = rating(1, 6, 'u2', 'p2');
    const report = graph(state);
    expect(report.cause?.id).toBe('ratings-valid');
    expect(report.cause?.hint).toContain('1 of 3 rating(s) are not 1 to 5 stars');
    expect(report.cause?.hint).toContain('rating 6');
    expect(report.checks.find((check) => check.id === 'consumer-output')?.blockedBy).toBe('ratings-valid');
  });

  it('name a rating of a user or product that does not exist', () => {
    const state = healthy();
    state.ratings[0] = rating(0, 4, 'ghost', 'p1');
    expect(verdict(state, 'ratings-valid').hint).toContain('reference no user in Cosmos DB retail.users');
  });

  it('name a producer writing to the wrong topic', () => {
    const state = healthy();
    state.ratings = [];
    state.output.lines = [];
    state.strayRatings = [{ topic: 'product_ratings', count: 12 }];
    const report = graph(state);
    expect(report.cause?.id).toBe('ratings-produced');
    expect(report.cause?.hint).toContain('wrong topic (12 on product_ratings), none to product-ratings');
    expect(report.checks.find((check) => check.id === 'consumer-output')?.blockedBy).toBe('ratings-produced');
  });

  it('name consumers that do not share one group', () => {
    const state = healthy();
    state.membership.observations![1] = {
      consumers: 2,
      state: 'Stable',
      members: [{ clientId: 'c', partitions: [0, 1, 2, 3] }],
    };
    expect(verdict(state, 'group-scaling').hint).toContain(
      'with 2 consumers running the group had 1 member(s)',
    );
  });

  it('say how to record the membership when it was never observed', () => {
    const state = healthy();
    state.membership.observations = undefined;
    expect(verdict(state, 'group-scaling').hint).toContain('runs 1, 2, then 7 consumers');
  });

  it('name an unreachable Kafka as the cause', () => {
    const state = healthy();
    state.unavailable.kafka = 'Kafka at 127.0.0.1:1 does not answer: connect ECONNREFUSED.';
    state.ratings = [];
    const report = graph(state);
    expect(report.cause?.id).toBe('service:kafka');
    expect(report.checks.find((check) => check.id === 'ratings-produced')?.blockedBy).toBe('service:kafka');
  });
});
