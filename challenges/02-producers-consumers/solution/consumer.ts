import { appendFileSync } from 'node:fs';
import type { ConsumerOptions, EnrichedRating, RunningConsumer } from '../contract.ts';

interface Rating {
  id: string;
  productId: string;
  userId: string;
  rating: number;
}

/** The reference consumer: each rating joined with its user and product (point reads), one JSON line each. */
export async function startConsumer({
  kafka,
  cosmos,
  groupId,
  output,
}: ConsumerOptions): Promise<RunningConsumer> {
  const retail = cosmos.database('retail');
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: 'product-ratings', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const rating = JSON.parse(message.value!.toString()) as Rating;
      const { resource: user } = await retail.container('users').item(rating.userId, rating.userId).read();
      // products are partitioned by /category, which a rating does not carry: a query by id finds it.
      const { resources: products } = await retail
        .container('products')
        .items.query({
          query: 'SELECT * FROM c WHERE c.id = @id',
          parameters: [{ name: '@id', value: rating.productId }],
        })
        .fetchAll();
      const product = products[0];
      const line: EnrichedRating = {
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        rating: rating.rating,
        fullName: user?.fullName,
        email: user?.email,
        country: user?.country,
        productName: product?.name,
        unitPrice: product?.unitPrice,
      };
      appendFileSync(output, `${JSON.stringify(line)}\n`);
    },
  });
  return { stop: () => consumer.disconnect() };
}
