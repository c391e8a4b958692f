// Plain JavaScript, preloaded into every Node process of a bench by
// `NODE_OPTIONS="--import=<repo>/bench/cpu-profile.mjs" BENCH_CPU_PROF_DIR=<dir>`: Node 20 refuses `--cpu-prof` in
// NODE_OPTIONS, and the stack's services are spawned with their own command lines, so this starts V8's sampling
// profiler through the inspector instead and writes `<dir>/<process title>-<pid>.cpuprofile` when the process exits.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // A session on the main thread answers synchronously: the profile is written before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      const script = basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, '');
      writeFileSync(join(dir, `${script}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
