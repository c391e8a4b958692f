/**
 * A busy machine on demand, so a bench's "under load" figure is taken the same way every time instead of
 * depending on whatever else the shared machine runs. `BENCH_BUSY=N` starts N child processes that each spin one
 * core (N=1 on a 2-core machine: the other core is busy); unset or 0 starts nothing.
 *
 *   const busy = startBusy();          // reads BENCH_BUSY
 *   try { …measure… } finally { busy.stop(); }
 *   say(busy.describe());              // "busy: 1 spinning process; load average 2.1 → 3.0"
 *
 * The spinners never outlive the bench: each one yields every 50 ms and exits when its stdin closes (which happens
 * when the bench exits, even on SIGKILL), when its time bound passes (`BENCH_BUSY_MAX_SECONDS`, default 3600),
 * and the bench kills them on `stop()` and on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';

/** Spins for 50 ms slices, checking between them whether the parent is gone or the time bound passed. */
const spinner = `
const until = Date.now() + Number(process.argv[1]) * 1000;
process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();
(function spin() {
  const sliceEnd = Date.now() + 50;
  while (Date.now() < sliceEnd);
  if (Date.now() > until) process.exit(0);
  setImmediate(spin);
})();
`;

export interface Busy {
  /** How many spinning processes run. */
  readonly spinners: number;
  /** Kills the spinners (idempotent). */
  stop(): void;
  /** One line for the bench's output: the spinners and the load average from start to now. */
  describe(): string;
}

function load(): string {
  return loadavg()[0]!.toFixed(1);
}

export function busySpinnersFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = (env.BENCH_BUSY ?? '').trim();
  if (raw === '') return 0;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`BENCH_BUSY=${raw}: give the number of cores to keep busy (0, 1, 2…).`);
  return count;
}

/** Starts `spinners` CPU-bound child processes (default: BENCH_BUSY); `stop()` them when the measure ends. */
export function startBusy(spinners = busySpinnersFromEnv()): Busy {
  const maxSeconds = Number(process.env.BENCH_BUSY_MAX_SECONDS ?? 3600);
  const loadAtStart = load();
  const children: ChildProcess[] = [];
  for (let i = 0; i < spinners; i++) {
    children.push(
      spawn(process.execPath, ['-e', spinner, String(maxSeconds)], { stdio: ['pipe', 'ignore', 'ignore'] }),
    );
  }
  const stop = (): void => {
    for (const child of children.splice(0)) {
      child.stdin?.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    process.off('exit', stop);
  };
  process.on('exit', stop);
  return {
    spinners,
    stop,
    describe: () =>
      `${spinners === 0 ? 'not busy (BENCH_BUSY unset)' : `busy: ${spinners} spinning process${spinners === 1 ? '' : 'es'} (BENCH_BUSY=${spinners})`}; load average ${loadAtStart} → ${load()}`,
  };
}
