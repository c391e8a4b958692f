import { seededFaker } from '../../generators/random.ts';
import type { ScenarioOptions } from '../../generators/scenario.ts';

/**
 * Challenge 06's data: the shop's customers and products (rows in MySQL, captured by Debezium), the orders the
 * orders producer writes to Kafka (reading customers and products as the database has them at that moment), and
 * the live changes made in the database while the pipeline runs. Fixed by the scenario's seed and scale: users →
 * customers, products → products, events → orders.
 */
export const TOPICS = {
  customers: 'customers',
  products: 'products',
  orders: 'orders',
  details: 'orders-details',
  dlq: 'orders-dlq',
  totals: 'orders-totals-by-customer',
} as const;
export const ALL_TOPICS: readonly string[] = Object.values(TOPICS);
/** What MaskField$Value writes instead of a card number. */
export const CARD_MASK = '**** **** **** ****';
/** The value schema names SetSchemaMetadata$Value gives the two CDC topics. */
export const SCHEMA_NAMES = { customers: 'shop.Customer', products: 'shop.Product' } as const;
/** Where the MongoDB sink writes the totals (Cosmos DB for MongoDB). */
export const MONGO = { database: 'shop', collection: 'orders_totals_by_customer' } as const;
/** Ids no customer or product ever has: an order naming one is a bad order. */
export const UNKNOWN_ID_FROM = 900_000;

export interface Customer {
  id: number;
  customer_name: string;
  customer_email: string;
  customer_address: string;
  card_number: string;
  level: string;
}
export interface Product {
  id: number;
  product_name: string;
  product_cost: number;
}
export interface Order {
  id: number;
  total_amount: number;
  product_id: number;
  product_quantity: number;
  customer_id: number;
}

/** A change made in the database while the pipeline runs. */
export type Change =
  | { kind: 'insert-customer'; row: Customer }
  | { kind: 'insert-product'; row: Product }
  | { kind: 'update-customer'; row: Customer }
  | { kind: 'update-product'; row: Product }
  | { kind: 'delete-customer'; id: number };

export interface ShopPlan {
  customers: Customer[];
  products: Product[];
  /** Produced after the snapshot reached Kafka, before the live changes. */
  early: Order[];
  changes: Change[];
  /** Produced after the live changes reached Kafka (new customers and products among them). */
  late: Order[];
}

const LEVELS = ['bronze', 'silver', 'gold', 'platinum'] as const;
/** Every BAD_EVERY-th order is bad: quantity 0 or below, an unknown customer, or an unknown product. */
const BAD_EVERY = 9;
const round2 = (value: number): number => Math.round(value * 100) / 100;

export function planShop(scenario: Pick<ScenarioOptions, 'seed' | 'scale'>): ShopPlan {
  const faker = seededFaker(scenario.seed, 60);
  const customerCount = Math.max(4, scenario.scale.users);
  const productCount = Math.max(2, scenario.scale.products);
  const orderCount = Math.max(10, scenario.scale.events);
  const customer = (id: number): Customer => ({
    id,
    customer_name: faker.person.fullName(),
    customer_email: `customer${id}@${faker.internet.domainName()}`,
    customer_address: faker.location.streetAddress(),
    card_number: faker.string.numeric(16).replace(/(\d{4})(?=\d)/g, '$1 '),
    level: faker.helpers.arrayElement(LEVELS),
  });
  const product = (id: number): Product => ({
    id,
    product_name: faker.commerce.productName(),
    product_cost: Number(faker.commerce.price({ min: 1, max: 500, dec: 2 })),
  });
  const customers = Array.from({ length: customerCount }, (_, i) => customer(i + 1));
  const products = Array.from({ length: productCount }, (_, i) => product(i + 1));

  let nextOrder = 1;
  const orders = (count: number, live: Map<number, Customer>, catalog: Map<number, Product>): Order[] => {
    const customerIds = [...live.keys()];
    const productIds = [...catalog.keys()];
    return Array.from({ length: count }, () => {
      const id = nextOrder++;
      const productId = faker.helpers.arrayElement(productIds);
      const order: Order = {
        id,
        total_amount: 0,
        product_id: productId,
        product_quantity: faker.number.int({ min: 1, max: 5 }),
        customer_id: faker.helpers.arrayElement(customerIds),
      };
      if (id % BAD_EVERY === 0) {
        const flaw = (id / BAD_EVERY) % 3;
        if (flaw === 0) order.product_quantity = faker.number.int({ min: -2, max: 0 });
        else if (flaw === 1) order.customer_id = UNKNOWN_ID_FROM + id;
        else order.product_id = UNKNOWN_ID_FROM + id;
      }
      const cost = catalog.get(order.product_id)?.product_cost ?? 9.99;
      order.total_amount = round2(cost * order.product_quantity);
      return order;
    });
  };

  const live = new Map(customers.map((row) => [row.id, row]));
  const catalog = new Map(products.map((row) => [row.id, row]));
  const early = orders(Math.ceil(orderCount / 2), live, catalog);

  const changes: Change[] = [];
  const few = Math.max(2, Math.round(customerCount / 10));
  for (let i = 0; i < few; i++) {
    const row = customer(customerCount + i + 1);
    changes.push({ kind: 'insert-customer', row });
    live.set(row.id, row);
  }
  for (let i = 0; i < 2; i++) {
    const row = product(productCount + i + 1);
    changes.push({ kind: 'insert-product', row });
    catalog.set(row.id, row);
  }
  for (let i = 0; i < few; i++) {
    const before = live.get(1 + ((i * 7) % customerCount))!;
    const row = {
      ...before,
      level: LEVELS[(LEVELS.indexOf(before.level as (typeof LEVELS)[number]) + 1) % LEVELS.length]!,
      customer_address: faker.location.streetAddress(),
    };
    changes.push({ kind: 'update-customer', row });
    live.set(row.id, row);
  }
  const repriced = { ...catalog.get(1)!, product_cost: round2(catalog.get(1)!.product_cost + 1) };
  changes.push({ kind: 'update-product', row: repriced });
  catalog.set(repriced.id, repriced);
  // Deleted: customers with valid early orders, so that their totals document exists and must go.
  const withOrders = [
    ...new Set(
      early
        .filter((order) => order.product_quantity > 0 && live.has(order.customer_id))
        .map((o) => o.customer_id),
    ),
  ];
  for (const id of withOrders.slice(-Math.max(1, Math.round(few / 2)))) {
    changes.push({ kind: 'delete-customer', id });
    live.delete(id);
  }
  const late = orders(orderCount - early.length, live, catalog);
  return { customers, products, early, changes, late };
}

const sqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

export function insertCustomers(rows: Customer[]): string {
  return `INSERT INTO shop.customers (id, customer_name, customer_email, customer_address, card_number, level) VALUES ${rows
    .map(
      (row) =>
        `(${row.id}, ${sqlString(row.customer_name)}, ${sqlString(row.customer_email)}, ${sqlString(row.customer_address)}, ${sqlString(row.card_number)}, ${sqlString(row.level)})`,
    )
    .join(', ')}`;
}

export function insertProducts(rows: Product[]): string {
  return `INSERT INTO shop.products (id, product_name, product_cost) VALUES ${rows
    .map((row) => `(${row.id}, ${sqlString(row.product_name)}, ${row.product_cost.toFixed(2)})`)
    .join(', ')}`;
}

/** One change as SQL. */
export function changeSql(change: Change): string {
  switch (change.kind) {
    case 'insert-customer':
      return insertCustomers([change.row]);
    case 'insert-product':
      return insertProducts([change.row]);
    case 'update-customer':
      return `UPDATE shop.customers SET level = ${sqlString(change.row.level)}, customer_address = ${sqlString(change.row.customer_address)} WHERE id = ${change.row.id}`;
    case 'update-product':
      return `UPDATE shop.products SET product_cost = ${change.row.product_cost.toFixed(2)} WHERE id = ${change.row.id}`;
    case 'delete-customer':
      return `DELETE FROM shop.customers WHERE id = ${change.id}`;
  }
}
