import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import type { Mismatch } from '../../verify/diff.ts';
import type { LatestRecord } from '../../verify/readers/kafka.ts';
import { ENRICHED_FIELDS, RATINGS_TOPIC, type EnrichedRating } from './contract.ts';

/** The group's membership as the admin API described it once the group was stable with `consumers` instances. */
export interface MembershipObservation {
  consumers: number;
  state: string;
  members: Array<{ clientId: string; partitions: number[] }>;
}

export interface ProducersConsumersState {
  unavailable: { kafka?: string; cosmos?: string };
  users: Map<string, Record<string, unknown>>;
  products: Map<string, Record<string, unknown>>;
  /** Every record on product-ratings (rating ids are unique, so latest per id is every record). */
  ratings: LatestRecord[];
  /** Other topics that hold rating-shaped records: a producer writing to the wrong topic. */
  strayRatings: Array<{ topic: string; count: number }>;
  output: { path: string; exists: boolean; lines: Array<Record<string, unknown>>; unreadable: number };
  membership: { path: string; observations?: MembershipObservation[] };
  /** What the participant's consumer logged when its eachMessage threw (recorded by the run), if it did. */
  consumerErrors?: string;
  /** The topic's partition count (4 in the hack). */
  partitions: number;
}

/** A value that looks like a product rating, wherever it was written. */
export function isRatingShaped(value: unknown): boolean {
  const record = value as Record<string, unknown> | null;
  return Boolean(record && typeof record === 'object' && 'rating' in record && 'productId' in record);
}

function serviceNode(service: 'kafka' | 'cosmos', title: string): CheckNode<ProducersConsumersState> {
  return {
    id: `service:${service}`,
    title,
    evaluate: (state) => {
      const problem = state.unavailable[service];
      return problem ? failed(problem, { final: true }) : passed();
    },
  };
}

function ratingsProduced(state: ProducersConsumersState): NodeVerdict {
  const stray = state.strayRatings.map((item) => `${item.count} on ${item.topic}`).join(', ');
  if (state.ratings.length === 0) {
    return stray
      ? failed(
          `The producer wrote its ratings to the wrong topic (${stray}), none to ${RATINGS_TOPIC}: send to topic '${RATINGS_TOPIC}'.`,
          { final: true },
        )
      : failed(
          `No rating on ${RATINGS_TOPIC}: run the producer (clients/producer.ts) — \`npm run challenge:02\` does.`,
        );
  }
  const verdict = {
    ...passed([`${state.ratings.length} rating(s) on ${RATINGS_TOPIC}`]),
    expected: state.ratings.length,
    found: state.ratings.length,
  };
  return stray
    ? { ...verdict, details: [...verdict.details!, `also rating-shaped records elsewhere: ${stray}`] }
    : verdict;
}

/** Every rating: a JSON object keyed by its id, 1–5 stars, a real user and a real product. */
function ratingsValid(state: ProducersConsumersState): NodeVerdict {
  const problems = new Map<string, string[]>();
  const mismatched: Mismatch[] = [];
  const note = (kind: string, example: string, field?: string): void => {
    problems.set(kind, [...(problems.get(kind) ?? []), example]);
    if (field) mismatched.push({ id: example, fields: [field] });
  };
  if (state.ratings.length === 0) return failed(`No rating on ${RATINGS_TOPIC} to check.`);
  const productIds = new Set<string>();
  for (const record of state.ratings) {
    const at = `${RATINGS_TOPIC}/${record.partition}@${record.offset}`;
    const value = record.value as Record<string, unknown> | null;
    if (!value || typeof value !== 'object') {
      note('are not JSON objects {id, productId, userId, rating, ratedAt}', at);
      continue;
    }
    const { id, userId, productId, rating } = value;
    if (!(typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5))
      note('are not 1 to 5 stars (a whole number)', `${at} rating ${JSON.stringify(rating)}`, 'rating');
    if (typeof userId !== 'string' || !state.users.has(userId))
      note('reference no user in Cosmos DB retail.users', `${at} userId ${JSON.stringify(userId)}`, 'userId');
    if (typeof productId !== 'string' || !state.products.has(productId))
      note(
        'reference no product in Cosmos DB retail.products',
        `${at} productId ${JSON.stringify(productId)}`,
        'productId',
      );
    else productIds.add(productId);
    if (record.key !== String(id))
      note('are not keyed by their id', `${at} key ${JSON.stringify(record.key)}`, 'key');
  }
  if (productIds.size > 10) note('go beyond 10 products', `${productIds.size} different products rated`);
  if (problems.size === 0)
    return {
      ...passed([`${state.ratings.length} rating(s), ${productIds.size} product(s) rated`]),
      expected: state.ratings.length,
      found: state.ratings.length,
    };
  const hint = [...problems]
    .map(
      ([kind, examples]) =>
        `${examples.length} of ${state.ratings.length} rating(s) ${kind}, e.g. ${examples[0]}`,
    )
    .join('; ');
  return {
    ...failed(`${hint}. Fix clients/producer.ts.`, { final: true }),
    expected: state.ratings.length,
    found: state.ratings.length - new Set([...problems.values()].flat()).size,
    mismatched,
  };
}

/** The line the consumer should have written for a rating record: the rating joined with its user and product. */
export function expectedLine(
  record: LatestRecord,
  state: Pick<ProducersConsumersState, 'users' | 'products'>,
): EnrichedRating {
  const value = record.value as { userId: string; productId: string; rating: number };
  const user = state.users.get(value.userId) ?? {};
  const product = state.products.get(value.productId) ?? {};
  return {
    partition: record.partition,
    offset: record.offset,
    key: record.key ?? '',
    rating: value.rating,
    fullName: user.fullName as string,
    email: user.email as string,
    country: user.country as string,
    productName: product.name as string,
    unitPrice: product.unitPrice as number,
  };
}

/** The consumer's output: one line per record (identity = partition and offset) with the joined content. */
function consumerOutput(state: ProducersConsumersState): NodeVerdict {
  const { output } = state;
  if (state.ratings.length === 0)
    return failed(`No rating on ${RATINGS_TOPIC} to look for in ${output.path}.`);
  const crashed = state.consumerErrors ? `Your consumer failed: ${state.consumerErrors}. ` : '';
  if (!output.exists)
    return failed(
      `${crashed}The consumer wrote nothing: ${output.path} does not exist. Append one JSON line per rating to the \`output\` path (clients/consumer.ts).`,
      { final: Boolean(crashed) },
    );
  const byPosition = new Map<string, Record<string, unknown>>();
  for (const line of output.lines) byPosition.set(`${line.partition}@${line.offset}`, line);
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const wrongFields = new Map<string, number>();
  for (const record of state.ratings) {
    const line = byPosition.get(`${record.partition}@${record.offset}`);
    if (!line) {
      missing.push(`${RATINGS_TOPIC}/${record.partition}@${record.offset}`);
      continue;
    }
    byPosition.delete(`${record.partition}@${record.offset}`);
    const want = expectedLine(record, state);
    const differing = ENRICHED_FIELDS.filter((field) => String(line[field]) !== String(want[field]));
    for (const field of differing) wrongFields.set(field, (wrongFields.get(field) ?? 0) + 1);
    if (differing.length > 0) {
      mismatched.push({ id: `${RATINGS_TOPIC}/${record.partition}@${record.offset}`, fields: differing });
    }
  }
  const extra = [...byPosition.keys()].map((position) => `line for ${position}, which is no rating record`);
  const found = state.ratings.length - missing.length - mismatched.length;
  if (missing.length === 0 && mismatched.length === 0 && output.unreadable === 0)
    return {
      ...passed([`${output.lines.length} enriched line(s) in ${output.path}`]),
      expected: state.ratings.length,
      found,
      extra,
    };
  const reasons: string[] = [];
  const absent = (field: string): boolean => output.lines.every((line) => line[field] === undefined);
  // every field of the user (or of the product) missing: the lookup found nothing, not a field forgotten
  const lookups = [
    {
      fields: ['fullName', 'email', 'country'],
      says: "the user lookup found nothing: read retail.users by the rating's userId (the partition key is /id, so item(userId, userId).read())",
    },
    {
      fields: ['productName', 'unitPrice'],
      says: "the product lookup found nothing: read retail.products by the rating's productId (partitioned by /category, which a rating does not carry: query by id)",
    },
  ];
  const explained = new Set<string>();
  for (const lookup of lookups) {
    if (lookup.fields.every((field) => wrongFields.has(field) && absent(field))) {
      reasons.push(`${lookup.fields.join(', ')} are missing in every line — ${lookup.says}`);
      lookup.fields.forEach((field) => explained.add(field));
    }
  }
  for (const [field, count] of wrongFields) {
    if (explained.has(field)) continue;
    reasons.push(
      `${field} is ${absent(field) ? 'missing' : 'wrong'} in ${count} of ${state.ratings.length} line(s)`,
    );
  }
  if (missing.length > 0)
    reasons.push(
      `${missing.length} of ${state.ratings.length} rating(s) have no line (matched by partition and offset)`,
    );
  if (output.unreadable > 0) reasons.push(`${output.unreadable} line(s) are not JSON objects`);
  return {
    passed: false,
    expected: state.ratings.length,
    found,
    missing,
    missingCount: missing.length,
    mismatched,
    extra,
    hint: `${crashed}${reasons.join('; ')} in ${output.path}. Each line needs ${ENRICHED_FIELDS.join(', ')} (clients/consumer.ts).`,
    details: [],
  };
}

/** The group at 1, 2 and 7 consumers: the partitions shared out, and past the partition count members sit idle. */
function groupScaling(state: ProducersConsumersState): NodeVerdict {
  const observations = state.membership.observations;
  if (!observations || observations.length === 0)
    return failed(
      `No membership observed (${state.membership.path}): \`npm run challenge:02\` runs 1, 2, then 7 consumers in one group and records what the admin API describes.`,
    );
  const details: string[] = [];
  const problems: string[] = [];
  for (const wanted of [1, 2, 7]) {
    const seen = observations.find((item) => item.consumers === wanted);
    if (!seen) {
      problems.push(`no observation with ${wanted} consumer(s)`);
      continue;
    }
    const active = seen.members.filter((member) => member.partitions.length > 0);
    const assigned = seen.members.flatMap((member) => member.partitions);
    const idle = seen.members.length - active.length;
    details.push(
      `${wanted} consumer(s): ${seen.members.length} member(s) in the group, ${seen.members
        .map((member) => `[${member.partitions.join(',')}]`)
        .join(' ')}${idle > 0 ? `, ${idle} idle` : ''}`,
    );
    if (seen.members.length !== wanted) {
      problems.push(
        `with ${wanted} consumers running the group had ${seen.members.length} member(s): every instance must join the group it is given (groupId)`,
      );
      continue;
    }
    if (new Set(assigned).size !== state.partitions || assigned.length !== state.partitions)
      problems.push(
        `with ${wanted} consumer(s) the ${state.partitions} partitions were not each assigned once (${assigned.join(',') || 'none'})`,
      );
    const expectIdle = Math.max(0, wanted - state.partitions);
    if (idle !== expectIdle)
      problems.push(`with ${wanted} consumer(s) ${idle} member(s) were idle, expected ${expectIdle}`);
  }
  details.push(
    `A partition is read by one member of a group at a time: ${state.partitions} partitions over 7 members leave ${Math.max(0, 7 - state.partitions)} idle — standing by to take over when a member leaves. More consumers than partitions add no throughput.`,
  );
  if (problems.length === 0) return passed(details);
  const crashed = state.consumerErrors
    ? ' Your consumer failed while the group grew (consumer-output names the error): a crashed instance leaves the group.'
    : '';
  return failed(`${problems.join('; ')}.${crashed}`, { details });
}

/** Challenge 02's graph; `ratings-produced`, `ratings-valid`, `consumer-output`, `group-scaling` are stable ids. */
export const producersConsumersChecks: Array<CheckNode<ProducersConsumersState>> = [
  serviceNode('kafka', 'Kafka answers'),
  serviceNode('cosmos', 'Cosmos DB answers'),
  {
    id: 'ratings-produced',
    title: `The producer writes ratings to ${RATINGS_TOPIC}`,
    dependsOn: ['service:kafka'],
    evaluate: ratingsProduced,
  },
  {
    id: 'ratings-valid',
    title: 'Every rating is 1–5 stars by a real user of a real product, keyed by its id',
    dependsOn: ['ratings-produced', 'service:cosmos'],
    evaluate: ratingsValid,
  },
  {
    id: 'consumer-output',
    title: "The consumer's enriched output matches each rating joined with its user and product",
    dependsOn: ['ratings-valid'],
    evaluate: consumerOutput,
  },
  {
    id: 'group-scaling',
    title: 'One group at 1, 2 and 7 consumers: 4 partitions shared out, 3 members idle at 7',
    dependsOn: ['service:kafka'],
    evaluate: groupScaling,
  },
];
