import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../generators/scenario.ts';
import type { ConnectorView } from '../../verify/connect-state.ts';
import { evaluateGraph, rootCause } from '../../verify/graph.ts';
import { recordId, type TopicSnapshot } from '../../verify/readers/kafka.ts';
import { cdcChecks, type CdcState } from './checks.ts';
import {
  ALL_TOPICS,
  CARD_MASK,
  SCHEMA_NAMES,
  TOPICS,
  planShop,
  type Customer,
  type Order,
  type Product,
} from './shop.ts';

/**
 * The checks against the pipeline as it behaves end to end — Debezium's SMT chains, the two processors, the
 * MongoDB sink — modelled over the seeded plan (snapshot, early orders, live changes, late orders), healthy and
 * then broken the ways real pipelines break. No broker: the topics are built the way the verifier's reader builds
 * them (latest value per id, the value schema's name from the first record).
 */
type Fault =
  | 'mask-missing'
  | 'key-not-extracted'
  | 'schema-unnamed'
  | 'double-count-after-restart'
  | 'bad-order-counted'
  | 'sink-without-delete'
  | 'sink-without-key-id'
  | 'no-dead-letters'
  | undefined;

const scenario = resolveScenario({ seed: 11, scale: 'users=30,products=8,events=120' });

function simulate(fault: Fault): CdcState {
  const plan = planShop(scenario);
  const topics = new Map<string, TopicSnapshot>();
  for (const topic of ALL_TOPICS)
    topics.set(topic, {
      topic,
      exists: true,
      records: 0,
      latest: new Map(),
      versions: new Map(),
      unreadable: 0,
    });
  const put = (topic: string, key: string, value: Record<string, unknown> | null, schema?: string): void => {
    const snapshot = topics.get(topic)!;
    snapshot.records++;
    if (snapshot.schemaName === undefined && value) snapshot.schemaName = schema ?? null;
    const id = recordId(key, value)!;
    snapshot.latest.set(id, { key, value, partition: 0, offset: snapshot.records });
    snapshot.versions.set(id, (snapshot.versions.get(id) ?? 0) + 1);
  };
  // Debezium + the SMT chain: keyed by id (or the key struct when not extracted), card masked, schema named.
  const cdcKey = (id: number): string => (fault === 'key-not-extracted' ? `Struct{id=${id}}` : String(id));
  const customerTable = new Map<string, Customer>();
  const productTable = new Map<string, Product>();
  const mysqlCustomers = new Map<number, Customer>();
  const mysqlProducts = new Map<number, Product>();
  const putCustomer = (row: Customer): void => {
    mysqlCustomers.set(row.id, row);
    const value = { ...row, card_number: fault === 'mask-missing' ? row.card_number : CARD_MASK };
    put(
      TOPICS.customers,
      cdcKey(row.id),
      value,
      fault === 'schema-unnamed' ? 'shop-customers.shop.customers.Value' : SCHEMA_NAMES.customers,
    );
    customerTable.set(cdcKey(row.id), value);
  };
  const putProduct = (row: Product): void => {
    mysqlProducts.set(row.id, row);
    put(TOPICS.products, cdcKey(row.id), { ...row }, SCHEMA_NAMES.products);
    productTable.set(cdcKey(row.id), row);
  };
  plan.customers.forEach(putCustomer);
  plan.products.forEach(putProduct);

  // The processors: orders ⋈ global tables → details or DLQ; totals by customer, tombstoned on delete.
  const totals = new Map<string, { customer_id: number; order_count: number; total_amount: number }>();
  const add = (order: Order): void => {
    const id = String(order.customer_id);
    const sum = totals.get(id) ?? { customer_id: order.customer_id, order_count: 0, total_amount: 0 };
    sum.order_count++;
    sum.total_amount = Math.round((sum.total_amount + order.total_amount) * 100) / 100;
    totals.set(id, sum);
    put(TOPICS.totals, id, { ...sum });
  };
  const process = (order: Order): void => {
    put(TOPICS.orders, String(order.id), { ...order });
    const customer = customerTable.get(String(order.customer_id));
    const product = productTable.get(String(order.product_id));
    const reason =
      order.product_quantity <= 0
        ? `quantity ${order.product_quantity} <= 0`
        : !customer
          ? `unknown customer ${order.customer_id}`
          : !product
            ? `unknown product ${order.product_id}`
            : undefined;
    if (fault === 'bad-order-counted' && reason?.startsWith('unknown product')) add(order);
    if (reason) {
      if (fault !== 'no-dead-letters') put(TOPICS.dlq, String(order.id), { order, reason });
      return;
    }
    put(TOPICS.details, String(order.id), { ...order, customer, product });
    add(order);
  };
  plan.early.forEach(process);
  if (fault === 'double-count-after-restart') {
    // The restart replays the last early order of a customer who stays: counted again without exactly-once.
    const stays = (order: Order): boolean =>
      !plan.changes.some((change) => change.kind === 'delete-customer' && change.id === order.customer_id);
    add(
      plan.early.findLast(
        (order) =>
          order.product_quantity > 0 &&
          customerTable.has(String(order.customer_id)) &&
          productTable.has(String(order.product_id)) &&
          stays(order),
      )!,
    );
  }
  const deleted: string[] = [];
  for (const change of plan.changes) {
    if (change.kind === 'insert-customer' || change.kind === 'update-customer') putCustomer(change.row);
    else if (change.kind === 'insert-product' || change.kind === 'update-product') putProduct(change.row);
    else {
      mysqlCustomers.delete(change.id);
      customerTable.delete(cdcKey(change.id));
      put(TOPICS.customers, cdcKey(change.id), null);
      if (totals.has(String(change.id))) put(TOPICS.totals, String(change.id), null);
      deleted.push(String(change.id));
    }
  }
  plan.late.forEach(process);

  // The MongoDB sink: _id from the key, deletes on tombstones.
  const documents = [...totals.entries()]
    .filter(([id]) => fault === 'sink-without-delete' || !deleted.includes(id))
    .map(([id, sum], i) => ({ _id: fault === 'sink-without-key-id' ? { $oid: `65f0${i}` } : id, ...sum }));
  const connector = (name: string, type: string, config: Record<string, string>): ConnectorView => ({
    name,
    type,
    config,
    state: 'RUNNING',
    tasks: [{ id: 0, state: 'RUNNING' }],
  });
  return {
    topics,
    tables: {
      customers: [...mysqlCustomers.values()].sort((a, b) => a.id - b.id),
      products: [...mysqlProducts.values()].sort((a, b) => a.id - b.id),
    },
    connectors: [
      connector('customers-source', 'source', {
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
        'table.include.list': 'shop.customers',
      }),
      connector('products-source', 'source', {
        'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
        'table.include.list': 'shop.products',
      }),
      connector('totals-sink', 'sink', { 'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector' }),
    ],
    documents,
    processor: { alive: true, logFile: '/x/processor-06.log', logTail: '' },
  };
}

const verdict = (state: CdcState) => {
  const checks = evaluateGraph(cdcChecks, state);
  return { checks, cause: rootCause(checks), byId: new Map(checks.map((check) => [check.id, check])) };
};

describe('challenge 06 checks', () => {
  it('pass on the reference pipeline, live inserts, updates and deletes included', () => {
    const { checks, byId } = verdict(simulate(undefined));
    expect(checks.filter((check) => !check.passed).map((check) => [check.id, check.hint])).toEqual([]);
    expect(byId.get('topic:customers')?.expected).toBe(planShop(scenario).customers.length + 3 - 2);
    expect(byId.get('orders-dlq')?.expected).toBeGreaterThan(5);
  });

  it('name the clear-text card when MaskField is left out', () => {
    const { cause, byId } = verdict(simulate('mask-missing'));
    expect(cause?.id).toBe('topic:customers');
    expect(cause?.hint).toMatch(/card_number is in clear text on the topic: mask it \(MaskField\$Value/);
    expect(byId.get('orders-details')?.blockedBy).toBe('topic:customers');
  });

  it('name the key when it is not extracted, and blame it for the join that misses', () => {
    const { cause, byId } = verdict(simulate('key-not-extracted'));
    expect(cause?.id).toBe('topic:customers');
    expect(cause?.hint).toMatch(
      /customers records are keyed "Struct\{id=\d+\}" instead of the row's id \d+: .*ValueToKey.*ExtractField\$Key/,
    );
    const details = byId.get('orders-details')!;
    expect(details.passed).toBe(false);
    expect(details.blockedBy).toBe('topic:customers');
    // On its own, the node says what the participant sees: valid orders dead-lettered as unknown customers.
    const alone = cdcChecks
      .find((node) => node.id === 'orders-details')!
      .evaluate(simulate('key-not-extracted'));
    expect(alone.hint).toMatch(
      /valid orders? went to orders-dlq instead, e\.g\. order \d+ \(unknown customer \d+\).*keyed by id/,
    );
  });

  it('name the schema when SetSchemaMetadata is left out', () => {
    const { cause } = verdict(simulate('schema-unnamed'));
    expect(cause?.id).toBe('topic:customers');
    expect(cause?.hint).toMatch(
      /schema is named "shop-customers\.shop\.customers\.Value": name it shop\.Customer/,
    );
  });

  it('name the order counted twice after a processor restart', () => {
    const { cause, byId } = verdict(simulate('double-count-after-restart'));
    expect(cause?.id).toBe('orders-totals');
    expect(cause?.hint).toMatch(
      /^customer \d+: order_count \d+, .*: order \d+ \([\d.]+\) counted twice — after a processor restart without exactly_once_v2/,
    );
    expect(byId.get('orders-details')?.passed).toBe(true);
    expect(byId.get('mongodb-totals')?.blockedBy).toBe('orders-totals');
  });

  it('name the bad order that was counted', () => {
    const { cause, byId } = verdict(simulate('bad-order-counted'));
    expect(cause?.id).toBe('orders-totals');
    expect(cause?.hint).toMatch(
      /bad orders? [\d, ]+ \(unknown product \d+\) (was|were) counted — only valid orders count/,
    );
    expect(byId.get('orders-dlq')?.passed).toBe(true);
  });

  it('name the document of a deleted customer when the sink does not delete on null', () => {
    const { cause, byId } = verdict(simulate('sink-without-delete'));
    expect(cause?.id).toBe('mongodb-totals');
    expect(cause?.hint).toMatch(
      /customer \d+ was deleted, but its document is still in shop\.orders_totals_by_customer: .*delete\.on\.null\.values=true/,
    );
    expect(byId.get('orders-totals')?.passed).toBe(true);
  });

  it('name generated _ids when the key is not hoisted into _id', () => {
    const { cause } = verdict(simulate('sink-without-key-id'));
    expect(cause?.id).toBe('mongodb-totals');
    expect(cause?.hint).toMatch(/have generated _ids .*HoistField\$Key field=_id.*ProvidedInKeyStrategy/);
  });

  it('name the bad orders missing from the dead-letter topic', () => {
    const { cause } = verdict(simulate('no-dead-letters'));
    expect(cause?.id).toBe('orders-dlq');
    expect(cause?.hint).toMatch(/^\d+ bad orders of \d+ not on orders-dlq \(orders-dlq:\d+/);
  });

  it('blame a FAILED source task with its cause before the topics it feeds', () => {
    const state = simulate(undefined);
    const source = state.connectors![0]!;
    source.tasks = [
      {
        id: 0,
        state: 'FAILED',
        trace:
          "org.apache.kafka.connect.errors.ConnectException: boom\nCaused by: java.sql.SQLException: Access denied for user 'hack'@'localhost' (using password: YES)",
      },
    ];
    state.topics.get(TOPICS.customers)!.latest.clear();
    const { cause, byId } = verdict(state);
    expect(cause?.id).toBe('connector:customers-source');
    expect(cause?.hint).toMatch(/^Task 0 of customers-source FAILED: Access denied for user 'hack'/);
    expect(byId.get('topic:customers')?.blockedBy).toBe('connector:customers-source');
  });

  it('blame the processor, not the numbers, when it exited', () => {
    const state = simulate(undefined);
    state.processor = {
      alive: false,
      logFile: '/x/processor-06.log',
      logTail: 'boom\nTODO 2: nothing is processed yet',
    };
    for (const topic of [TOPICS.details, TOPICS.dlq, TOPICS.totals]) state.topics.get(topic)!.latest.clear();
    const { cause, byId } = verdict(state);
    expect(cause?.hint).toContain('TODO 2: nothing is processed yet');
    expect(byId.get('orders-totals')?.blockedBy).toBe('processor');
  });
});
