import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CosmosClient } from '@azure/cosmos';
import { computePanel, LONGEST_WINDOW_MS, PANEL_IDS, type PanelId } from '../../dashboard/panels.ts';
import { PRODUCTS_INDEX, readDashboardData, SINK_DATABASE } from '../../dashboard/read.ts';
import type { AnyRecord, Topic } from '../../generators/model.ts';
import { generateScenario } from '../../generators/scenario.ts';
import { cosmosWriter, type CosmosTarget } from '../../generators/writers/cosmos.ts';
import { style } from '../../infra/console/style.ts';
import { cosmosClient } from '../../infra/cosmos/client.ts';
import { errorMessage, HackError } from '../../infra/errors.ts';
import { searchClient, searchIndexClient } from '../../infra/search/client.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import { pipeline03 } from '../03-kafka-connect/pipeline.ts';
import type { Challenge, StepContext } from '../challenge.ts';
import { provision } from '../provision.ts';
import { drain } from '../steps.ts';
import { dashboardChecks, FRESHNESS_ENV, type DashboardState } from './checks.ts';
import { endpointWatcher, measureFreshness, readContract } from './freshness.ts';
import { Lander } from './landing.ts';
import { percentile } from './stats.ts';
import { startDashboardProcess, type DashboardProcess } from './reference.ts';

/**
 * Challenge 05 — dashboards: the participant's dashboard shows seven panels live from what challenges 03 and 04
 * land in Cosmos DB `retail-sink` and the Search index `products`. The harness lands that data itself (a day of
 * generated events, then recent traffic), checks every panel against the stores, and measures each panel's
 * freshness with probes landed while it watches the dashboard's contract endpoint.
 */
const DASHBOARD_FILE = 'dashboard.json';
const DEFAULT_FRESHNESS_SECONDS = 30;
const RECENT_EVENTS = 45;

export interface DashboardConfig {
  /** The participant's contract endpoint, e.g. http://127.0.0.1:8095/api/panels. */
  url?: string;
  /** Start the reference dashboard (`hack dashboard`) instead. */
  reference?: boolean;
  /** The reference's pause between reads (a slower one shows what the freshness check catches). */
  refreshMs?: number;
}

/** The dashboard this run started (the observer reads its URL). */
let running: DashboardProcess | undefined;

export function readDashboardConfig(dir: string): DashboardConfig {
  const file = join(dir, DASHBOARD_FILE);
  if (!existsSync(file))
    throw new HackError(`${file} does not exist.`, {
      fix: `Create it with the URL of your dashboard's panel endpoint: { "url": "http://127.0.0.1:8095/api/panels" }.`,
    });
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DashboardConfig;
  } catch (error) {
    throw new HackError(`${file} is not valid JSON: ${errorMessage(error)}`, {
      fix: 'See challenges/05-dashboards/README.md for its shape.',
    });
  }
}

/** How long the freshness run lasts: HACK_FRESHNESS_SECONDS (at least 5), 30 s by default. */
export function freshnessSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[FRESHNESS_ENV];
  if (raw === undefined || raw === '') return DEFAULT_FRESHNESS_SECONDS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 5)
    throw new HackError(`${FRESHNESS_ENV}=${raw} is not a number of seconds ≥ 5.`, {
      fix: `Unset it for ${DEFAULT_FRESHNESS_SECONDS} s, or give e.g. ${FRESHNESS_ENV}=600 for a 10-minute run.`,
    });
  return value;
}

const sinkSpec = {
  ...pipeline03,
  topics: [],
  databases: pipeline03.databases.filter((database) => database.name === SINK_DATABASE),
  indexes: pipeline03.indexes.filter((index) => index.name === PRODUCTS_INDEX),
};

async function withCosmos<T>(
  environment: Environment,
  body: (cosmos: CosmosClient) => Promise<T>,
): Promise<T> {
  const cosmos = cosmosClient(environment.cosmos!);
  try {
    return await body(cosmos);
  } finally {
    cosmos.dispose();
  }
}

/** The endpoint to check: the dashboard this run started, DASHBOARD_URL, or the participant's dashboard.json. */
function dashboardUrl(environment: Environment): string | undefined {
  if (running) return running.contractUrl;
  if (environment.dashboard?.url) return environment.dashboard.url;
  if (process.env.DASHBOARD_URL) return process.env.DASHBOARD_URL;
  try {
    return readDashboardConfig(join(challenge05.dir, 'dashboard')).url;
  } catch {
    return undefined;
  }
}

async function seed(context: StepContext, cosmos: CosmosClient): Promise<number> {
  const database = cosmos.database(SINK_DATABASE);
  const containers = sinkSpec.databases[0]!.containers;
  const targets: Partial<Record<Topic, CosmosTarget>> = Object.fromEntries(
    containers.map((container) => [
      container.name,
      { container: database.container(container.name), partitionKeyPath: container.partitionKey },
    ]),
  );
  // A day of history ending now, so the stock and the ratings are a day's worth and the windows reach into it.
  const scenario = {
    ...context.scenario,
    start: new Date(Date.now() - 24 * 3_600_000).toISOString(),
    spanDays: 1,
  };
  const records: AnyRecord[] = [...generateScenario(scenario, ['catalog', 'events'])];
  const products = records.filter((record) => record.topic === 'products').map((record) => record.value);
  await searchClient(context.environment.search!, PRODUCTS_INDEX).mergeOrUploadDocuments(
    products as unknown as Array<Record<string, unknown>>,
  );
  return drain(
    cosmosWriter(targets),
    records,
    containers.map((container) => container.name),
  );
}

export const challenge05: Challenge<DashboardState> = {
  id: '05',
  slug: '05-dashboards',
  title: 'Dashboards: seven live panels, each fresh within 3 s',
  dir: dirname(fileURLToPath(import.meta.url)),
  folders: { participant: 'dashboard', solution: 'solution' },
  services: ['kafka', 'cosmos', 'search'],
  requires: ['cosmos', 'search'],
  steps: [
    {
      title: (context) =>
        context.local && !context.fresh
          ? `Fresh database ${SINK_DATABASE} and index ${PRODUCTS_INDEX}`
          : `Database ${SINK_DATABASE} and index ${PRODUCTS_INDEX}`,
      run: (context) =>
        withCosmos(context.environment, async (cosmos) => {
          readDashboardConfig(context.participantDir); // a broken dashboard.json stops the run before it writes
          if (context.local && !context.fresh) {
            await cosmos
              .database(SINK_DATABASE)
              .delete()
              .catch(() => undefined);
            await searchIndexClient(context.environment.search!)
              .deleteIndex(PRODUCTS_INDEX)
              .catch(() => undefined);
          }
          await provision(sinkSpec, {
            kafka: undefined as never,
            cosmos,
            search: context.environment.search,
          });
        }),
    },
    {
      title: (context) =>
        `Land a day of history: ${context.scenario.scale.products} products (Cosmos and Search), capacities, stock, ratings, events`,
      run: (context) =>
        withCosmos(context.environment, async (cosmos) => ({
          detail: `${await seed(context, cosmos)} documents`,
        })),
    },
    {
      title: `Land recent traffic: ${RECENT_EVENTS} events over the last 15 minutes`,
      run: (context) =>
        withCosmos(context.environment, async (cosmos) => {
          const lander = await Lander.open(cosmos, context.environment.search!);
          const kinds = ['purchase', 'return', 'replenishment', 'rating', 'critical'] as const;
          const now = Date.now();
          for (let i = 0; i < RECENT_EVENTS; i++) {
            const at =
              now - LONGEST_WINDOW_MS + Math.round(((i + 1) * LONGEST_WINDOW_MS) / (RECENT_EVENTS + 1));
            await lander.land(kinds[i % kinds.length]!, at);
          }
        }),
    },
    {
      title: (context) =>
        readDashboardConfig(context.participantDir).reference
          ? 'Start the reference dashboard (hack dashboard)'
          : `Your dashboard at ${readDashboardConfig(context.participantDir).url ?? '(no url)'}`,
      run: async (context) => {
        const config = readDashboardConfig(context.participantDir);
        if (config.reference) {
          const dashboard = await startDashboardProcess(context.environment, { refreshMs: config.refreshMs });
          running = dashboard;
          context.onCleanup(async () => {
            await dashboard.stop();
            if (running === dashboard) running = undefined;
          });
          return {
            detail: `${dashboard.url} (pid ${dashboard.pid}, log ${dashboard.logFile}) — open it in a browser`,
          };
        }
        if (!config.url) return { failed: `no "url" in ${join(context.participantDir, DASHBOARD_FILE)}` };
        try {
          await readContract(config.url);
        } catch (error) {
          return { failed: errorMessage(error) };
        }
      },
    },
  ],
  observe: async (environment) => {
    const url = dashboardUrl(environment);
    const cosmos = cosmosClient(environment.cosmos!);
    const search = environment.search!;
    let freshness: DashboardState['freshness'];
    if (url) {
      try {
        await readContract(url);
        const seconds = freshnessSeconds();
        process.stderr.write(style.dim(`  measuring freshness for ${seconds} s against ${url}…\n`));
        const lander = await Lander.open(cosmos, search);
        freshness = await measureFreshness(lander, {
          durationMs: seconds * 1000,
          watch: endpointWatcher(url),
          onProgress: (message) => process.stderr.write(style.dim(`  ${message}\n`)),
        });
      } catch (error) {
        if (error instanceof HackError) throw error;
        // The dashboard node says why (read() records the endpoint's error).
      }
    }
    return {
      read: async (): Promise<DashboardState> => {
        const state: DashboardState = {
          ...(url ? { dashboardUrl: url } : {}),
          ...(freshness ? { freshness } : {}),
        };
        if (url) {
          try {
            state.shown = (await readContract(url)).panels;
          } catch (error) {
            state.dashboardError = errorMessage(error);
          }
        }
        const asOfs = PANEL_IDS.map((id) => Date.parse(String(state.shown?.[id]?.asOf))).filter(
          Number.isFinite,
        );
        const now = Date.now();
        try {
          const data = await readDashboardData(
            cosmos,
            search,
            now,
            Math.min(now, ...asOfs) - LONGEST_WINDOW_MS,
          );
          state.expected = Object.fromEntries(
            PANEL_IDS.map((id) => {
              const asOf = Date.parse(String(state.shown?.[id]?.asOf));
              return [id, computePanel(id as PanelId, data, Number.isFinite(asOf) ? asOf : now)];
            }),
          );
        } catch (error) {
          const message = errorMessage(error);
          if (/search|index/i.test(message)) state.searchError = `Search at ${search.endpoint}: ${message}`;
          else state.cosmosError = `Cosmos DB at ${environment.cosmos!.endpoint}: ${message}`;
        }
        return state;
      },
      close: async () => cosmos.dispose(),
    };
  },
  checks: dashboardChecks,
  liveView: (state) => [
    `${style.dim('panels ')} ${PANEL_IDS.map((id) => `${id} ${Array.isArray(state.shown?.[id]?.rows) ? (state.shown[id].rows as unknown[]).length : '-'}`).join(' · ')}`,
    ...(state.freshness
      ? [
          `${style.dim('fresh  ')} p95 ${PANEL_IDS.map((id) => {
            const values = state.freshness!.panels[id].samples.map((sample) => sample.freshnessMs);
            const p95 = percentile(values, 95);
            return `${id} ${Number.isFinite(p95) ? `${(p95 / 1000).toFixed(2)} s` : values.length ? 'never' : '-'}`;
          }).join(' · ')}`,
        ]
      : []),
  ],
};

/** The page of the reference dashboard this run started, if any. */
export function runningDashboardUrl(): string | undefined {
  return running?.url;
}
