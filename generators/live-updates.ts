import { round2, type GeneratedRecord, type Product, type User } from './model.ts';
import { pickPlace } from './catalog.ts';
import { seededFaker, STREAMS } from './random.ts';

export type CatalogUpdate = GeneratedRecord<'users'> | GeneratedRecord<'products'>;

/**
 * Changes to the catalog while the pipeline runs, to exercise the Cosmos change feed: users move, products change
 * price (now and then their name). Same ids, changed fields, a deterministic sequence for a seed and catalog.
 * A product's category never changes: it is the partition key of the `products` container, and a new partition
 * key would make a second document instead of a new version.
 *
 * An id may be updated more than once; each update builds on the id's previous version, so the last record per
 * id is its final version.
 */
export function* liveUpdates(
  seed: number,
  users: readonly User[],
  products: readonly Product[],
  count: number,
): Generator<CatalogUpdate> {
  const faker = seededFaker(seed, STREAMS.updates);
  const currentUsers = new Map<string, User>();
  const currentProducts = new Map<string, Product>();
  for (let n = 0; n < count; n += 1) {
    if (faker.datatype.boolean() || products.length === 0) {
      const base = faker.helpers.arrayElement(users);
      const user: User = { ...(currentUsers.get(base.id) ?? base), ...pickPlace(faker) };
      currentUsers.set(user.id, user);
      yield { topic: 'users', key: user.id, value: user };
    } else {
      const base = faker.helpers.arrayElement(products);
      const previous = currentProducts.get(base.id) ?? base;
      const factor = faker.number.float({ min: 0.8, max: 1.2 });
      const product: Product = {
        ...previous,
        unitPrice: Math.max(0.5, round2(previous.unitPrice * factor)),
        name: faker.datatype.boolean(0.2) ? faker.commerce.productName() : previous.name,
      };
      currentProducts.set(product.id, product);
      yield { topic: 'products', key: product.id, value: product };
    }
  }
}
