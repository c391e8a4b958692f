/**
 * `npm run bench:dashboard` — challenge 05's freshness over a sustained run: the reference dashboard (its own
 * process) on Cosmos DB and Search emulators (their own processes), opened in Debian's Chromium, while probes land
 * every 300 ms. Per panel: freshness p50/p95/p99 at the contract endpoint (what the check measures) and in the
 * page (landing → painted), with the trend test; and the page's cost: renderer main-thread CPU (CDP
 * `Performance.getMetrics` TaskDuration) and JS heap, plus the dashboard server's CPU and RSS from /proc.
 * Not a test: it prints figures for BENCHMARKS.md. BENCH_SECONDS (default 120) sets the run's length.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpuSeconds } from './process-cpu.ts';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, pageWatcher } from '../challenges/05-dashboards/browser.ts';
import { challenge05 } from '../challenges/05-dashboards/challenge.ts';
import {
  endpointWatcher,
  measureFreshnessMany,
  type FreshnessRun,
} from '../challenges/05-dashboards/freshness.ts';
import { Lander } from '../challenges/05-dashboards/landing.ts';
import { startDashboardProcess } from '../challenges/05-dashboards/reference.ts';
import { percentile, trend } from '../challenges/05-dashboards/stats.ts';
import type { StepContext } from '../challenges/challenge.ts';
import { PANEL_IDS } from '../dashboard/panels.ts';
import { resolveScenario } from '../generators/scenario.ts';
import { renderTable } from '../infra/console/table.ts';
import { cosmosClient } from '../infra/cosmos/client.ts';
import type { Environment } from '../infra/stack/environment.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 120);
const home = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
process.env.HACK_HOME = home;
const { up, down } = await import('../infra/stack/lifecycle.ts');

const say = (text: string): void => void process.stderr.write(`${text}\n`);
const ms = (value: number): string => (Number.isFinite(value) ? String(Math.round(value)) : '∞');

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return line ? Number(line[1]) / 1024 : NaN;
}

const cleanups: Array<() => Promise<void>> = [];
try {
  say(`Starting Cosmos DB and Search emulators (HACK_HOME ${home})…`);
  const { stack } = await up({
    profile: 'local',
    only: ['cosmos', 'search'],
    progress: (m) => say(`  ${m}`),
  });
  cleanups.push(async () => void (await down(() => {}, ['cosmos', 'search'])));
  const environment: Environment = {
    source: 'bench',
    kafka: { bootstrapServers: '127.0.0.1:1' }, // not used: challenge 05's data lands in Cosmos DB and Search
    cosmos: stack.services.cosmos,
    search: stack.services.search,
  };
  const context: StepContext = {
    environment,
    local: true,
    fresh: true,
    scenario: resolveScenario({}),
    participantDir: join(challenge05.dir, 'solution'),
    say,
    onCleanup: (task) => void cleanups.push(task),
  };
  // Provision, a day of history, recent traffic — the run's steps before its dashboard.
  for (const step of challenge05.steps.slice(0, 3)) await step.run(context);
  const dashboard = await startDashboardProcess(environment, { port: 0, logName: 'dashboard-bench' });
  cleanups.push(() => dashboard.stop());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(dashboard.url);
  await page.waitForFunction('window.dashboard && window.dashboard.current !== undefined');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (
        (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }
      ).metrics.map((metric) => [metric.name, metric.value]),
    );

  const cosmos = cosmosClient(environment.cosmos!);
  cleanups.push(async () => cosmos.dispose());
  const lander = await Lander.open(cosmos, environment.search!);
  const before = await metrics();
  const serverBefore = cpuSeconds(dashboard.pid);
  const heap: number[] = [];
  const rss: number[] = [];
  const sampler = setInterval(() => {
    void metrics().then((m) => heap.push((m.JSHeapUsedSize ?? 0) / 2 ** 20));
    rss.push(rssMiB(dashboard.pid));
  }, 5_000);
  const started = Date.now();
  say(`Measuring for ${seconds} s (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)…`);
  const runs = await measureFreshnessMany(lander, {
    durationMs: seconds * 1000,
    watchers: { endpoint: endpointWatcher(dashboard.contractUrl), page: pageWatcher(page) },
    onProgress: say,
  });
  clearInterval(sampler);
  const wall = (Date.now() - started) / 1000;
  const after = await metrics();
  const serverCpu = (cpuSeconds(dashboard.pid) - serverBefore) / wall;

  const table = (name: string, run: FreshnessRun): string => {
    const rows = PANEL_IDS.map((panel) => {
      const samples = run.panels[panel].samples;
      const values = samples.map((sample) => sample.freshnessMs);
      const slope = trend(samples.map((sample) => ({ x: sample.landedAt, y: sample.freshnessMs })));
      return {
        panel,
        n: values.length,
        p50: ms(percentile(values, 50)),
        p95: ms(percentile(values, 95)),
        p99: ms(percentile(values, 99)),
        trend: `${slope.upward ? 'UP' : 'none'} (p=${slope.p.toFixed(2)}, ${Math.round(slope.riseMs)} ms over run)`,
      };
    });
    type Row = (typeof rows)[number];
    return renderTable<Row>(
      [
        { header: `panel (${name})`, value: (row) => row.panel },
        { header: 'probes', value: (row) => row.n },
        { header: 'p50 ms', value: (row) => row.p50 },
        { header: 'p95 ms', value: (row) => row.p95 },
        { header: 'p99 ms', value: (row) => row.p99 },
        { header: 'trend', value: (row) => row.trend },
      ],
      rows,
    );
  };
  process.stdout.write(
    `\nChallenge 05 freshness, ${Math.round(wall)} s run, ${runs.endpoint!.probes} probes\n\n`,
  );
  process.stdout.write(`${table('endpoint', runs.endpoint!)}\n\n${table('page', runs.page!)}\n\n`);
  const taskSeconds = (after.TaskDuration ?? 0) - (before.TaskDuration ?? 0);
  process.stdout.write(
    [
      `page: renderer main thread busy ${((100 * taskSeconds) / wall).toFixed(1)} % of the run, ` +
        `JS heap ${((before.JSHeapUsedSize ?? 0) / 2 ** 20).toFixed(1)} → ${((after.JSHeapUsedSize ?? 0) / 2 ** 20).toFixed(1)} MiB ` +
        `(max ${Math.max(...heap).toFixed(1)} MiB), ${after.Nodes ?? '?'} DOM nodes`,
      `dashboard server: CPU ${(100 * serverCpu).toFixed(1)} % of a core, RSS ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MiB`,
      `load average at the end ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    ].join('\n') + '\n',
  );
} finally {
  for (const task of cleanups.reverse()) await task().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
