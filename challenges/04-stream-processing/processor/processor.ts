import { Kafka, logLevel } from 'kafkajs';

/**
 * Your challenge 04 processor in TypeScript (kafkajs). `npm run challenge:04` starts it with the broker in
 * KAFKA_BOOTSTRAP_SERVERS while it produces the input topics, then checks what you write:
 *
 * - `inventory-on-hand`, key = product id: { id, productId, productName, onHand, updatedAt }
 *   onHand = product-inventory-capacity.expected + replenished − purchased + returned
 * - `top-5-products`, key = rank "1"…"5": { id, rank, productId, productName, unitPrice, totalRatings, highest,
 *   lowest, mostRecent, ratingScore } — see the README for the ranking and rounding rules.
 *
 * The reference: ../solution/typescript/processor.ts.
 */
const kafka = new Kafka({
  clientId: 'challenge-04-mine',
  brokers: (process.env.KAFKA_BOOTSTRAP_SERVERS ?? 'localhost:9092').split(','),
  logLevel: logLevel.WARN,
});

// TODO 1: consume purchases, returns, inventory-replenishment, product-inventory-capacity, products and
// product-ratings from the beginning, and write inventory-on-hand and top-5-products.
void kafka;
console.error(
  'TODO 1 (challenges/04-stream-processing/processor/processor.ts): consume the input topics and write inventory-on-hand — nothing is implemented yet.',
);
process.exit(1);
