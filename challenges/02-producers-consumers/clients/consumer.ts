import type { ConsumerOptions, RunningConsumer } from '../contract.ts';

/**
 * Your consumer (README.md, "The consumer"): join the group `groupId`, read the product ratings topic from the
 * beginning, and append one JSON line per rating to `output` with the fields of `EnrichedRating` (contract.ts):
 * partition, offset, key, rating, the user's fullName, email and country, the product's name (productName) and
 * unitPrice. Return { stop } so the harness can stop this instance.
 */
export async function startConsumer({
  kafka,
  cosmos,
  groupId,
  output,
}: ConsumerOptions): Promise<RunningConsumer> {
  void [kafka, cosmos, groupId, output];
  // TODO 3: kafka.consumer({ groupId }), subscribe to the ratings topic from the beginning.
  // TODO 4: per message, read the user and the product from Cosmos DB and append the enriched line to `output`.
  throw new Error(
    'TODO 3 in clients/consumer.ts: create a kafkajs consumer in group groupId, subscribe to product-ratings from the beginning, and write enriched lines to output.',
  );
}
