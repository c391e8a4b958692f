import { canonicalJson } from '../../generators/canonical.ts';
import type { ConnectorView } from '../../verify/connect-state.ts';
import type { Mismatch } from '../../verify/diff.ts';
import type { RawRecord } from '../../verify/readers/kafka.ts';
import { failureLine } from '../../verify/task-failure.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import { AGGREGATE_TOPICS, type OrderDocument, type OutboxDocument } from './order-service.ts';

/**
 * Challenge 07's check graph: services → the MongoDB source connectors → the outbox events on their topics
 * (routing, delivery, keys, payloads, commit order) and the store's soft deletes → the consumer's read model.
 * Expectations come from what a coach can read: the outbox documents in `shop.orders` are the committed events
 * (an aborted transaction's never exist), the order documents the latest state.
 */
export const SOURCE_CLASS = 'com.mongodb.kafka.connect.MongoSourceConnector';

export interface CacheDocument {
  _id: string;
  status?: string;
  totalCents?: number;
  customerId?: string;
  version?: number;
  history?: string[];
  deleted?: boolean;
}

export interface OutboxState {
  kafkaError?: string;
  mongoError?: string;
  connectError?: string;
  /** The MongoDB source connectors on Apache Kafka Connect (others are ignored). */
  connectors?: ConnectorView[];
  orders: OrderDocument[];
  outbox: OutboxDocument[];
  /** Every record of each aggregate type's topic, in offset order per partition. */
  topics: Map<string, RawRecord[]>;
  /** The reference read model (`cache.orders`): absent when it could not be read. */
  cache?: CacheDocument[];
  /** Set when the harness started the consumer. */
  consumer?: { alive: boolean; logFile: string; logTail: string };
}

/** One record on a topic, recognised as an outbox event. */
interface Delivery {
  topic: string;
  record: RawRecord;
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
const list = (items: string[], max = 3): string =>
  `${items.slice(0, max).join(', ')}${items.length > max ? ` and ${items.length - max} more` : ''}`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The outbox event id of a record: the `eventId` header, else the `_id` of a value that is still the envelope. */
export function eventIdOf(record: RawRecord): string | undefined {
  if (record.headers.eventId) return record.headers.eventId;
  const value = record.value;
  if (isObject(value)) {
    if (typeof value._id === 'string') return value._id;
    if (isObject(value.fullDocument) && typeof value.fullDocument._id === 'string')
      return value.fullDocument._id;
  }
  return undefined;
}

/** Every record of every topic by event id (in topic order), and the records no event id can be read from. */
function deliveries(state: OutboxState): { byEvent: Map<string, Delivery[]>; anonymous: Delivery[] } {
  const byEvent = new Map<string, Delivery[]>();
  const anonymous: Delivery[] = [];
  for (const [topic, records] of state.topics) {
    for (const record of records) {
      const id = eventIdOf(record);
      if (!id) {
        anonymous.push({ topic, record });
        continue;
      }
      byEvent.set(id, [...(byEvent.get(id) ?? []), { topic, record }]);
    }
  }
  return { byEvent, anonymous };
}

const topicOf = (event: OutboxDocument): string => AGGREGATE_TOPICS[event.aggregateType];

function serviceNode(id: string, title: string, problem: (state: OutboxState) => string | undefined) {
  return {
    id,
    title,
    evaluate: (state: OutboxState): NodeVerdict => {
      const text = problem(state);
      return text ? failed(text, { final: true }) : passed();
    },
  };
}

/** What Cosmos DB for MongoDB refuses in a change stream pipeline (`$match`, then `$project`), or undefined. */
export function pipelineProblem(pipeline: string | undefined): string | undefined {
  if (!pipeline) return 'No pipeline.';
  let stages: unknown;
  try {
    stages = JSON.parse(pipeline);
  } catch {
    return 'The pipeline is not a JSON array of stages.';
  }
  if (!Array.isArray(stages)) return 'The pipeline is not a JSON array of stages.';
  const names = stages.map((stage) => Object.keys((stage ?? {}) as object)[0]);
  if (names[0] !== '$match' || names[1] !== '$project')
    return `The pipeline's stages are ${names.join(', ') || 'none'}; they must start with $match, then $project.`;
  return undefined;
}

const PIPELINE_FIX =
  'set `pipeline` to [{"$match": {"fullDocument.kind": "outbox", "fullDocument.aggregateType": "…"}}, {"$project": {"_id": 1, "fullDocument": 1, "ns": 1, "documentKey": 1}}]';

export function checkConnectors(state: OutboxState): NodeVerdict {
  const connectors = state.connectors ?? [];
  if (connectors.length === 0)
    return failed(
      `No MongoDB source connector (${SOURCE_CLASS}) is deployed on Apache Kafka Connect: apply the configs in your folder (\`npx hack connectors apply <file> --worker apache\`).`,
      { final: true },
    );
  const details = connectors.map(
    (connector) =>
      `${connector.name}: ${connector.state}, tasks ${connector.tasks.map((task) => task.state).join(', ') || 'none'}`,
  );
  for (const connector of connectors) {
    if (connector.state === 'FAILED')
      return failed(failureLine(`Connector ${connector.name}`, connector.trace, connector.config), {
        final: true,
        details,
      });
    const task = connector.tasks.find((item) => item.state === 'FAILED');
    if (task)
      return failed(
        `${failureLine(`Task ${task.id} of ${connector.name}`, task.trace, connector.config)}${cosmosAdvice(task.trace)}`,
        { final: true, details },
      );
    if (connector.state === 'PAUSED' || connector.state === 'STOPPED')
      return failed(
        `Connector ${connector.name} is ${connector.state}: \`npx hack connectors resume ${connector.name} --worker apache\`.`,
        { final: true, details },
      );
    const problem = pipelineProblem(connector.config.pipeline);
    if (problem)
      return failed(
        `Connector ${connector.name}: ${problem} Cosmos DB for MongoDB refuses such a change stream (error 2 BadValue, "Change stream must be followed by a match and then a project stage"); MongoDB's connector only logs "Failed to resume change stream" as a WARN and retries, so its task shows RUNNING while nothing arrives. Fix: ${PIPELINE_FIX}.`,
        { final: true, details },
      );
    if (connector.state !== 'RUNNING' || connector.tasks.length === 0)
      return failed(`Connector ${connector.name} is ${connector.state} and has no running task yet.`, {
        details,
      });
  }
  return passed(details);
}

/** What a Cosmos DB refusal in a task's trace means for the pipeline setting. */
function cosmosAdvice(trace: string | undefined): string {
  if (/must be followed by a match and then a project stage/i.test(trace ?? ''))
    return ` Cosmos DB for MongoDB requires the change stream pipeline to start with $match then $project: ${PIPELINE_FIX}.`;
  if (/fullDocumentBeforeChange|showExpandedEvents/i.test(trace ?? ''))
    return ' Cosmos DB for MongoDB offers neither pre-images nor expanded events: use change.stream.full.document=updateLookup only.';
  return '';
}

/** Each event on the topic of its aggregate type, and only there. */
export function checkRouting(state: OutboxState): NodeVerdict {
  const { byEvent, anonymous } = deliveries(state);
  if (anonymous.length > 0) {
    const sample = anonymous[0]!;
    return failed(
      `${plural(anonymous.length, 'record')} on ${sample.topic} carry no eventId header (offset ${sample.record.offset}, headers ${JSON.stringify(sample.record.headers)}): copy the outbox document's _id into a header with org.apache.kafka.connect.transforms.HeaderFrom$Value (fields=_id, headers=eventId), before unwrapping the payload.`,
    );
  }
  const misrouted: string[] = [];
  const details: string[] = [];
  for (const event of state.outbox) {
    const wrong = (byEvent.get(event._id) ?? []).filter((delivery) => delivery.topic !== topicOf(event));
    if (wrong.length === 0) continue;
    misrouted.push(event._id);
    details.push(
      `${event._id} (${event.eventType}, aggregateType ${event.aggregateType}) is on ${wrong[0]!.topic}, expected ${topicOf(event)}`,
    );
  }
  if (misrouted.length > 0) {
    const types = new Set(
      state.outbox.filter((event) => misrouted.includes(event._id)).map((event) => event.aggregateType),
    );
    return {
      ...failed(
        `${plural(misrouted.length, 'event')} on the wrong topic (${details[0]}): route by fullDocument.aggregateType — one connector per aggregate type whose $match names it, and topic.namespace.map to its topic (${[...types].map((type) => `${type} → ${AGGREGATE_TOPICS[type]}`).join(', ')}).`,
        { details },
      ),
      expected: state.outbox.length,
      found: state.outbox.length - misrouted.length,
      mismatched: misrouted.map((id) => ({ id, fields: ['topic'] })),
    };
  }
  const empty = Object.entries(AGGREGATE_TOPICS).filter(
    ([type, topic]) =>
      state.outbox.some((event) => event.aggregateType === type) &&
      (state.topics.get(topic)?.length ?? 0) === 0,
  );
  if (empty.length > 0)
    return failed(
      `No event on ${empty.map(([, topic]) => topic).join(', ')} yet, though the outbox holds ${empty.map(([type]) => `${type} events`).join(', ')}: a connector whose $match selects fullDocument.aggregateType "${empty[0]![0]}" and topic.namespace.map {"shop.orders": "${empty[0]![1]}"}.`,
    );
  return passed(
    Object.entries(AGGREGATE_TOPICS).map(
      ([type, topic]) => `${type} events → ${topic}: ${state.topics.get(topic)?.length ?? 0} records`,
    ),
  );
}

/** Every committed event on its topic; nothing that was never committed; at-least-once duplicates named. */
export function checkDelivered(state: OutboxState): NodeVerdict {
  const { byEvent } = deliveries(state);
  const committed = new Map(state.outbox.map((event) => [event._id, event]));
  const missing = state.outbox.filter((event) => !byEvent.has(event._id)).map((event) => event._id);
  const extra = [...byEvent.keys()].filter((id) => !committed.has(id));
  const duplicated = [...byEvent].filter(([, found]) => found.length > 1).map(([id]) => id);
  const details = [`${state.outbox.length} committed outbox events, ${byEvent.size} distinct on the topics`];
  if (duplicated.length > 0)
    details.push(
      `${plural(duplicated.length, 'event')} delivered more than once (${list(duplicated)}): Kafka Connect sources are at-least-once — after a worker crash the connector resumes from its last committed resume token. Consumers dedupe by aggregate sequence.`,
    );
  let hint: string | undefined;
  if (extra.length > 0)
    hint = `${plural(extra.length, 'event')} on the topics that no committed outbox document has (${list(extra)}): an aborted transaction's event, or one written outside the outbox — publish only what the change stream of the outbox reports.`;
  else if (missing.length > 0) {
    const first = committed.get(missing[0]!)!;
    hint = `${plural(missing.length, 'committed event')} not on their topics yet (${list(missing)}; the first is ${first.eventType} of ${first.aggregateId}, for ${topicOf(first)}). A source that starts at "latest" misses what was committed before its stream opened: startup.mode=timestamp reads the outbox from an earlier point.`;
  }
  return {
    passed: !hint,
    expected: state.outbox.length,
    found: state.outbox.length - missing.length,
    missing,
    missingCount: missing.length,
    mismatched: [],
    extra,
    ...(hint ? { hint } : {}),
    details,
  };
}

/** Keyed by aggregate id, so that one aggregate's events share a partition. */
export function checkKeys(state: OutboxState): NodeVerdict {
  const { byEvent } = deliveries(state);
  const mismatched: Mismatch[] = [];
  const details: string[] = [];
  for (const event of state.outbox) {
    for (const { record } of byEvent.get(event._id) ?? []) {
      if (record.key === event.aggregateId) continue;
      mismatched.push({ id: event._id, fields: ['key'] });
      details.push(`${event._id}: key ${record.key ?? 'null'}, expected ${event.aggregateId}`);
      break;
    }
  }
  if (mismatched.length === 0) return passed([`${state.outbox.length} events keyed by their aggregate id`]);
  const sample = details[0]!;
  const token = /_data/.test(sample);
  const hint = token
    ? `Records are keyed by the change stream's resume token (${sample}): key them by aggregate id — ValueToKey (fields=aggregateId) then ExtractField$Key (field=aggregateId), with a StringConverter for keys.`
    : `${plural(mismatched.length, 'event')} not keyed by aggregate id (${sample}): ValueToKey (fields=aggregateId) then ExtractField$Key (field=aggregateId), before unwrapping the payload.`;
  return {
    ...failed(hint, { details }),
    expected: state.outbox.length,
    found: state.outbox.length - mismatched.length,
    mismatched,
  };
}

/** The record's value is the outbox document's payload, unwrapped from the envelope, field for field. */
export function checkPayloads(state: OutboxState): NodeVerdict {
  const { byEvent } = deliveries(state);
  const mismatched: Mismatch[] = [];
  const details: string[] = [];
  let envelope: string | undefined;
  for (const event of state.outbox) {
    for (const { record } of byEvent.get(event._id) ?? []) {
      if (canonicalJson(record.value) === canonicalJson(event.payload)) continue;
      const value = record.value;
      if (isObject(value) && isObject(value.fullDocument))
        envelope ??= `${event._id} is a whole change event (fullDocument, ns, …): set publish.full.document.only=true, then unwrap the payload with ExtractField$Value (field=payload).`;
      else if (isObject(value) && value.kind === 'outbox' && 'payload' in value)
        envelope ??= `${event._id} is still the outbox envelope (_id, aggregateType, payload, …): unwrap it with org.apache.kafka.connect.transforms.ExtractField$Value (field=payload).`;
      const fields = isObject(value)
        ? [...new Set([...Object.keys(event.payload), ...Object.keys(value)])].filter(
            (field) => canonicalJson(event.payload[field] ?? null) !== canonicalJson(value[field] ?? null),
          )
        : ['value'];
      mismatched.push({ id: event._id, fields });
      details.push(`${event._id}: ${fields.join(', ')} differ from the outbox payload`);
      break;
    }
  }
  if (mismatched.length === 0) return passed([`${state.outbox.length} payloads equal to what was written`]);
  return {
    ...failed(
      envelope ?? `${plural(mismatched.length, 'payload')} differ from what was written (${details[0]}).`,
      {
        details,
      },
    ),
    expected: state.outbox.length,
    found: state.outbox.length - mismatched.length,
    mismatched,
  };
}

/** Per aggregate, the events' first deliveries follow their sequence, all in one partition. */
export function checkCommitOrder(state: OutboxState): NodeVerdict {
  const events = new Map(state.outbox.map((event) => [event._id, event]));
  const problems: string[] = [];
  const aggregates = new Set<string>();
  for (const [topic, records] of state.topics) {
    const seen = new Map<string, { sequence: number; partition: number; eventId: string }>();
    const delivered = new Set<string>();
    for (const record of [...records].sort((a, b) => a.timestamp - b.timestamp || a.offset - b.offset)) {
      const id = eventIdOf(record);
      const event = id ? events.get(id) : undefined;
      if (!event || delivered.has(event._id)) continue; // a redelivery repeats, it does not reorder
      delivered.add(event._id);
      const aggregate = `${event.aggregateType}:${event.aggregateId}`;
      aggregates.add(aggregate);
      const before = seen.get(aggregate);
      if (before && before.partition !== record.partition)
        problems.push(
          `${event.aggregateId}'s events are on partitions ${before.partition} and ${record.partition} of ${topic} (${before.eventId}, ${event._id}): key by aggregate id so that one aggregate's events stay in order`,
        );
      else if (before && before.sequence > event.sequence)
        problems.push(
          `${event.aggregateId} on ${topic}: ${event._id} (sequence ${event.sequence}, ${event.eventType}) after ${before.eventId} (sequence ${before.sequence})`,
        );
      if (!before || event.sequence > before.sequence)
        seen.set(aggregate, { sequence: event.sequence, partition: record.partition, eventId: event._id });
    }
  }
  if (problems.length === 0) return passed([`${aggregates.size} aggregates, each in commit order`]);
  return failed(`Out of commit order: ${problems[0]}.`, { details: problems });
}

/** Cosmos DB for MongoDB streams no deletes: a cancelled order is soft-deleted (deleted: true, ttl), never removed. */
export function checkSoftDeletes(state: OutboxState): NodeVerdict {
  const orders = new Map(state.orders.map((order) => [order._id, order]));
  const problems: string[] = [];
  const cancelled = state.outbox.filter((event) => event.eventType === 'OrderCancelled');
  for (const event of state.outbox.filter((item) => item.aggregateType === 'order')) {
    if (!orders.has(event.aggregateId)) {
      problems.push(
        `${event.aggregateId} has outbox events (${event.eventType}) but no order document: it was deleted, and Cosmos DB for MongoDB's change streams report no deletes — soft-delete instead (set deleted: true and a ttl in the same transaction as the outbox event).`,
      );
      break;
    }
  }
  for (const event of cancelled) {
    const order = orders.get(event.aggregateId);
    if (order && (!order.deleted || !(Number(order.ttl) > 0 || Number(order.ttl) === -1)))
      problems.push(
        `${event.aggregateId} was cancelled (${event._id}) but is not soft-deleted (deleted ${String(order.deleted)}, ttl ${String(order.ttl)}): set deleted: true and ttl so that Cosmos DB expires it later.`,
      );
  }
  if (problems.length === 0)
    return passed([
      `${cancelled.length} cancelled orders soft-deleted (deleted: true, ttl), none hard-deleted`,
    ]);
  return failed(problems[0]!, { details: problems });
}

export function checkConsumer(state: OutboxState): NodeVerdict {
  if (!state.consumer) return passed(['not started by the harness (--env): judged by its read model only']);
  if (state.consumer.alive) return passed([`log: ${state.consumer.logFile}`]);
  const tail = state.consumer.logTail.split('\n').filter(Boolean);
  return failed(
    `The consumer exited; its log (${state.consumer.logFile}) ends with: ${tail.at(-1) ?? '(empty)'}`,
    {
      final: true,
      details: tail,
    },
  );
}

/** The read model equals the orders' latest state; cancelled orders evicted; each event applied once. */
export function checkReadModel(state: OutboxState): NodeVerdict {
  if (!state.cache) return failed('The read model cache.orders could not be read.');
  const cache = new Map(state.cache.map((entry) => [String(entry._id), entry]));
  const history = new Map<string, OutboxDocument[]>();
  for (const event of state.outbox.filter((item) => item.aggregateType === 'order'))
    history.set(event.aggregateId, [...(history.get(event.aggregateId) ?? []), event]);
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const details: string[] = [];
  let cause: string | undefined;
  for (const order of state.orders) {
    const entry = cache.get(order._id);
    if (order.deleted) {
      if (entry && !entry.deleted) {
        mismatched.push({ id: order._id, fields: ['deleted'] });
        details.push(
          `${order._id} was cancelled (soft-deleted) but is still in the cache as ${String(entry.status)}`,
        );
        cause ??= `${order._id} was cancelled but is still cached: evict (or mark deleted) on OrderCancelled — the payload says deleted: true, since Cosmos DB streams no delete.`;
      }
      continue;
    }
    if (!entry || entry.deleted) {
      missing.push(order._id);
      continue;
    }
    const fields: string[] = (['status', 'totalCents', 'customerId', 'version'] as const).filter(
      (field) => canonicalJson(entry[field] ?? null) !== canonicalJson(order[field]),
    );
    const types = (history.get(order._id) ?? [])
      .sort((a, b) => a.sequence - b.sequence)
      .map((e) => e.eventType);
    if (entry.history && canonicalJson(entry.history) !== canonicalJson(types)) {
      fields.push('history');
      const twice = entry.history.find((type, index) => entry.history!.indexOf(type) !== index);
      cause ??= twice
        ? `${order._id}: history ${entry.history.join(', ')} applies ${twice} twice — a redelivered event (at-least-once) was not deduplicated: remember the last sequence applied per order and skip events at or below it.`
        : `${order._id}: history ${entry.history.join(', ')}, expected ${types.join(', ')}.`;
    }
    if (fields.length === 0) continue;
    mismatched.push({ id: order._id, fields });
    details.push(
      `${order._id}: ${fields.map((field) => `${field} ${JSON.stringify(entry[field as keyof CacheDocument])}`).join(', ')}; the order is ${order.status} v${order.version}`,
    );
    if (!cause && fields.includes('version') && Number(entry.version) > order.version)
      cause = `${order._id}: cached version ${String(entry.version)} is newer than the order's ${order.version}.`;
    if (!cause && fields.includes('version') && Number(entry.version) < order.version)
      cause = `${order._id}: cached at version ${String(entry.version)} (${String(entry.status)}), the order is at ${order.version} (${order.status}) — an older event applied after a newer one? Skip events whose sequence is at or below the cached version.`;
  }
  const live = state.orders.filter((order) => !order.deleted).length;
  const ok = missing.length === 0 && mismatched.length === 0;
  const hint = ok
    ? undefined
    : (cause ??
      (missing.length > 0
        ? `${plural(missing.length, 'order')} not in the read model cache.orders (${list(missing)}): the consumer applies order-events to it, keyed by order id.`
        : `${details[0]}.`));
  return {
    passed: ok,
    expected: live,
    found: live - missing.length - mismatched.filter((item) => !item.fields.includes('deleted')).length,
    missing,
    missingCount: missing.length,
    mismatched,
    extra: [],
    ...(hint ? { hint } : {}),
    details: ok ? [`${live} orders in step, ${state.orders.length - live} cancelled ones evicted`] : details,
  };
}

export const outboxChecks: Array<CheckNode<OutboxState>> = [
  serviceNode('service:kafka', 'Kafka answers', (state) => state.kafkaError),
  serviceNode('service:cosmos-mongo', 'Cosmos DB for MongoDB answers', (state) => state.mongoError),
  serviceNode('service:apache-connect', 'Apache Kafka Connect answers', (state) => state.connectError),
  {
    id: 'connectors',
    title: 'The MongoDB source connectors and their tasks are RUNNING',
    dependsOn: ['service:apache-connect'],
    evaluate: checkConnectors,
  },
  {
    id: 'routing',
    title: 'Each outbox event is on the topic of its aggregate type',
    dependsOn: ['service:kafka', 'service:cosmos-mongo', 'connectors'],
    evaluate: checkRouting,
  },
  {
    id: 'events-delivered',
    title: 'Every committed outbox event is on its topic, none from an aborted transaction',
    dependsOn: ['routing'],
    evaluate: checkDelivered,
  },
  {
    id: 'event-keys',
    title: 'Events are keyed by aggregate id',
    dependsOn: ['events-delivered'],
    evaluate: checkKeys,
  },
  {
    id: 'event-payloads',
    title: 'Each record value is the event payload, unwrapped, equal to what was written',
    dependsOn: ['events-delivered'],
    evaluate: checkPayloads,
  },
  {
    id: 'commit-order',
    title: "Each aggregate's events are in commit order",
    dependsOn: ['event-keys'],
    evaluate: checkCommitOrder,
  },
  {
    id: 'soft-deletes',
    title: 'Cancelled orders are soft-deleted (deleted + ttl), never removed',
    dependsOn: ['service:cosmos-mongo'],
    evaluate: checkSoftDeletes,
  },
  {
    id: 'consumer',
    title: 'The consumer is running',
    dependsOn: ['service:kafka'],
    evaluate: checkConsumer,
  },
  {
    id: 'read-model',
    title: "The consumer's read model equals the orders' latest state, each event applied once",
    dependsOn: ['events-delivered', 'event-payloads', 'commit-order', 'soft-deletes', 'consumer'],
    evaluate: checkReadModel,
  },
];
