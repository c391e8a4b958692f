import type { CosmosClient } from '@azure/cosmos';
import type { Product, ProductRating, TopProduct } from '../../generators/model.ts';
import { TopProductsBoard } from '../../generators/top-products.ts';
import { searchClient } from '../../infra/search/client.ts';
import type { SearchEntry } from '../../infra/stack/stack-file.ts';
import {
  computePanel,
  PANELS,
  type DashboardData,
  type EventKind,
  type PanelId,
} from '../../dashboard/panels.ts';

const PANEL_WINDOWS = Object.fromEntries(PANELS.map((panel) => [panel.id, panel.window])) as Partial<
  Record<PanelId, { events: EventKind; ms: number }>
>;
import { EVENT_SOURCES, PRODUCTS_INDEX, readDashboardData, SINK_DATABASE } from '../../dashboard/read.ts';

/**
 * Lands events in Cosmos DB and Search as challenges 03 and 04 would — the event in its `retail-sink` container
 * and the derived `inventory-on-hand` / `top-5-products` documents the stream processor would emit with it — and
 * keeps a model of what the stores hold, so the freshness check knows what every panel must show after each
 * landing. Landed ids start with `probe-`; the user of landed purchases and returns is `harness-probe`.
 */
export type ProbeKind =
  'purchase' | 'return' | 'replenishment' | 'rating' | 'stock-out' | 'critical' | 'rename';

export const PROBE_KINDS: readonly ProbeKind[] = [
  'purchase',
  'return',
  'replenishment',
  'rating',
  'stock-out',
  'critical',
  'rename',
];

const RENAMED = ' (renamed)';

export class Lander {
  private count = 0;
  private readonly runId = Date.now().toString(36);

  private constructor(
    private readonly cosmos: CosmosClient,
    private readonly search: SearchEntry,
    private readonly model: DashboardData,
    private readonly board: TopProductsBoard,
  ) {}

  /** Reads what the stores hold now (events of the longest window, ratings for the top-5 board). */
  static async open(cosmos: CosmosClient, search: SearchEntry, nowMs = Date.now()): Promise<Lander> {
    const model = await readDashboardData(cosmos, search, nowMs);
    const sink = cosmos.database(SINK_DATABASE);
    const { resources: products } = await sink.container('products').items.readAll<Product>().fetchAll();
    const { resources: ratings } = await sink
      .container('product-ratings')
      .items.readAll<ProductRating>()
      .fetchAll();
    const board = new TopProductsBoard(new Map(products.map((product) => [product.id, product])));
    for (const rating of ratings.sort((a, b) => (a.ratedAt < b.ratedAt ? -1 : 1))) board.rate(rating);
    return new Lander(cosmos, search, model, board);
  }

  /** A copy of the model: what a read of the stores returns now. */
  snapshot(): DashboardData {
    return structuredClone(this.model);
  }

  /** Lands one event of `kind` (event time `atMs`, default now); resolves when every write is acknowledged. */
  async land(kind: ProbeKind, atMs = Date.now()): Promise<{ landedAt: number; what: string }> {
    const at = new Date(atMs).toISOString();
    const id = `probe-${this.runId}-${++this.count}`;
    const products = this.model.products;
    if (products.length === 0)
      throw new Error('The Search index products is empty: nothing to land events for.');
    const stock = (productId: string): number => this.model.onHand[productId] ?? 0;
    const minimum = (productId: string): number => this.model.minimum[productId] ?? 0;
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
    const leader = (panel: PanelId): string | undefined =>
      (computePanel(panel, this.model, atMs)[0] as { productId?: string } | undefined)?.productId;
    const inStock = products.filter((product) => stock(product.id) > minimum(product.id) + 3);
    /** At least `base`, and enough to put the product into the panel's top 3 (so the probe always shows). */
    const intoTop3 = (panel: PanelId, productId: string, base: number): number => {
      const rows = computePanel(panel, this.model, atMs) as Array<{ productId: string; quantity: number }>;
      if (rows.length < 3 || rows.some((row) => row.productId === productId)) return base;
      const spec = PANEL_WINDOWS[panel]!;
      const since = new Date(atMs - spec.ms).toISOString();
      const current = this.model.events[spec.events]
        .filter((event) => event.productId === productId && event.at >= since)
        .reduce((sum, event) => sum + event.quantity, 0);
      return Math.max(base, rows[2]!.quantity - current + 1);
    };

    switch (kind) {
      case 'purchase':
      case 'stock-out':
      case 'critical': {
        const preferred = kind === 'purchase' ? leader('top-purchased-15m') : undefined;
        const productId =
          preferred && stock(preferred) > minimum(preferred) + 3
            ? preferred
            : (pick(inStock)?.id ?? products[0]!.id);
        const onHand = stock(productId);
        const quantity =
          kind === 'stock-out'
            ? Math.max(1, onHand)
            : kind === 'critical' && minimum(productId) >= 2
              ? Math.max(1, onHand - (minimum(productId) - 1))
              : 1 + Math.floor(Math.random() * 3);
        await this.event('purchases', productId, quantity, at, {
          id,
          userId: 'harness-probe',
          productId,
          quantity,
          unitPrice: 0,
          totalPrice: 0,
          purchasedAt: at,
        });
        await this.setStock(productId, onHand - quantity, at);
        return { landedAt: Date.now(), what: `${kind}: ${quantity} × ${productId}` };
      }
      case 'return': {
        // Half on the leader (its total moves), half anywhere (the ranking moves).
        const productId = (Math.random() < 0.5 ? leader('top-returned-5m') : undefined) ?? pick(products)!.id;
        const quantity = intoTop3('top-returned-5m', productId, 1);
        await this.event('returns', productId, quantity, at, {
          id,
          purchaseId: id,
          userId: 'harness-probe',
          productId,
          quantity,
          reason: 'freshness probe',
          returnedAt: at,
        });
        await this.setStock(productId, stock(productId) + quantity, at);
        return { landedAt: Date.now(), what: `return: ${quantity} × ${productId}` };
      }
      case 'replenishment': {
        const lowest = [...products].sort(
          (a, b) => stock(a.id) - minimum(a.id) - (stock(b.id) - minimum(b.id)),
        )[0]!;
        const quantity = intoTop3(
          'top-replenished-10m',
          lowest.id,
          Math.max(5, 2 * minimum(lowest.id) - stock(lowest.id)),
        );
        await this.event('replenishments', lowest.id, quantity, at, {
          id,
          productId: lowest.id,
          quantity,
          supplier: 'freshness probe',
          replenishedAt: at,
        });
        await this.setStock(lowest.id, stock(lowest.id) + quantity, at);
        return { landedAt: Date.now(), what: `replenishment: ${quantity} × ${lowest.id}` };
      }
      case 'rating': {
        const productId = pick(this.model.top)?.productId ?? pick(products)!.id;
        const rating: ProductRating = {
          id,
          productId,
          userId: 'harness-probe',
          rating: 1 + Math.floor(Math.random() * 5),
          ratedAt: at,
        };
        await this.container('product-ratings').items.upsert(rating);
        const changed: TopProduct[] = this.board.rate(rating);
        for (const record of changed) await this.container('top-5-products').items.upsert(record);
        for (const record of changed) {
          const entry = {
            rank: record.rank,
            productId: record.productId,
            ratingScore: record.ratingScore,
            totalRatings: record.totalRatings,
          };
          const index = this.model.top.findIndex((top) => top.rank === record.rank);
          if (index >= 0) this.model.top[index] = entry;
          else this.model.top.push(entry);
        }
        return { landedAt: Date.now(), what: `rating: ${rating.rating}★ for ${productId}` };
      }
      case 'rename': {
        // The product on the most panels: one rename moves all of them.
        const shownOn = (id: string): number =>
          PANELS.filter((panel) =>
            (computePanel(panel.id, this.model, atMs) as Array<{ productId: string }>).some(
              (row) => row.productId === id,
            ),
          ).length;
        const product = [...products].sort((a, b) => shownOn(b.id) - shownOn(a.id))[this.count % 2]!;
        const name = product.name.endsWith(RENAMED)
          ? product.name.slice(0, -RENAMED.length)
          : `${product.name}${RENAMED}`;
        await searchClient(this.search, PRODUCTS_INDEX).mergeOrUploadDocuments([{ id: product.id, name }]);
        product.name = name;
        return { landedAt: Date.now(), what: `rename in Search: ${product.id} → ${name}` };
      }
    }
  }

  private container(name: string) {
    return this.cosmos.database(SINK_DATABASE).container(name);
  }

  private async event(
    kind: EventKind,
    productId: string,
    quantity: number,
    at: string,
    document: { id: string } & Record<string, unknown>,
  ): Promise<void> {
    await this.container(EVENT_SOURCES[kind].container).items.upsert(document);
    this.model.events[kind].push({ id: document.id, productId, quantity, at });
  }

  private async setStock(productId: string, onHand: number, at: string): Promise<void> {
    const productName = this.model.products.find((product) => product.id === productId)?.name ?? '';
    await this.container('inventory-on-hand').items.upsert({
      id: productId,
      productId,
      productName,
      onHand,
      updatedAt: at,
    });
    this.model.onHand[productId] = onHand;
  }
}
