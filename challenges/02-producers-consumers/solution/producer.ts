import { randomUUID } from 'node:crypto';
import type { ProducerOptions } from '../contract.ts';

/** The reference producer: a 1–5 star rating of one of 10 products by a random user, both read from Cosmos DB. */
export async function produceRatings({ kafka, cosmos, count, periodMs }: ProducerOptions): Promise<void> {
  const retail = cosmos.database('retail');
  const { resources: users } = await retail
    .container('users')
    .items.query<{ id: string }>('SELECT c.id FROM c')
    .fetchAll();
  const { resources: products } = await retail
    .container('products')
    .items.query<{ id: string }>('SELECT TOP 10 c.id FROM c')
    .fetchAll();
  if (users.length === 0 || products.length === 0)
    throw new Error('retail.users or retail.products is empty');
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < count; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, periodMs));
      const rating = {
        id: randomUUID(),
        productId: pick(products).id,
        userId: pick(users).id,
        rating: 1 + Math.floor(Math.random() * 5),
        ratedAt: new Date().toISOString(),
      };
      await producer.send({
        topic: 'product-ratings',
        messages: [{ key: rating.id, value: JSON.stringify(rating) }],
      });
    }
  } finally {
    await producer.disconnect();
  }
}
