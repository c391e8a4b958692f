import {
  computePanel,
  PANEL_IDS,
  rowDifference,
  type DashboardData,
  type PanelId,
} from '../../dashboard/panels.ts';
import { PROBE_KINDS, type Lander } from './landing.ts';

/**
 * Freshness: how long after an event lands in Cosmos DB or Search a panel shows it. The harness lands probes at
 * a steady rate and watches the dashboard (its contract endpoint, or the page itself); after every landing it
 * knows each panel's expected rows, so a panel shows probe k when its rows equal the rows computed, at the
 * panel's own `asOf`, from the stores as they were after probe k (or a later one). A probe counts for a panel
 * only when it changes that panel.
 */
export const FRESHNESS_P95_LIMIT_MS = 3_000;

/** What a dashboard showed for a panel, and when the harness saw it. */
export interface Observation {
  panel: PanelId;
  /** Epoch ms when the rows were seen (response received, or painted in the page). */
  at: number;
  asOf: string;
  rows: unknown;
}

export interface PanelFreshness {
  panel: PanelId;
  /** Landing time (epoch ms) and freshness (ms; Infinity when never seen) of each probe that changed the panel. */
  samples: Array<{ landedAt: number; freshnessMs: number }>;
}

export interface FreshnessRun {
  durationMs: number;
  probes: number;
  panels: Record<PanelId, PanelFreshness>;
  /** Why the run could not measure (the dashboard did not answer…). */
  error?: string;
}

interface Probe {
  k: number;
  landedAt: number;
  /** The stores after this probe. */
  data: DashboardData;
  /** Panels this probe changed. */
  changes: Set<PanelId>;
}

/** Matches observations to probes; one per run. */
export class FreshnessTracker {
  private readonly probes: Probe[] = [];
  /** Per panel: the highest probe it was seen to show, and the probes not yet seen. */
  private readonly shown = new Map<PanelId, number>();
  private readonly pending = new Map<PanelId, Probe[]>();
  private readonly samples = new Map<PanelId, PanelFreshness['samples']>();
  private landings = 0;

  constructor(initial: DashboardData) {
    this.probes.push({ k: 0, landedAt: Date.now(), data: initial, changes: new Set() });
    for (const panel of PANEL_IDS) {
      this.shown.set(panel, 0);
      this.pending.set(panel, []);
      this.samples.set(panel, []);
    }
  }

  landed(data: DashboardData, landedAt: number): void {
    const before = this.probes[this.probes.length - 1]!;
    const changes = new Set(
      PANEL_IDS.filter(
        (panel) =>
          JSON.stringify(computePanel(panel, before.data, landedAt)) !==
          JSON.stringify(computePanel(panel, data, landedAt)),
      ),
    );
    this.landings++;
    const probe: Probe = { k: before.k + 1, landedAt, data, changes };
    this.probes.push(probe);
    for (const panel of changes) this.pending.get(panel)!.push(probe);
    this.prune();
  }

  observe(observation: Observation): void {
    const asOfMs = Date.parse(observation.asOf);
    if (!Number.isFinite(asOfMs)) return;
    const from = this.shown.get(observation.panel) ?? 0;
    for (let i = this.probes.length - 1; i >= 0; i--) {
      const probe = this.probes[i]!;
      if (probe.k < from) break;
      const expected = computePanel(observation.panel, probe.data, asOfMs);
      if (rowDifference(observation.panel, observation.rows, expected) !== undefined) continue;
      this.shown.set(observation.panel, probe.k);
      const pending = this.pending.get(observation.panel)!;
      while (pending[0] && pending[0].k <= probe.k) {
        const seen = pending.shift()!;
        this.samples
          .get(observation.panel)!
          .push({ landedAt: seen.landedAt, freshnessMs: Math.max(0, observation.at - seen.landedAt) });
      }
      this.prune();
      return;
    }
  }

  /** Probes not yet seen on some panel. */
  outstanding(): number {
    return [...this.pending.values()].reduce((sum, list) => sum + list.length, 0);
  }

  result(durationMs: number, error?: string): FreshnessRun {
    const panels = Object.fromEntries(
      PANEL_IDS.map((panel) => [
        panel,
        {
          panel,
          samples: [
            ...this.samples.get(panel)!,
            ...this.pending.get(panel)!.map((probe) => ({ landedAt: probe.landedAt, freshnessMs: Infinity })),
          ].sort((a, b) => a.landedAt - b.landedAt),
        },
      ]),
    ) as Record<PanelId, PanelFreshness>;
    return { durationMs, probes: this.landings, panels, ...(error ? { error } : {}) };
  }

  /** Keeps only the probes some panel may still be matched against. */
  private prune(): void {
    const lowest = Math.min(...this.shown.values());
    const drop = this.probes.findIndex((probe) => probe.k >= lowest);
    if (drop > 0) this.probes.splice(0, drop);
  }
}

export interface FreshnessOptions {
  durationMs: number;
  /** A probe every this many ms (default 300). */
  probeEveryMs?: number;
  /** Reads the dashboard: every panel as it is now (endpoint) or what changed since the last call (page). */
  watch(): Promise<Observation[]>;
  /** How often to call `watch` (default 200 ms). */
  watchEveryMs?: number;
  /** After the last probe, how long to wait for panels to show it (default 10 s). */
  graceMs?: number;
  onProgress?(message: string): void;
}

/** Lands probes for `durationMs` while watching the dashboard; every panel's samples in landing order. */
export async function measureFreshness(lander: Lander, options: FreshnessOptions): Promise<FreshnessRun> {
  return (await measureFreshnessMany(lander, { ...options, watchers: { dashboard: options.watch } }))
    .dashboard!;
}

/**
 * The same run watched several ways at once (the contract endpoint and the page itself, for the benchmark):
 * one tracker per watcher, the same probes.
 */
export async function measureFreshnessMany(
  lander: Lander,
  options: Omit<FreshnessOptions, 'watch'> & { watchers: Record<string, () => Promise<Observation[]>> },
): Promise<Record<string, FreshnessRun>> {
  const names = Object.keys(options.watchers);
  const trackers = new Map(names.map((name) => [name, new FreshnessTracker(lander.snapshot())]));
  const errors = new Map<string, string | undefined>();
  const started = Date.now();
  let watching = true;
  const watchers = names.map(async (name) => {
    while (watching) {
      try {
        for (const observation of await options.watchers[name]!()) trackers.get(name)!.observe(observation);
        errors.set(name, undefined);
      } catch (error) {
        errors.set(name, error instanceof Error ? error.message : String(error));
      }
      await sleep(options.watchEveryMs ?? 200);
    }
  });
  let nextReport = started + 10_000;
  try {
    for (let i = 0; Date.now() - started < options.durationMs; i++) {
      const tickStart = Date.now();
      const { landedAt } = await lander.land(PROBE_KINDS[i % PROBE_KINDS.length]!);
      const landed = lander.snapshot();
      for (const tracker of trackers.values()) tracker.landed(landed, landedAt);
      if (Date.now() >= nextReport) {
        nextReport += 10_000;
        options.onProgress?.(
          `freshness: ${Math.round((Date.now() - started) / 1000)} s of ${Math.round(options.durationMs / 1000)} s, ${i + 1} probes landed`,
        );
      }
      await sleep(Math.max(0, (options.probeEveryMs ?? 300) - (Date.now() - tickStart)));
    }
    const graceEnd = Date.now() + (options.graceMs ?? 10_000);
    while ([...trackers.values()].some((tracker) => tracker.outstanding() > 0) && Date.now() < graceEnd)
      await sleep(100);
  } finally {
    watching = false;
    await Promise.all(watchers);
  }
  const durationMs = Date.now() - started;
  return Object.fromEntries(
    names.map((name) => [name, trackers.get(name)!.result(durationMs, errors.get(name))]),
  );
}

/** Reads the participant contract once: every panel's rows and asOf. */
export async function readContract(
  url: string,
): Promise<{ panels: Record<string, { asOf?: unknown; rows?: unknown }> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((error: unknown) => {
    throw new Error(
      `nothing answers at ${url} (${error instanceof Error ? error.message : String(error)}): start your dashboard, or run with --solution for the reference`,
    );
  });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  const body = (await response.json()) as { panels?: unknown };
  if (!body || typeof body.panels !== 'object' || body.panels === null)
    throw new Error(`GET ${url} answered without a "panels" object`);
  return body as { panels: Record<string, { asOf?: unknown; rows?: unknown }> };
}

/** A watcher over the contract endpoint: every panel it serves, seen when the response arrived. */
export function endpointWatcher(url: string): () => Promise<Observation[]> {
  return async () => {
    const body = await readContract(url);
    const at = Date.now();
    return PANEL_IDS.flatMap((panel) => {
      const view = body.panels[panel];
      return view && typeof view.asOf === 'string' ? [{ panel, at, asOf: view.asOf, rows: view.rows }] : [];
    });
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
