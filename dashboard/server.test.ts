import { describe, expect, it } from 'vitest';
import { computePanels, PANEL_IDS, type DashboardData } from './panels.ts';
import { createDashboardApp, type Snapshot } from './server.ts';

const data: DashboardData = {
  products: [{ id: 'p1', name: 'Soap' }],
  onHand: { p1: 0 },
  minimum: { p1: 5 },
  top: [],
  events: { purchases: [], returns: [], replenishments: [] },
};

describe('the reference dashboard over HTTP', () => {
  it('serves the contract, the page and Chart.js from the npm package', async () => {
    const current: { snapshot?: Snapshot } = {};
    const app = createDashboardApp({ snapshot: () => current.snapshot, subscribe: () => () => {} });
    expect((await app.request('/api/panels')).status).toBe(503);
    const panels = computePanels(data, Date.parse('2026-12-01T03:00:00.000Z'));
    current.snapshot = {
      panels: Object.fromEntries(
        PANEL_IDS.map((id) => [id, { ...panels[id], changedAt: panels[id].asOf }]),
      ) as Snapshot['panels'],
      readMs: 12,
    };
    const body = (await (await app.request('/api/panels')).json()) as {
      panels: Record<string, { asOf: string; rows: unknown[] }>;
    };
    expect(Object.keys(body.panels)).toEqual([...PANEL_IDS]);
    expect(body.panels['out-of-stock']).toEqual({
      asOf: '2026-12-01T03:00:00.000Z',
      rows: [{ productId: 'p1', productName: 'Soap', onHand: 0, minimum: 5 }],
    });
    const page = await (await app.request('/')).text();
    expect(page).toContain('<script src="/vendor/chart.umd.min.js">');
    expect(page).not.toMatch(/https?:\/\/(?!127)/); // nothing from a CDN
    const chart = await app.request('/vendor/chart.umd.min.js');
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart.js v4');
  });
});
