import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePanel, PANEL_IDS, ROW_FIELDS, type PanelId } from '../../dashboard/panels.ts';
import { readDashboardData } from '../../dashboard/read.ts';
import { resolveScenario } from '../../generators/scenario.ts';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { startCosmosEmulator, type CosmosEmulator } from '../../infra/cosmos/server.ts';
import { projectRoot } from '../../infra/paths.ts';
import { startSearchEmulator, type SearchEmulator } from '../../infra/search/emulator.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import { testBootstrapServers, waitFor } from '../../infra/testing/helpers.ts';
import { verifyChallenge } from '../../verify/run.ts';
import type { StepContext } from '../challenge.ts';
import { launchChromium, pageWatcher, panelTables } from './browser.ts';
import { challenge05, runningDashboardUrl } from './challenge.ts';
import { FRESHNESS_ENV } from './checks.ts';
import { FRESHNESS_P95_LIMIT_MS, measureFreshness } from './freshness.ts';
import { Lander } from './landing.ts';
import { startDashboardProcess } from './reference.ts';
import { percentile } from './stats.ts';

/**
 * Challenge 05 end to end: the harness lands the data in our Cosmos DB and Search emulators, starts the reference
 * dashboard as its own process and opens it in Debian's Chromium. Every panel on screen must equal the panel
 * recomputed from the stores; a landed event must reach the screen; the freshness check passes on the reference
 * (measured at the contract endpoint and in the page) and fails on the same dashboard slowed on purpose, naming
 * the panel and its p95.
 */
const home = mkdtempSync(join(tmpdir(), 'challenge-05-'));
const results = join(projectRoot, '.hack', 'test-results');
let cosmos: CosmosEmulator;
let search: SearchEmulator;
let environment: Environment;
let client: CosmosClient;
let browser: Browser;
let page: Page;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  process.env.HACK_HOME = home;
  process.env[FRESHNESS_ENV] = '15';
  cosmos = await startCosmosEmulator({ dataDir: join(home, 'cosmos'), port: 0 });
  search = await startSearchEmulator({ dataDir: join(home, 'search'), port: 0 });
  environment = {
    source: 'the test stack',
    kafka: { bootstrapServers: testBootstrapServers() },
    cosmos: { endpoint: cosmos.endpoint, key: cosmos.key, tlsInsecure: true },
    search: { endpoint: search.endpoint, adminKey: search.adminKey, queryKey: search.queryKey },
  };
  client = cosmosClient(environment.cosmos!);
  const context: StepContext = {
    environment,
    local: true,
    fresh: true,
    scenario: resolveScenario({ seed: 7 }),
    participantDir: join(challenge05.dir, 'solution'),
    say: () => {},
    onCleanup: (task) => void cleanups.push(task),
  };
  for (const step of challenge05.steps) {
    const outcome = await step.run(context);
    expect(outcome?.failed).toBeUndefined();
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  for (const task of cleanups.splice(0).reverse()) await task().catch(() => undefined);
  client?.dispose();
  await search?.close();
  await cosmos?.close();
  delete process.env[FRESHNESS_ENV];
  rmSync(home, { recursive: true, force: true });
});

/** The page's tables against every panel recomputed from the stores at the asOf the page shows. */
async function screenAgreesWithStores(): Promise<string | undefined> {
  const screen = await panelTables(page);
  const asOfs = PANEL_IDS.map((id) => Date.parse(screen[id]?.asOf ?? ''));
  if (asOfs.some((asOf) => !Number.isFinite(asOf))) return 'the page has no data yet';
  const data = await readDashboardData(
    client,
    environment.search!,
    Date.now(),
    Math.min(...asOfs) - 15 * 60_000,
  );
  for (const [index, id] of PANEL_IDS.entries()) {
    const expected = computePanel(id, data, asOfs[index]!).map((row) =>
      Object.fromEntries(
        ROW_FIELDS[id]
          .filter((field) => field in (screen[id]?.rows[0] ?? row))
          .map((field) => [field, String((row as unknown as Record<string, unknown>)[field])]),
      ),
    );
    const shown = (screen[id]?.rows ?? []).map((row) =>
      Object.fromEntries(Object.keys(expected[0] ?? {}).map((field) => [field, row[field]])),
    );
    if (JSON.stringify(shown) !== JSON.stringify(expected))
      return `${id}: screen ${JSON.stringify(shown)} ≠ stores ${JSON.stringify(expected)}`;
  }
  return undefined;
}

describe('challenge 05: the reference dashboard in Chromium', () => {
  it('shows every panel as the stores say, updates after new events, and passes the freshness check', async () => {
    const url = runningDashboardUrl();
    expect(url).toBeDefined();
    await page.goto(url!);
    let mismatch: string | undefined;
    await waitFor(async () => !(mismatch = await screenAgreesWithStores()), { timeoutMs: 20_000 }).catch(
      () => {
        throw new Error(`The page never agreed with the stores: ${mismatch}`);
      },
    );
    for (const id of PANEL_IDS) expect(await page.locator(`section[data-panel="${id}"] h2`).count()).toBe(1);

    // A product sold out: it must appear in the out-of-stock panel without a reload.
    const lander = await Lander.open(client, environment.search!);
    const { what } = await lander.land('stock-out');
    const productId = what.split(' × ')[1]!;
    await page
      .locator(`section[data-panel="out-of-stock"] tr[data-product="${productId}"]`)
      .waitFor({ timeout: 10_000 });
    await waitFor(async () => !(mismatch = await screenAgreesWithStores()), { timeoutMs: 10_000 }).catch(
      () => {
        throw new Error(`After a landed event the page disagreed with the stores: ${mismatch}`);
      },
    );
    mkdirSync(results, { recursive: true });
    await page.screenshot({ path: join(results, 'dashboard-05.png'), fullPage: true });

    // Freshness in the page itself: landing → painted.
    await page.evaluate('window.dashboard.renders.splice(0)');
    const inPage = await measureFreshness(lander, {
      durationMs: 6_000,
      watch: pageWatcher(page),
      watchEveryMs: 200,
    });
    for (const id of ['inventory', 'top-purchased-15m'] as PanelId[]) {
      const values = inPage.panels[id].samples.map((sample) => sample.freshnessMs);
      expect(values.length, id).toBeGreaterThan(0);
      expect(percentile(values, 95), id).toBeLessThanOrEqual(FRESHNESS_P95_LIMIT_MS);
    }

    // The freshness check at the contract endpoint (the page closed: two cores are shared).
    await page.goto('about:blank');
    const report = await verifyChallenge(challenge05, environment, { timeoutMs: 60_000 });
    expect(
      report.checks.filter((check) => !check.passed).map((check) => `${check.id}: ${check.hint}`),
    ).toEqual([]);
  });

  it('fails the freshness check on a dashboard slowed on purpose, naming the panel and its p95', async () => {
    for (const task of cleanups.splice(0).reverse()) await task(); // the reference stops
    const slow = await startDashboardProcess(environment, {
      refreshMs: 6_000,
      port: 0,
      logName: 'dashboard-slow',
    });
    try {
      const report = await verifyChallenge(
        challenge05,
        { ...environment, dashboard: { url: slow.contractUrl } },
        { timeoutMs: 60_000 },
      );
      expect(report.passed).toBe(false);
      const failing = report.checks.filter((check) => !check.passed && check.id.startsWith('freshness:'));
      expect(failing.length).toBeGreaterThan(0);
      const first = failing[0]!;
      expect(first.hint).toContain(`Panel ${first.id.slice('freshness:'.length)}: freshness p95`);
      expect(first.hint).toMatch(/p95 \d+\.\d\d s > 3\.00 s/);
    } finally {
      await slow.stop();
    }
  });
});
