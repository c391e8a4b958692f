import type { ProducerOptions } from '../contract.ts';

/**
 * Your producer (README.md, "The producer"): write `count` ratings to Kafka, one every `periodMs`.
 * Each rating is a JSON object { id, productId, userId, rating, ratedAt } keyed by its id, where
 * productId is one of 10 products and userId a random user, both read from Cosmos DB (database `retail`,
 * containers `products` and `users`), and rating is 1 to 5 stars.
 */
export async function produceRatings({ kafka, cosmos, count, periodMs }: ProducerOptions): Promise<void> {
  void [kafka, cosmos, count, periodMs];
  // TODO 1: read the users and 10 products from cosmos.database('retail').
  // TODO 2: kafka.producer(), connect, and send `count` ratings to the product ratings topic.
  throw new Error(
    'TODO 1 in clients/producer.ts: read users and 10 products from Cosmos DB (database retail), then write ratings to the product-ratings topic.',
  );
}
