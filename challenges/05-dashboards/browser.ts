import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HackError } from '../../infra/errors.ts';
import { PANEL_IDS, type PanelId } from '../../dashboard/panels.ts';
import type { Observation } from './freshness.ts';

/**
 * Debian's Chromium driven by playwright-core (no browser download): for the end-to-end test and the benchmark,
 * which watch the reference dashboard's page itself.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new HackError(`No Chromium at ${CHROMIUM}.`, {
      fix: 'Install it: `sudo apt-get install -y chromium` (or set CHROMIUM_PATH).',
    });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A watcher over the page: each panel change the page painted since the last call (`window.dashboard.renders`). */
export function pageWatcher(page: Page): () => Promise<Observation[]> {
  return async () => {
    const renders = await page.evaluate(() => {
      const dashboard = (globalThis as unknown as { dashboard: { renders: unknown[] } }).dashboard;
      return dashboard.renders.splice(0) as Array<{ panel: string; at: number; asOf: string; rows: unknown }>;
    });
    return renders.filter((render): render is Observation => PANEL_IDS.includes(render.panel as PanelId));
  };
}

/** What every panel's table shows, cell by cell (`data-field`), with the asOf of the page's latest snapshot. */
export async function panelTables(
  page: Page,
): Promise<Record<string, { asOf?: string; rows: Array<Record<string, string>> }>> {
  // A string: this project compiles without the DOM library.
  return page.evaluate(`(() => {
    const current = window.dashboard.current;
    const result = {};
    for (const section of document.querySelectorAll('section[data-panel]')) {
      const id = section.dataset.panel;
      const rows = [...section.querySelectorAll('tr[data-product]')].map((row) =>
        Object.fromEntries([...row.querySelectorAll('td[data-field]')].map((cell) => [cell.dataset.field, cell.textContent])),
      );
      result[id] = { asOf: current && current.panels[id] ? current.panels[id].asOf : undefined, rows };
    }
    return result;
  })()`);
}
