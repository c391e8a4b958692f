import { describe, expect, it } from 'vitest';
import { computePanels, PANEL_IDS, type DashboardData, type PanelId } from '../../dashboard/panels.ts';
import { evaluateGraph } from '../../verify/graph.ts';
import { dashboardChecks, type DashboardState } from './checks.ts';
import { FreshnessTracker, type FreshnessRun } from './freshness.ts';
import { percentile, trend } from './stats.ts';

const NOW = Date.parse('2026-12-01T03:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const data = (): DashboardData => ({
  products: [
    { id: 'p1', name: 'Soap' },
    { id: 'p2', name: 'Chair' },
    { id: 'p3', name: 'Bike' },
    { id: 'p4', name: 'Lamp' },
  ],
  onHand: { p1: 0, p2: 3, p3: 40, p4: 12 },
  minimum: { p1: 5, p2: 5, p3: 5, p4: 5 },
  top: [{ rank: 1, productId: 'p3', ratingScore: 4.5, totalRatings: 2 }],
  events: {
    purchases: [
      { id: 'a', productId: 'p1', quantity: 2, at: iso(NOW - 14 * 60_000) },
      { id: 'b', productId: 'p2', quantity: 5, at: iso(NOW - 16 * 60_000) }, // outside 15 min
      { id: 'c', productId: 'p3', quantity: 2, at: iso(NOW - 60_000) },
      { id: 'd', productId: 'p4', quantity: 1, at: iso(NOW - 60_000) },
      { id: 'e', productId: 'p2', quantity: 1, at: iso(NOW - 60_000) },
    ],
    returns: [{ id: 'r', productId: 'p2', quantity: 1, at: iso(NOW - 6 * 60_000) }], // outside 5 min
    replenishments: [{ id: 'x', productId: 'p4', quantity: 9, at: iso(NOW - 9 * 60_000) }],
  },
});

/** A run where each panel got `n` probes of the given freshness. */
function run(freshness: (panel: PanelId, i: number) => number, n = 20): FreshnessRun {
  return {
    durationMs: n * 1000,
    probes: n * PANEL_IDS.length,
    panels: Object.fromEntries(
      PANEL_IDS.map((panel) => [
        panel,
        {
          panel,
          samples: Array.from({ length: n }, (_, i) => ({
            landedAt: NOW + i * 1000,
            freshnessMs: freshness(panel, i),
          })),
        },
      ]),
    ) as FreshnessRun['panels'],
  };
}

const healthy = (): DashboardState => {
  const panels = computePanels(data(), NOW);
  return {
    dashboardUrl: 'http://127.0.0.1:8095/api/panels',
    shown: panels,
    expected: Object.fromEntries(PANEL_IDS.map((id) => [id, panels[id].rows])),
    freshness: run(() => 400),
  };
};

describe('panels', () => {
  it('computes windows, stock-outs and critical products as the README states', () => {
    const panels = computePanels(data(), NOW);
    expect(panels['top-purchased-15m'].rows).toEqual([
      { rank: 1, productId: 'p1', productName: 'Soap', quantity: 2 },
      { rank: 2, productId: 'p3', productName: 'Bike', quantity: 2 },
      { rank: 3, productId: 'p2', productName: 'Chair', quantity: 1 },
    ]);
    expect(panels['top-returned-5m'].rows).toEqual([]);
    expect(panels['top-replenished-10m'].rows.map((row) => row.productId)).toEqual(['p4']);
    expect(panels['out-of-stock'].rows.map((row) => row.productId)).toEqual(['p1']);
    expect(panels['critical-inventory'].rows.map((row) => row.productId)).toEqual(['p2']);
    expect(panels.inventory.rows).toHaveLength(4);
    expect(panels['top-5-products'].rows[0]).toMatchObject({ productName: 'Bike', ratingScore: 4.5 });
  });
});

describe('challenge 05 checks', () => {
  it('pass on a dashboard that shows the stores, fresh', () => {
    const checks = evaluateGraph(dashboardChecks, healthy());
    expect(checks.filter((check) => !check.passed)).toEqual([]);
  });

  it('name the panel and the row that differ from the stores', () => {
    const state = healthy();
    state.shown = structuredClone(state.shown);
    (state.shown!['critical-inventory']!.rows as Array<{ onHand: number }>)[0]!.onHand = 4;
    const checks = evaluateGraph(dashboardChecks, state);
    const panel = checks.find((check) => check.id === 'panel:critical-inventory')!;
    expect(panel.passed).toBe(false);
    expect(panel.hint).toContain('row 1 onHand is 4, expected 3');
    expect(checks.filter((check) => !check.passed).map((check) => check.id)).toEqual([
      'panel:critical-inventory',
    ]);
  });

  it('fail a slow panel with its p95, and a panel that falls behind over time', () => {
    const state = healthy();
    state.freshness = run((panel, i) =>
      panel === 'out-of-stock' ? 4_000 + (i % 3) * 100 : panel === 'inventory' ? 100 + i * 120 : 300,
    );
    const checks = evaluateGraph(dashboardChecks, state);
    const slow = checks.find((check) => check.id === 'freshness:out-of-stock')!;
    expect(slow.passed).toBe(false);
    expect(slow.hint).toContain('Panel out-of-stock: freshness p95 4.20 s > 3.00 s');
    const drifting = checks.find((check) => check.id === 'freshness:inventory')!;
    expect(drifting.passed).toBe(false);
    expect(drifting.hint).toContain('freshness grows over time');
    expect(checks.find((check) => check.id === 'freshness:top-5-products')?.passed).toBe(true);
  });

  it('block every panel on an unreachable dashboard', () => {
    const state: DashboardState = {
      dashboardUrl: 'http://127.0.0.1:1/api/panels',
      dashboardError: 'fetch failed',
    };
    const checks = evaluateGraph(dashboardChecks, state);
    expect(checks.find((check) => check.id === 'dashboard')?.hint).toContain('fetch failed');
    expect(checks.find((check) => check.id === 'panel:inventory')?.blockedBy).toBe('dashboard');
  });
});

describe('freshness statistics', () => {
  it('finds no trend in noise and an upward one in a growing lag', () => {
    const noise = Array.from({ length: 60 }, (_, i) => ({ x: i * 1000, y: 200 + ((i * 7919) % 300) }));
    expect(trend(noise).upward).toBe(false);
    const growing = Array.from({ length: 60 }, (_, i) => ({
      x: i * 1000,
      y: 200 + i * 30 + ((i * 7919) % 300),
    }));
    expect(trend(growing)).toMatchObject({ upward: true });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, Infinity], 95)).toBe(Infinity);
  });

  it('matches what a dashboard shows to the probes that landed', () => {
    const before = data();
    const tracker = new FreshnessTracker(before);
    const after = structuredClone(before);
    after.onHand.p3 = 0;
    tracker.landed(after, NOW);
    const panels = computePanels(before, NOW + 100);
    // Still the old stock: nothing seen yet.
    tracker.observe({
      panel: 'out-of-stock',
      at: NOW + 200,
      asOf: panels['out-of-stock'].asOf,
      rows: panels['out-of-stock'].rows,
    });
    expect(tracker.outstanding()).toBeGreaterThan(0);
    const fresh = computePanels(after, NOW + 300);
    for (const panel of PANEL_IDS)
      tracker.observe({ panel, at: NOW + 700, asOf: fresh[panel].asOf, rows: fresh[panel].rows });
    expect(tracker.outstanding()).toBe(0);
    const result = tracker.result(1000);
    expect(result.panels['out-of-stock'].samples).toEqual([{ landedAt: NOW, freshnessMs: 700 }]);
    expect(result.panels['top-5-products'].samples).toEqual([]);
  });
});
