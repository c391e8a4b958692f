import type { Mismatch } from '../../verify/diff.ts';
import type { ConnectorView } from '../../verify/connect-state.ts';
import { connectorStatusVerdict } from '../../verify/pipeline-checks.ts';
import type { LatestRecord, TopicSnapshot } from '../../verify/readers/kafka.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import { CARD_MASK, MONGO, SCHEMA_NAMES, TOPICS, type Customer, type Order, type Product } from './shop.ts';

/**
 * Challenge 06's check graph, in dependency order: the services (Kafka, MySQL, Apache Kafka Connect, Cosmos DB
 * for MongoDB) → the connectors with their tasks → the processor → the CDC topics against the tables → the
 * enriched orders and the dead letters against the orders topic → the totals recomputed from the orders topic →
 * the MongoDB documents against the totals. Every comparison is by identity (the id) and content.
 */
export interface CdcState {
  topics: Map<string, TopicSnapshot>;
  kafkaError?: string;
  tables?: { customers: Customer[]; products: Product[] };
  mysqlError?: string;
  connectors?: ConnectorView[];
  connectError?: string;
  /** The documents of shop.orders_totals_by_customer. */
  documents?: Array<Record<string, unknown>>;
  mongoError?: string;
  /** Set when the harness started the processor. */
  processor?: { alive: boolean; logFile: string; logTail: string };
}

const MONEY_TOLERANCE = 0.005;
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
const list = (items: string[], max = 3): string =>
  `${items.slice(0, max).join(', ')}${items.length > max ? `, … (${items.length} in all)` : ''}`;
const object = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const latestOf = (state: CdcState, topic: string): Map<string, LatestRecord> =>
  state.topics.get(topic)?.latest ?? new Map();

/** A verdict that counts: passed when nothing is missing or mismatched. */
function counted(
  expected: number,
  missing: string[],
  mismatched: Mismatch[],
  details: string[],
  hint: string | undefined,
  extra: string[] = [],
  passingDetails: string[] = [],
): NodeVerdict {
  const ok = missing.length === 0 && mismatched.length === 0 && !hint;
  return {
    passed: ok,
    expected,
    found: Math.max(0, expected - missing.length - mismatched.length),
    missing,
    missingCount: missing.length,
    mismatched,
    extra,
    ...(ok ? {} : { hint: hint ?? details[0] ?? 'see the details' }),
    details: ok ? passingDetails : details,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The orders: which are valid, what the totals must be

export interface OrderVerdict {
  order: Order;
  /** Why it belongs in the dead-letter topic; undefined for a valid order. */
  bad?: string;
}

/** Every order on the orders topic, valid or bad: quantity ≤ 0, or a customer or product never on its topic. */
export function classifyOrders(state: CdcState): OrderVerdict[] {
  const customers = latestOf(state, TOPICS.customers);
  const products = latestOf(state, TOPICS.products);
  const result: OrderVerdict[] = [];
  for (const record of latestOf(state, TOPICS.orders).values()) {
    const order = object(record.value) as Order | undefined;
    if (!order) continue;
    let bad: string | undefined;
    if (!(Number(order.product_quantity) > 0)) bad = `quantity ${order.product_quantity} ≤ 0`;
    else if (!customers.has(String(order.customer_id))) bad = `unknown customer ${order.customer_id}`;
    else if (!products.has(String(order.product_id))) bad = `unknown product ${order.product_id}`;
    result.push(bad ? { order, bad } : { order });
  }
  return result.sort((a, b) => a.order.id - b.order.id);
}

export interface ExpectedTotal {
  customerId: string;
  orderCount: number;
  totalAmount: number;
  orders: Order[];
  /** The customer was deleted: its totals must be a tombstone, its document gone. */
  deleted: boolean;
}

/** Totals per customer recomputed from the valid orders on the orders topic. */
export function expectedTotals(state: CdcState): Map<string, ExpectedTotal> {
  const customers = latestOf(state, TOPICS.customers);
  const totals = new Map<string, ExpectedTotal>();
  for (const { order, bad } of classifyOrders(state)) {
    if (bad) continue;
    const customerId = String(order.customer_id);
    const entry = totals.get(customerId) ?? {
      customerId,
      orderCount: 0,
      totalAmount: 0,
      orders: [],
      deleted: customers.get(customerId)?.value === null,
    };
    entry.orderCount++;
    entry.totalAmount = Math.round((entry.totalAmount + Number(order.total_amount)) * 100) / 100;
    entry.orders.push(order);
    totals.set(customerId, entry);
  }
  return totals;
}

// ---------------------------------------------------------------------------------------------------------------
// The CDC topics against the tables

type Row = Record<string, unknown>;

function checkCdcTopic(state: CdcState, table: 'customers' | 'products'): NodeVerdict {
  const rows = (state.tables?.[table] ?? []) as unknown as Row[];
  const latest = latestOf(state, table);
  if (!state.topics.get(table)?.exists || latest.size === 0)
    return failed(
      `Topic ${table} has no records yet: the ${table}-source connector's snapshot of shop.${table} should put every row there.`,
    );
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const details: string[] = [];
  const problems: string[] = [];
  const ids = new Set(rows.map((row) => String(row.id)));
  for (const row of rows) {
    const id = String(row.id);
    const record = latest.get(id);
    const value = object(record?.value);
    if (!record || !value) {
      missing.push(`${table}:${id}`);
      continue;
    }
    const fields: string[] = [];
    if (record.key !== id) {
      fields.push('key');
      problems.push(
        `${table} records are keyed ${JSON.stringify(record.key)} instead of the row's id ${id}: copy id into the key (ValueToKey fields=id) and extract it (ExtractField$Key field=id).`,
      );
    }
    for (const [field, expected] of Object.entries(row)) {
      const actual = value[field];
      if (field === 'card_number') {
        if (actual === expected) {
          fields.push(field);
          problems.push(
            `${table} ${id}: card_number is in clear text on the topic: mask it (MaskField$Value fields=card_number, replacement "${CARD_MASK}").`,
          );
        } else if (actual !== CARD_MASK) {
          fields.push(field);
          details.push(
            `${table} ${id}: card_number ${JSON.stringify(actual)}, expected the mask "${CARD_MASK}"`,
          );
        }
        continue;
      }
      const same = typeof expected === 'number' ? Number(actual) === expected : actual === expected;
      if (!same) {
        fields.push(field);
        details.push(
          `${table} ${id}: ${field} ${JSON.stringify(actual)} on the topic, ${JSON.stringify(expected)} in the table`,
        );
      }
    }
    const unexpected = Object.keys(value).filter((field) => !(field in row));
    if (unexpected.length > 0) {
      fields.push(...unexpected);
      details.push(
        `${table} ${id}: fields ${unexpected.join(', ')} are not columns of shop.${table} (is the Debezium envelope unwrapped with ExtractNewRecordState?)`,
      );
    }
    if (fields.length > 0) mismatched.push({ id, fields });
  }
  // Rows deleted from the table: their latest record must be a tombstone keyed by the id.
  for (const [id, record] of latest) {
    if (ids.has(id)) continue;
    if (record.value !== null) {
      mismatched.push({ id, fields: ['tombstone'] });
      details.push(
        `${table} ${id} was deleted from the table, but its latest record on the topic is not a tombstone keyed ${id} (key ${JSON.stringify(record.key)}): deletes must end in a null value under the row's key.`,
      );
    }
  }
  const schemaName = state.topics.get(table)?.schemaName;
  let hint = problems[0];
  if (!hint && schemaName !== undefined && schemaName !== SCHEMA_NAMES[table]) {
    hint = `The ${table} value schema is named ${JSON.stringify(schemaName)}: name it ${SCHEMA_NAMES[table]} (SetSchemaMetadata$Value schema.name).`;
    details.unshift(hint);
  }
  if (!hint && missing.length > 0)
    hint = `${plural(missing.length, 'row')} of shop.${table} not on the topic yet (${list(missing)}).`;
  if (hint && !details.includes(hint)) details.unshift(hint);
  return counted(
    rows.length,
    missing,
    mismatched,
    details,
    hint,
    [],
    [
      `${rows.length} rows keyed by id${table === 'customers' ? ', card masked' : ''}; schema ${SCHEMA_NAMES[table]}`,
    ],
  );
}

// ---------------------------------------------------------------------------------------------------------------
// orders-details, orders-dlq, orders-totals-by-customer, MongoDB

const STABLE = {
  customer: ['id', 'customer_name', 'customer_email'],
  product: ['id', 'product_name'],
} as const;

function checkDetails(state: CdcState): NodeVerdict {
  const details = latestOf(state, TOPICS.details);
  const dlq = latestOf(state, TOPICS.dlq);
  const customers = latestOf(state, TOPICS.customers);
  const products = latestOf(state, TOPICS.products);
  const valid = classifyOrders(state).filter((item) => !item.bad);
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const lines: string[] = [];
  const deadLettered: string[] = [];
  for (const { order } of valid) {
    const id = String(order.id);
    const enriched = object(details.get(id)?.value);
    if (!enriched) {
      missing.push(`${TOPICS.details}:${id}`);
      const letter = object(dlq.get(id)?.value);
      if (letter) deadLettered.push(`order ${id} (${String(letter.reason ?? 'no reason')})`);
      continue;
    }
    const fields: string[] = [];
    for (const [part, source, key] of [
      ['customer', customers, String(order.customer_id)],
      ['product', products, String(order.product_id)],
    ] as const) {
      const embedded = object(enriched[part]);
      const reference = object(source.get(key)?.value);
      if (!embedded) {
        fields.push(part);
        lines.push(`order ${id}: no ${part} in the enriched order (expected ${part} ${key})`);
        continue;
      }
      for (const field of STABLE[part]) {
        const expected = field === 'id' ? Number(key) : reference?.[field];
        if (expected === undefined) continue; // a deleted customer: only its id is known
        if (String(embedded[field]) !== String(expected)) {
          fields.push(`${part}.${field}`);
          lines.push(
            `order ${id}: ${part}.${field} ${JSON.stringify(embedded[field])}, expected ${JSON.stringify(expected)} (${part} ${key})`,
          );
        }
      }
      if (part === 'customer' && embedded.card_number !== CARD_MASK) {
        fields.push('customer.card_number');
        lines.push(`order ${id}: the customer's card_number is not masked`);
      }
    }
    if (fields.length > 0) mismatched.push({ id, fields });
  }
  let hint: string | undefined;
  if (deadLettered.length > 0)
    hint = `${plural(deadLettered.length, 'valid order')} went to ${TOPICS.dlq} instead, e.g. ${list(deadLettered, 2)}, although the customer and product are on their topics: the join looks them up by id — are ${TOPICS.customers} and ${TOPICS.products} keyed by id, and are both read as global tables?`;
  else if (lines.length > 0) hint = lines[0];
  else if (missing.length > 0)
    hint = `${plural(missing.length, 'valid order')} of ${valid.length} not on ${TOPICS.details} yet (${list(missing)}).`;
  if (hint && lines[0] !== hint) lines.unshift(hint);
  return counted(
    valid.length,
    missing,
    mismatched,
    lines,
    hint,
    [],
    [`${valid.length} valid orders, each with its customer (card masked) and product`],
  );
}

function checkDeadLetters(state: CdcState): NodeVerdict {
  const details = latestOf(state, TOPICS.details);
  const dlq = latestOf(state, TOPICS.dlq);
  const orders = classifyOrders(state);
  const bad = orders.filter((item) => item.bad);
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const lines: string[] = [];
  for (const { order, bad: reason } of bad) {
    const id = String(order.id);
    if (object(details.get(id)?.value)) {
      mismatched.push({ id, fields: ['orders-details'] });
      lines.push(
        `bad order ${id} (${reason}) is on ${TOPICS.details}: send it to ${TOPICS.dlq} and nowhere else.`,
      );
    }
    if (!dlq.has(id)) missing.push(`${TOPICS.dlq}:${id}`);
  }
  const validIds = new Set(orders.filter((item) => !item.bad).map((item) => String(item.order.id)));
  const extra = [...dlq.keys()].filter((id) => validIds.has(id)).map((id) => `${TOPICS.dlq}:${id}`);
  const hint =
    lines[0] ??
    (missing.length > 0
      ? `${plural(missing.length, 'bad order')} of ${bad.length} not on ${TOPICS.dlq} (${list(missing)}): orders with quantity ≤ 0 or an unknown customer or product go there.`
      : undefined);
  if (hint && lines[0] !== hint) lines.unshift(hint);
  return counted(bad.length, missing, mismatched, lines, hint, extra, [
    `${bad.length} bad orders on ${TOPICS.dlq} only (${[...new Set(bad.map((item) => item.bad!.replace(/ -?\d+.*$/, '')))].join(', ')})`,
  ]);
}

/** Why a customer's totals are off, in the participant's terms. */
export function explainTotals(
  entry: ExpectedTotal,
  count: number,
  amount: number,
  badOrders: OrderVerdict[],
): string {
  const extraCount = count - entry.orderCount;
  const extraAmount = Math.round((amount - entry.totalAmount) * 100) / 100;
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= MONEY_TOLERANCE;
  const prefix = `customer ${entry.customerId}: order_count ${count}, total_amount ${amount}; expected ${entry.orderCount} and ${entry.totalAmount}`;
  const badOfCustomer = badOrders.filter((item) => String(item.order.customer_id) === entry.customerId);
  const badSum = badOfCustomer.reduce((sum, item) => sum + Number(item.order.total_amount), 0);
  if (extraCount > 1 && extraCount === badOfCustomer.length && close(badSum, extraAmount))
    return `${prefix}: bad orders ${badOfCustomer.map((item) => item.order.id).join(', ')} (${badOfCustomer[0]!.bad}…) were counted — only valid orders count.`;
  if (extraCount === 1) {
    const counted = badOrders.find(
      (item) =>
        String(item.order.customer_id) === entry.customerId &&
        close(Number(item.order.total_amount), extraAmount),
    );
    if (counted)
      return `${prefix}: bad order ${counted.order.id} (${counted.bad}) was counted — only valid orders count.`;
    const twice = entry.orders.find((order) => close(Number(order.total_amount), extraAmount));
    if (twice)
      return `${prefix}: order ${twice.id} (${twice.total_amount}) counted twice — after a processor restart without exactly_once_v2 or a state store?`;
  }
  if (extraCount === -1) {
    const lost = entry.orders.find((order) => close(Number(order.total_amount), -extraAmount));
    if (lost) return `${prefix}: order ${lost.id} (${lost.total_amount}) is not counted.`;
  }
  if (extraCount === 0 && !close(extraAmount, 0))
    return `${prefix}: the count is right but the sum is not — sum total_amount, rounded to cents.`;
  return `${prefix}.`;
}

function checkTotals(state: CdcState): NodeVerdict {
  const expected = expectedTotals(state);
  const found = latestOf(state, TOPICS.totals);
  const bad = classifyOrders(state).filter((item) => item.bad);
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const lines: string[] = [];
  for (const entry of expected.values()) {
    const record = found.get(entry.customerId);
    if (entry.deleted) {
      if (record && record.value !== null) {
        mismatched.push({ id: entry.customerId, fields: ['tombstone'] });
        lines.push(
          `customer ${entry.customerId} was deleted, but its latest totals record is not a tombstone: a tombstone on customers must remove the customer's totals (a tombstone on orders-totals-by-customer).`,
        );
      }
      continue;
    }
    const value = object(record?.value);
    if (!value) {
      missing.push(`${TOPICS.totals}:${entry.customerId}`);
      continue;
    }
    const count = Number(value.order_count);
    const amount = Number(value.total_amount);
    if (count !== entry.orderCount || Math.abs(amount - entry.totalAmount) > MONEY_TOLERANCE) {
      mismatched.push({
        id: entry.customerId,
        fields: [
          ...(count !== entry.orderCount ? ['order_count'] : []),
          ...(Math.abs(amount - entry.totalAmount) > MONEY_TOLERANCE ? ['total_amount'] : []),
        ],
      });
      lines.push(explainTotals(entry, count, amount, bad));
    }
  }
  const hint =
    lines[0] ??
    (missing.length > 0
      ? `${plural(missing.length, 'customer')} with valid orders have no totals on ${TOPICS.totals} yet (${list(missing)}).`
      : undefined);
  if (hint && lines[0] !== hint) lines.unshift(hint);
  const live = [...expected.values()].filter((entry) => !entry.deleted).length;
  return counted(
    expected.size,
    missing,
    mismatched,
    lines,
    hint,
    [],
    [
      `${live} customers' count and total recomputed from the orders topic; ${expected.size - live} deleted customer(s) tombstoned`,
    ],
  );
}

function checkMongo(state: CdcState): NodeVerdict {
  const expected = expectedTotals(state);
  const documents = state.documents ?? [];
  const byId = new Map(
    documents.map((doc) => [typeof doc._id === 'string' ? doc._id : JSON.stringify(doc._id), doc]),
  );
  const missing: string[] = [];
  const mismatched: Mismatch[] = [];
  const lines: string[] = [];
  const generated = documents.filter((doc) => typeof doc._id !== 'string' && typeof doc._id !== 'number');
  for (const entry of expected.values()) {
    const doc = byId.get(entry.customerId);
    if (entry.deleted) {
      if (doc) {
        mismatched.push({ id: entry.customerId, fields: ['deleted'] });
        lines.push(
          `customer ${entry.customerId} was deleted, but its document is still in ${MONGO.database}.${MONGO.collection}: delete on a tombstone (delete.on.null.values=true with the _id from the key).`,
        );
      }
      continue;
    }
    if (!doc) {
      missing.push(`${MONGO.collection}:${entry.customerId}`);
      continue;
    }
    const fields: string[] = [];
    if (Number(doc.order_count) !== entry.orderCount) fields.push('order_count');
    if (Math.abs(Number(doc.total_amount) - entry.totalAmount) > MONEY_TOLERANCE) fields.push('total_amount');
    if (fields.length > 0) {
      mismatched.push({ id: entry.customerId, fields });
      lines.push(
        `document ${entry.customerId}: order_count ${String(doc.order_count)}, total_amount ${String(doc.total_amount)}; the totals say ${entry.orderCount} and ${entry.totalAmount}`,
      );
    }
  }
  let hint = lines[0];
  if (generated.length > 0 && missing.length > 0)
    hint = `${plural(generated.length, 'document')} in ${MONGO.database}.${MONGO.collection} have generated _ids (${JSON.stringify(generated[0]!._id)}), not the customer id: hoist the key into _id (HoistField$Key field=_id) and take it from there (document.id.strategy ProvidedInKeyStrategy).`;
  else if (!hint && missing.length > 0)
    hint = `${plural(missing.length, 'customer')} have no document in ${MONGO.database}.${MONGO.collection} yet (${list(missing)}).`;
  if (hint && lines[0] !== hint) lines.unshift(hint);
  const extra = [...byId.keys()].filter((id) => !expected.has(id)).map((id) => `${MONGO.collection}:${id}`);
  const live = [...expected.values()].filter((entry) => !entry.deleted).length;
  return counted(live, missing, mismatched, lines, hint, extra, [
    `${live} documents with _id = customer id equal the totals; deleted customers' documents gone`,
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// The graph

type Role = 'customers-source' | 'products-source' | 'totals-sink';
const ROLES: Record<
  Role,
  { label: string; connectorClass: string; matches(config: Record<string, string>): boolean }
> = {
  'customers-source': {
    label: 'Debezium MySQL customers source',
    connectorClass: 'io.debezium.connector.mysql.MySqlConnector',
    matches: (config) =>
      /MySqlConnector$/.test(config['connector.class'] ?? '') &&
      /customers/.test(config['table.include.list'] ?? ''),
  },
  'products-source': {
    label: 'Debezium MySQL products source',
    connectorClass: 'io.debezium.connector.mysql.MySqlConnector',
    matches: (config) =>
      /MySqlConnector$/.test(config['connector.class'] ?? '') &&
      /products/.test(config['table.include.list'] ?? ''),
  },
  'totals-sink': {
    label: 'MongoDB totals sink',
    connectorClass: 'com.mongodb.kafka.connect.MongoSinkConnector',
    matches: (config) => /MongoSinkConnector$/.test(config['connector.class'] ?? ''),
  },
};

function connectorNode(role: Role, services: string[]): CheckNode<CdcState> {
  const { label, connectorClass, matches } = ROLES[role];
  return {
    id: `connector:${role}`,
    title: `The ${label} connector and its task are RUNNING`,
    dependsOn: services,
    evaluate: (state) =>
      state.connectors
        ? connectorStatusVerdict(
            state.connectors.filter((connector) => matches(connector.config)),
            label,
            connectorClass,
          )
        : failed(state.connectError ?? 'No Apache Kafka Connect URL is configured (APACHE_CONNECT_URL).', {
            final: true,
          }),
  };
}

const serviceNode = (
  id: string,
  title: string,
  problem: (state: CdcState) => string | undefined,
): CheckNode<CdcState> => ({
  id,
  title,
  evaluate: (state) => {
    const text = problem(state);
    return text ? failed(text, { final: true }) : passed();
  },
});

export const cdcChecks: Array<CheckNode<CdcState>> = [
  serviceNode('service:kafka', 'Kafka reachable', (state) => state.kafkaError),
  serviceNode('service:mysql', 'MySQL reachable', (state) => state.mysqlError),
  serviceNode('service:apache-connect', 'Apache Kafka Connect reachable', (state) => state.connectError),
  serviceNode('service:cosmos-mongo', 'Cosmos DB for MongoDB reachable', (state) => state.mongoError),
  connectorNode('customers-source', ['service:apache-connect', 'service:mysql']),
  connectorNode('products-source', ['service:apache-connect', 'service:mysql']),
  connectorNode('totals-sink', ['service:apache-connect', 'service:cosmos-mongo']),
  {
    id: 'processor',
    title: 'Stream processors running',
    dependsOn: ['service:kafka'],
    evaluate: (state) => {
      if (!state.processor) return passed(['not started by the harness (--env): judged by its output only']);
      if (state.processor.alive) return passed([`log: ${state.processor.logFile}`]);
      const tail = state.processor.logTail.split('\n').filter(Boolean);
      return failed(
        `The processor exited; its log (${state.processor.logFile}) ends with: ${tail.at(-1) ?? '(empty)'}`,
        { final: true, details: tail },
      );
    },
  },
  {
    id: 'topic:customers',
    title: 'Every customer row on customers, keyed by id, card masked, deletes as tombstones',
    dependsOn: ['service:kafka', 'connector:customers-source'],
    evaluate: (state) => checkCdcTopic(state, 'customers'),
  },
  {
    id: 'topic:products',
    title: 'Every product row on products, keyed by id, deletes as tombstones',
    dependsOn: ['service:kafka', 'connector:products-source'],
    evaluate: (state) => checkCdcTopic(state, 'products'),
  },
  {
    id: 'orders-details',
    title: 'Every valid order enriched with its customer and product',
    dependsOn: ['processor', 'topic:customers', 'topic:products'],
    evaluate: checkDetails,
  },
  {
    id: 'orders-dlq',
    title: 'Bad orders in the dead-letter topic and nowhere else',
    dependsOn: ['processor', 'topic:customers', 'topic:products'],
    evaluate: checkDeadLetters,
  },
  {
    id: 'orders-totals',
    title: 'Totals per customer equal the totals recomputed from the orders topic',
    dependsOn: ['orders-details', 'orders-dlq'],
    evaluate: checkTotals,
  },
  {
    id: 'mongodb-totals',
    title: 'MongoDB documents equal the totals; deleted customers gone',
    dependsOn: ['orders-totals', 'connector:totals-sink'],
    evaluate: checkMongo,
  },
];
