/**
 * The dashboard's seven panels as rules over what Cosmos DB and Azure AI Search hold — one definition for the
 * reference dashboard (`hack dashboard`) and for challenge 05's checks, which recompute every panel from the
 * stores at the `asOf` a dashboard reports. Rows carry only the fields of the participant contract
 * (challenges/05-dashboards/README.md).
 */
export const MINUTE_MS = 60_000;

export type PanelId =
  | 'top-5-products'
  | 'inventory'
  | 'top-returned-5m'
  | 'top-purchased-15m'
  | 'top-replenished-10m'
  | 'out-of-stock'
  | 'critical-inventory';

export type EventKind = 'purchases' | 'returns' | 'replenishments';

export interface PanelSpec {
  id: PanelId;
  title: string;
  /** For the windowed top-3 panels: which events, over how long before `asOf`. */
  window?: { events: EventKind; ms: number };
}

export const PANELS: readonly PanelSpec[] = [
  { id: 'top-5-products', title: 'Top 5 products by rating' },
  { id: 'inventory', title: 'Inventory of all products' },
  {
    id: 'top-returned-5m',
    title: 'Top 3 returned, last 5 minutes',
    window: { events: 'returns', ms: 5 * MINUTE_MS },
  },
  {
    id: 'top-purchased-15m',
    title: 'Top 3 purchased, last 15 minutes',
    window: { events: 'purchases', ms: 15 * MINUTE_MS },
  },
  {
    id: 'top-replenished-10m',
    title: 'Top 3 replenished, last 10 minutes',
    window: { events: 'replenishments', ms: 10 * MINUTE_MS },
  },
  { id: 'out-of-stock', title: 'Out of stock' },
  { id: 'critical-inventory', title: 'Critical inventory (below minimum, above zero)' },
];

export const PANEL_IDS: readonly PanelId[] = PANELS.map((panel) => panel.id);

/** The longest window: how far back a reader must fetch events. */
export const LONGEST_WINDOW_MS = Math.max(...PANELS.map((panel) => panel.window?.ms ?? 0));

/** One event of a windowed panel: a purchase, return or replenishment reduced to what the panels use. */
export interface WindowEvent {
  id: string;
  productId: string;
  quantity: number;
  /** purchasedAt / returnedAt / replenishedAt, ISO-8601. */
  at: string;
}

/** What the panels are computed from, as read from Cosmos DB `retail-sink` and the Search index `products`. */
export interface DashboardData {
  /** Search index `products`: the catalog (names shown on every panel). */
  products: Array<{ id: string; name: string }>;
  /** Cosmos `inventory-on-hand`, by product id. */
  onHand: Record<string, number>;
  /** Cosmos `product-inventory-capacity`: each product's minimum, by product id. */
  minimum: Record<string, number>;
  /** Cosmos `top-5-products`. */
  top: Array<{ rank: number; productId: string; ratingScore: number; totalRatings: number }>;
  /** Cosmos `purchases`, `returns`, `inventory-replenishment`: at least the events of the longest window. */
  events: Record<EventKind, WindowEvent[]>;
}

export interface RankedRow {
  rank: number;
  productId: string;
  productName: string;
  quantity: number;
}
export interface TopProductRow {
  rank: number;
  productId: string;
  productName: string;
  ratingScore: number;
  totalRatings: number;
}
export interface StockRow {
  productId: string;
  productName: string;
  onHand: number;
  minimum: number;
}

export type PanelRow = RankedRow | TopProductRow | StockRow;

/** One panel as the contract serves it: the rows and the time the data was read (windows end there). */
export interface PanelView {
  asOf: string;
  rows: PanelRow[];
}

const byId = (a: { productId: string }, b: { productId: string }): number =>
  a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;

/**
 * One panel's rows at `asOfMs`. Windowed panels count events whose time is at or after `asOf − window`, summed
 * by product, highest first, ties by product id; stock panels list products by id.
 */
export function computePanel(id: PanelId, data: DashboardData, asOfMs: number): PanelRow[] {
  const names = new Map(data.products.map((product) => [product.id, product.name]));
  const name = (productId: string): string => names.get(productId) ?? productId;
  const spec = PANELS.find((panel) => panel.id === id);
  if (spec?.window) {
    const since = new Date(asOfMs - spec.window.ms).toISOString();
    const totals = new Map<string, number>();
    for (const event of data.events[spec.window.events])
      if (event.at >= since) totals.set(event.productId, (totals.get(event.productId) ?? 0) + event.quantity);
    return [...totals]
      .map(([productId, quantity]) => ({ productId, quantity }))
      .sort((a, b) => b.quantity - a.quantity || byId(a, b))
      .slice(0, 3)
      .map((entry, index) => ({ rank: index + 1, ...entry, productName: name(entry.productId) }));
  }
  if (id === 'top-5-products') {
    return [...data.top]
      .sort((a, b) => a.rank - b.rank)
      .map((entry) => ({
        rank: entry.rank,
        productId: entry.productId,
        productName: name(entry.productId),
        ratingScore: entry.ratingScore,
        totalRatings: entry.totalRatings,
      }));
  }
  const stock: StockRow[] = data.products
    .map((product) => ({
      productId: product.id,
      productName: product.name,
      onHand: data.onHand[product.id] ?? 0,
      minimum: data.minimum[product.id] ?? 0,
    }))
    .sort(byId);
  if (id === 'inventory') return stock;
  if (id === 'out-of-stock') return stock.filter((row) => row.onHand <= 0);
  return stock.filter((row) => row.onHand > 0 && row.onHand < row.minimum);
}

export function computePanels(data: DashboardData, asOfMs: number): Record<PanelId, PanelView> {
  const asOf = new Date(asOfMs).toISOString();
  return Object.fromEntries(
    PANEL_IDS.map((id) => [id, { asOf, rows: computePanel(id, data, asOfMs) }]),
  ) as Record<PanelId, PanelView>;
}

/** The contract's fields of a panel's rows, in order (what a participant's rows are compared on). */
export const ROW_FIELDS: Record<PanelId, readonly string[]> = {
  'top-5-products': ['rank', 'productId', 'productName', 'ratingScore', 'totalRatings'],
  inventory: ['productId', 'productName', 'onHand', 'minimum'],
  'top-returned-5m': ['rank', 'productId', 'productName', 'quantity'],
  'top-purchased-15m': ['rank', 'productId', 'productName', 'quantity'],
  'top-replenished-10m': ['rank', 'productId', 'productName', 'quantity'],
  'out-of-stock': ['productId', 'productName', 'onHand'],
  'critical-inventory': ['productId', 'productName', 'onHand', 'minimum'],
};

/** The first difference between a panel's rows and the expected rows, in words; undefined when they agree. */
export function rowDifference(id: PanelId, shown: unknown, expected: PanelRow[]): string | undefined {
  if (!Array.isArray(shown)) return `rows is not an array`;
  for (let i = 0; i < Math.max(shown.length, expected.length); i++) {
    const row = shown[i] as Record<string, unknown> | undefined;
    const want = expected[i] as unknown as Record<string, unknown> | undefined;
    if (!want) return `row ${i + 1} (${describeRow(row)}) should not be there`;
    if (!row || typeof row !== 'object') return `row ${i + 1} is missing: expected ${describeRow(want)}`;
    for (const field of ROW_FIELDS[id]) {
      const a = row[field];
      const b = want[field];
      const same =
        typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 0.005 : String(a) === String(b);
      if (!same)
        return `row ${i + 1} ${field} is ${JSON.stringify(a)}, expected ${JSON.stringify(b)} (${describeRow(want)})`;
    }
  }
  return undefined;
}

function describeRow(row: Record<string, unknown> | undefined): string {
  if (!row) return 'nothing';
  return Object.entries(row)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
}
