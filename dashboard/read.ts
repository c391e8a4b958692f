import type { CosmosClient } from '@azure/cosmos';
import type { SearchEntry } from '../infra/stack/stack-file.ts';
import { searchClient } from '../infra/search/client.ts';
import { LONGEST_WINDOW_MS, type DashboardData, type EventKind, type WindowEvent } from './panels.ts';

/**
 * Where the panels' data lives: what challenge 03's Cosmos DB sink writes into `retail-sink` (challenge 04's
 * outputs among it) and what its Azure AI Search sink indexes. Read through the official SDKs only.
 */
export const SINK_DATABASE = 'retail-sink';
export const PRODUCTS_INDEX = 'products';

export const EVENT_SOURCES: Record<EventKind, { container: string; time: string }> = {
  purchases: { container: 'purchases', time: 'purchasedAt' },
  returns: { container: 'returns', time: 'returnedAt' },
  replenishments: { container: 'inventory-replenishment', time: 'replenishedAt' },
};

async function query<T>(
  cosmos: CosmosClient,
  container: string,
  text: string,
  parameters: Array<{ name: string; value: string }> = [],
): Promise<T[]> {
  const { resources } = await cosmos
    .database(SINK_DATABASE)
    .container(container)
    .items.query<T>({ query: text, parameters }, { maxItemCount: 1000 })
    .fetchAll();
  return resources;
}

/** Everything the panels need at `asOfMs`: events of the longest window before it (or since `sinceMs`). */
export async function readDashboardData(
  cosmos: CosmosClient,
  search: SearchEntry,
  asOfMs: number,
  sinceMs = asOfMs - LONGEST_WINDOW_MS,
): Promise<DashboardData> {
  const since = new Date(sinceMs).toISOString();
  const events = async (kind: EventKind): Promise<WindowEvent[]> => {
    const { container, time } = EVENT_SOURCES[kind];
    const rows = await query<{ id: string; productId: string; quantity: number; at: string }>(
      cosmos,
      container,
      `SELECT c.id, c.productId, c.quantity, c.${time} AS at FROM c WHERE c.${time} >= @since`,
      [{ name: '@since', value: since }],
    );
    return rows.map((row) => ({ id: row.id, productId: row.productId, quantity: row.quantity, at: row.at }));
  };
  const [products, onHand, capacities, top, purchases, returns, replenishments] = await Promise.all([
    readProducts(search),
    query<{ productId: string; onHand: number }>(
      cosmos,
      'inventory-on-hand',
      'SELECT c.productId, c.onHand FROM c',
    ),
    query<{ productId: string; minimum: number }>(
      cosmos,
      'product-inventory-capacity',
      'SELECT c.productId, c.minimum FROM c',
    ),
    query<DashboardData['top'][number]>(
      cosmos,
      'top-5-products',
      'SELECT c.rank, c.productId, c.ratingScore, c.totalRatings FROM c',
    ),
    events('purchases'),
    events('returns'),
    events('replenishments'),
  ]);
  return {
    products,
    onHand: Object.fromEntries(onHand.map((row) => [row.productId, row.onHand])),
    minimum: Object.fromEntries(capacities.map((row) => [row.productId, row.minimum])),
    top: top.map((row) => ({
      rank: Number(row.rank),
      productId: row.productId,
      ratingScore: row.ratingScore,
      totalRatings: row.totalRatings,
    })),
    events: { purchases, returns, replenishments },
  };
}

async function readProducts(search: SearchEntry): Promise<DashboardData['products']> {
  const client = searchClient<{ id: string; name: string }>(search, PRODUCTS_INDEX, 'query');
  const results = await client.search('*', { top: 1000, select: ['id', 'name'] });
  const products: DashboardData['products'] = [];
  for await (const result of results.results)
    products.push({ id: result.document.id, name: result.document.name });
  return products.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
