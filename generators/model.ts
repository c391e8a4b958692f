/**
 * The retail data model of the workshop (reference: challenge-model.md): nine entities, one Kafka topic each.
 * Topic names are kebab-case; a record's key is its entity's `id` as a string and its value is the entity as JSON.
 * Timestamps are ISO-8601 UTC strings with milliseconds and `Z` (the form Azure Search's SDK turns into Dates).
 */

export interface User {
  id: string;
  fullName: string;
  email: string;
  country: string;
  city: string;
  createdAt: string;
}

export interface Product {
  id: string;
  name: string;
  /** Also the partition key of the Cosmos `products` container, so it never changes for an id. */
  category: string;
  sku: string;
  unitPrice: number;
  createdAt: string;
}

export interface Purchase {
  id: string;
  userId: string;
  productId: string;
  quantity: number;
  unitPrice: number;
  totalPrice: number;
  purchasedAt: string;
}

export interface Return {
  id: string;
  purchaseId: string;
  userId: string;
  productId: string;
  /** At most the purchased quantity; one return per purchase at most. */
  quantity: number;
  reason: string;
  returnedAt: string;
}

export interface InventoryReplenishment {
  id: string;
  productId: string;
  quantity: number;
  supplier: string;
  replenishedAt: string;
}

export interface ProductRating {
  id: string;
  productId: string;
  userId: string;
  /** 1 to 5 stars. */
  rating: number;
  ratedAt: string;
}

/** One per product; `expected` is also the product's initial stock. */
export interface ProductInventoryCapacity {
  id: string;
  productId: string;
  expected: number;
  minimum: number;
  maximum: number;
}

/** Derived, a changelog keyed by product: initial stock (capacity.expected) + replenished − purchased + returned. */
export interface InventoryOnHand {
  id: string;
  productId: string;
  productName: string;
  onHand: number;
  /** The time of the event that changed the stock (the scenario start for the initial stock). */
  updatedAt: string;
}

/** Derived from ratings, a changelog keyed by rank ("1" … "5"). See top-products.ts for the ranking rule. */
export interface TopProduct {
  id: string;
  rank: number;
  productId: string;
  productName: string;
  unitPrice: number;
  totalRatings: number;
  /** Highest, lowest and most recent star rating of the product. */
  highest: number;
  lowest: number;
  mostRecent: number;
  /** The average rating rounded to 2 decimals. */
  ratingScore: number;
}

export interface EntityByTopic {
  users: User;
  products: Product;
  purchases: Purchase;
  returns: Return;
  'inventory-replenishment': InventoryReplenishment;
  'product-ratings': ProductRating;
  'product-inventory-capacity': ProductInventoryCapacity;
  'inventory-on-hand': InventoryOnHand;
  'top-5-products': TopProduct;
}

export type Topic = keyof EntityByTopic;

/** The nine topics in the order the workshop lists them. */
export const TOPICS: readonly Topic[] = [
  'users',
  'products',
  'purchases',
  'returns',
  'inventory-replenishment',
  'product-ratings',
  'product-inventory-capacity',
  'inventory-on-hand',
  'top-5-products',
];

/** Seeded into Cosmos `retail` and brought to Kafka by the Cosmos source connector in challenge 03. */
export const CATALOG_TOPICS: readonly Topic[] = ['users', 'products'];

/** Produced straight to Kafka by the generator. */
export const EVENT_TOPICS: readonly Topic[] = TOPICS.filter((topic) => !CATALOG_TOPICS.includes(topic));

/** Topics whose ids repeat (a new version per change); on the others every record has an id of its own. */
export const CHANGELOG_TOPICS: readonly Topic[] = [
  'users',
  'products',
  'inventory-on-hand',
  'top-5-products',
];

/** The partitions each topic gets when the generator creates it (the workshop's challenge 01 uses 4). */
export const TOPIC_PARTITIONS = 4;

/** Cosmos `retail`: container name and partition key path per catalog topic. */
export const CATALOG_CONTAINERS = {
  users: { container: 'users', partitionKeyPath: '/id' },
  products: { container: 'products', partitionKeyPath: '/category' },
} as const;

/** The entity's own fields, in the order records are written; everything else on a read-back doc is ignored. */
export const ENTITY_FIELDS: { readonly [T in Topic]: readonly (keyof EntityByTopic[T] & string)[] } = {
  users: ['id', 'fullName', 'email', 'country', 'city', 'createdAt'],
  products: ['id', 'name', 'category', 'sku', 'unitPrice', 'createdAt'],
  purchases: ['id', 'userId', 'productId', 'quantity', 'unitPrice', 'totalPrice', 'purchasedAt'],
  returns: ['id', 'purchaseId', 'userId', 'productId', 'quantity', 'reason', 'returnedAt'],
  'inventory-replenishment': ['id', 'productId', 'quantity', 'supplier', 'replenishedAt'],
  'product-ratings': ['id', 'productId', 'userId', 'rating', 'ratedAt'],
  'product-inventory-capacity': ['id', 'productId', 'expected', 'minimum', 'maximum'],
  'inventory-on-hand': ['id', 'productId', 'productName', 'onHand', 'updatedAt'],
  'top-5-products': [
    'id',
    'rank',
    'productId',
    'productName',
    'unitPrice',
    'totalRatings',
    'highest',
    'lowest',
    'mostRecent',
    'ratingScore',
  ],
};

/** One generated record: what goes to a topic (key = id), a Cosmos container or a JSONL line. */
export interface GeneratedRecord<T extends Topic = Topic> {
  topic: T;
  key: string;
  value: EntityByTopic[T];
}

export type AnyRecord = { [T in Topic]: GeneratedRecord<T> }[Topic];

export function isTopic(name: string): name is Topic {
  return (TOPICS as readonly string[]).includes(name);
}

/** Money and averages: at most 2 decimals, never a float artefact like 0.30000000000000004. */
export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}
