import { PANELS, rowDifference, type PanelId, type PanelRow } from '../../dashboard/panels.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import type { FreshnessRun } from './freshness.ts';
import { FRESHNESS_P95_LIMIT_MS } from './freshness.ts';
import { percentile, trend } from './stats.ts';

/**
 * Challenge 05's check graph: the stores and the dashboard's contract endpoint → each panel's rows against the
 * same panel recomputed from Cosmos DB and Search at the panel's `asOf` → each panel's freshness (p95 ≤ 3 s over
 * the run, no upward trend).
 */
export interface DashboardState {
  cosmosError?: string;
  searchError?: string;
  /** The contract endpoint read. */
  dashboardUrl?: string;
  dashboardError?: string;
  /** The panels as the endpoint served them. */
  shown?: Record<string, { asOf?: unknown; rows?: unknown }>;
  /** Each panel recomputed from the stores at the asOf the dashboard reported. */
  expected?: Partial<Record<PanelId, PanelRow[]>>;
  freshness?: FreshnessRun;
}

const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'never');

export const FRESHNESS_ENV = 'HACK_FRESHNESS_SECONDS';

function panelCheck(id: PanelId, title: string): CheckNode<DashboardState> {
  return {
    id: `panel:${id}`,
    title: `Panel ${title}: rows match Cosmos DB and Search`,
    dependsOn: ['dashboard', 'service:cosmos', 'service:search'],
    evaluate: (state) => {
      const view = state.shown?.[id];
      const expected = state.expected?.[id];
      if (!view || !expected)
        return failed(
          `The dashboard serves no panel "${id}" (see challenges/05-dashboards/README.md, the contract).`,
        );
      const difference = rowDifference(id, view.rows, expected);
      if (difference)
        return failed(
          `Panel ${id} as of ${String(view.asOf)}: ${difference} (recomputed from Cosmos DB and Search).`,
          {
            details: [
              `expected ${expected.length} row(s), shown ${Array.isArray(view.rows) ? view.rows.length : 0}`,
            ],
          },
        );
      return {
        ...passed([`${expected.length} row(s) as of ${String(view.asOf)}`]),
        expected: expected.length,
        found: expected.length,
      };
    },
  };
}

/** The freshness verdict of one panel over a run. */
export function freshnessVerdict(id: PanelId, run: FreshnessRun | undefined): NodeVerdict {
  if (!run) return failed('Freshness was not measured (the dashboard did not answer).');
  const samples = run.panels[id]?.samples ?? [];
  if (run.error && samples.length === 0) return failed(`Freshness could not be measured: ${run.error}`);
  if (samples.length < 3)
    return failed(
      `Only ${samples.length} probe(s) changed panel ${id} in a ${seconds(run.durationMs)} run: too few to judge. Run longer (${FRESHNESS_ENV}).`,
    );
  const values = samples.map((sample) => sample.freshnessMs);
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(values, p)) as [number, number, number];
  const never = values.filter((value) => !Number.isFinite(value)).length;
  const slope = trend(samples.map((sample) => ({ x: sample.landedAt, y: sample.freshnessMs })));
  const details = [
    `p50 ${seconds(p50)} · p95 ${seconds(p95)} · p99 ${seconds(p99)} over ${samples.length} probes in ${seconds(run.durationMs)}`,
    `trend: Mann–Kendall p=${slope.p.toFixed(3)}, Theil–Sen ${(slope.slope * 60_000).toFixed(0)} ms/min (+${Math.round(slope.riseMs)} ms over the run)`,
  ];
  const verdict = { expected: samples.length, found: samples.length - never, missingCount: never };
  if (p95 > FRESHNESS_P95_LIMIT_MS)
    return {
      ...failed(
        `Panel ${id}: freshness p95 ${seconds(p95)} > ${seconds(FRESHNESS_P95_LIMIT_MS)} (p50 ${seconds(p50)}, ${samples.length} probes${never ? `, ${never} never shown` : ''}). Read the stores more often or push changes (change feed, SSE) instead of polling slowly.`,
        { details },
      ),
      ...verdict,
    };
  if (slope.upward)
    return {
      ...failed(
        `Panel ${id}: freshness grows over time (+${Math.round(slope.riseMs)} ms over the run, Mann–Kendall p=${slope.p.toFixed(4)}): the dashboard falls behind (a backlog, a growing query).`,
        { details },
      ),
      ...verdict,
    };
  return { ...passed(details), ...verdict };
}

export const dashboardChecks: Array<CheckNode<DashboardState>> = [
  {
    id: 'service:cosmos',
    title: 'Cosmos DB answers',
    evaluate: (state) => (state.cosmosError ? failed(state.cosmosError) : passed()),
  },
  {
    id: 'service:search',
    title: 'Azure AI Search answers',
    evaluate: (state) => (state.searchError ? failed(state.searchError) : passed()),
  },
  {
    id: 'dashboard',
    title: 'The dashboard serves the panel contract',
    evaluate: (state) => {
      if (!state.dashboardUrl)
        return failed(
          'No dashboard to check: set "url" in dashboard/dashboard.json (or DASHBOARD_URL in the env file), or run with --solution.',
          { final: true },
        );
      if (state.dashboardError) return failed(`${state.dashboardUrl}: ${state.dashboardError}`);
      const missing = PANELS.filter((panel) => {
        const view = state.shown?.[panel.id];
        return !view || typeof view.asOf !== 'string' || !Array.isArray(view.rows);
      }).map((panel) => panel.id);
      if (missing.length > 0)
        return {
          ...failed(
            `${state.dashboardUrl} lacks panel(s) ${missing.join(', ')} (each needs "asOf" and "rows").`,
          ),
          expected: PANELS.length,
          found: PANELS.length - missing.length,
          missing,
          missingCount: missing.length,
        };
      return passed([state.dashboardUrl]);
    },
  },
  ...PANELS.map((panel) => panelCheck(panel.id, panel.title)),
  ...PANELS.map((panel): CheckNode<DashboardState> => ({
    id: `freshness:${panel.id}`,
    title: `Panel ${panel.title}: freshness p95 ≤ 3 s, no upward trend`,
    dependsOn: [`panel:${panel.id}`],
    evaluate: (state) => {
      const verdict = freshnessVerdict(panel.id, state.freshness);
      // Measured once per verification: waiting cannot change it once the panel itself is right.
      const expected = state.expected?.[panel.id];
      const panelRight =
        expected !== undefined &&
        rowDifference(panel.id, state.shown?.[panel.id]?.rows, expected) === undefined;
      return !verdict.passed && panelRight ? { ...verdict, final: true } : verdict;
    },
  })),
];
