import { ENTITY_FIELDS, type Topic } from './model.ts';

/**
 * JSON Schemas (draft 2020-12) of the nine entities, the contract of each topic's values (challenge 01 asks
 * participants to register schemas like these). `validateEntity` checks a value against its schema for the
 * subset of keywords used here.
 */
export interface PropertySchema {
  type: 'string' | 'number' | 'integer';
  description?: string;
  pattern?: string;
  format?: 'date-time' | 'email';
  minimum?: number;
  maximum?: number;
}

export interface EntitySchema {
  $schema: string;
  $id: string;
  title: string;
  type: 'object';
  properties: Record<string, PropertySchema>;
  required: string[];
  additionalProperties: false;
}

/** Letters, digits, `-` and `_`: valid as a Cosmos id, an Azure Search key and a Kafka key alike. */
export const ID_PATTERN = '^[A-Za-z0-9_-]+$';
/** ISO-8601 UTC with milliseconds and `Z`, the one timestamp form in the model. */
export const TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';

const id = (description: string): PropertySchema => ({ type: 'string', pattern: ID_PATTERN, description });
const time = (description: string): PropertySchema => ({
  type: 'string',
  format: 'date-time',
  pattern: TIME_PATTERN,
  description,
});
const text = (description: string): PropertySchema => ({ type: 'string', description });
const money = (description: string): PropertySchema => ({
  type: 'number',
  minimum: 0,
  description: `${description}; at most 2 decimals`,
});
const whole = (description: string, minimum = 0, maximum?: number): PropertySchema => ({
  type: 'integer',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
  description,
});
const stars = (description: string): PropertySchema => whole(description, 1, 5);

const properties: { [T in Topic]: Record<(typeof ENTITY_FIELDS)[T][number], PropertySchema> } = {
  users: {
    id: id('user id, also the partition key of Cosmos `users`'),
    fullName: text('first and last name'),
    email: { type: 'string', format: 'email', description: 'unique e-mail address' },
    country: text('country name'),
    city: text('a city in that country'),
    createdAt: time('when the account was created'),
  },
  products: {
    id: id('product id'),
    name: text('product name'),
    category: text('department; the partition key of Cosmos `products`, never changes'),
    sku: text('stock keeping unit'),
    unitPrice: money('full price'),
    createdAt: time('when the product was listed'),
  },
  purchases: {
    id: id('purchase id'),
    userId: id('the buying user'),
    productId: id('the product bought'),
    quantity: whole('units bought', 1),
    unitPrice: money("the product's price at purchase time"),
    totalPrice: money('unitPrice × quantity'),
    purchasedAt: time('time of purchase'),
  },
  returns: {
    id: id('return id'),
    purchaseId: id('the purchase returned'),
    userId: id("the purchase's user"),
    productId: id("the purchase's product"),
    quantity: whole('units returned, at most the purchased quantity', 1),
    reason: text('why'),
    returnedAt: time('after the purchase'),
  },
  'inventory-replenishment': {
    id: id('replenishment id'),
    productId: id('the product restocked'),
    quantity: whole('units added to stock', 1),
    supplier: text('supplier name'),
    replenishedAt: time('time of delivery'),
  },
  'product-ratings': {
    id: id('rating id'),
    productId: id('the product rated'),
    userId: id('the rating user'),
    rating: stars('1 to 5 stars'),
    ratedAt: time('time of rating'),
  },
  'product-inventory-capacity': {
    id: id('= productId'),
    productId: id('the product'),
    expected: whole('expected stock, also the initial stock'),
    minimum: whole('below this (and above zero) the stock is critical'),
    maximum: whole('most the store holds'),
  },
  'inventory-on-hand': {
    id: id('= productId (a changelog keyed by product)'),
    productId: id('the product'),
    productName: text("the product's name"),
    onHand: whole('initial stock + replenished − purchased + returned'),
    updatedAt: time('time of the event that changed the stock'),
  },
  'top-5-products': {
    id: id('= rank as a string (a changelog keyed by rank)'),
    rank: whole('1 to 5', 1, 5),
    productId: id('the product at this rank'),
    productName: text("the product's name"),
    unitPrice: money("the product's price"),
    totalRatings: whole('number of ratings', 1),
    highest: stars('highest rating'),
    lowest: stars('lowest rating'),
    mostRecent: stars('latest rating'),
    ratingScore: { type: 'number', minimum: 1, maximum: 5, description: 'average rating, 2 decimals' },
  },
};

export function entitySchema(topic: Topic): EntitySchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://connect-hack.dev/schemas/retail/${topic}.json`,
    title: topic,
    type: 'object',
    properties: properties[topic],
    required: [...ENTITY_FIELDS[topic]],
    additionalProperties: false,
  };
}

/** The problems of `value` against its topic's schema; empty when it conforms. */
export function validateEntity(topic: Topic, value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ['not an object'];
  const schema = entitySchema(topic);
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of schema.required) if (!(field in record)) problems.push(`${field}: missing`);
  for (const [field, fieldValue] of Object.entries(record)) {
    const rule = schema.properties[field];
    if (!rule) {
      problems.push(`${field}: not in the schema`);
      continue;
    }
    const typeOk =
      rule.type === 'string'
        ? typeof fieldValue === 'string'
        : typeof fieldValue === 'number' &&
          Number.isFinite(fieldValue) &&
          (rule.type === 'number' || Number.isInteger(fieldValue));
    if (!typeOk) {
      problems.push(`${field}: not a ${rule.type}`);
      continue;
    }
    if (typeof fieldValue === 'number') {
      if (rule.minimum !== undefined && fieldValue < rule.minimum)
        problems.push(`${field}: below ${rule.minimum}`);
      if (rule.maximum !== undefined && fieldValue > rule.maximum)
        problems.push(`${field}: above ${rule.maximum}`);
    }
    if (typeof fieldValue === 'string' && rule.pattern && !new RegExp(rule.pattern).test(fieldValue)) {
      problems.push(`${field}: does not match ${rule.pattern}`);
    }
  }
  return problems;
}
