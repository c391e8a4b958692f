/**
 * `npm run bench:start` — what every challenge waits for before its first step, each way side by side in the same
 * minutes (rounds interleaved, medians; the machine is shared, so only same-run comparisons mean much):
 *
 * - the Kafka broker's JVM on a formatted data dir until it answers metadata: the options it ran with before
 *   (G1, no class-data sharing, C2), then with C1 only, with the class-data archive, with both (what
 *   `brokerJvmOptions` gives now);
 * - `kafka-storage format` as a JVM against the kept checkpoint copy;
 * - the Cosmos DB and Search emulators' cold start (empty data dir, process spawn → ports open) and the `hack`
 *   CLI's load (`hack --help`), through tsx and compiled.
 *
 * BENCH_START_ROUNDS (default 5), BENCH_START_ONLY (a part of the measures' labels). Needs `npx hack install` first (the archive and the compiled files). Not a test:
 * it prints figures for BENCHMARKS.md.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderTable } from '../infra/console/table.ts';
import { cosmosService } from '../infra/cosmos/service.ts';
import { classDataArchive } from '../infra/java/class-data.ts';
import { javaExecutable, probeJava } from '../infra/java/index.ts';
import { answersMetadata, brokerJvmOptions, serverProperties } from '../infra/kafka/broker.ts';
import { installKafka } from '../infra/kafka/install.ts';
import { freePort, stopProcess, waitUntil } from '../infra/process/index.ts';
import { projectRoot } from '../infra/paths.ts';
import { searchService } from '../infra/search/service.ts';
import type { ServiceDefinition } from '../infra/stack/service.ts';

const run = promisify(execFile);
const rounds = Number(process.env.BENCH_START_ROUNDS ?? 5);
const home = mkdtempSync(join(tmpdir(), 'bench-start-'));
process.env.HACK_HOME = home;

const java = await probeJava();
const classpath = await installKafka();
const archive = classDataArchive('kafka-broker', classpath, java);
const template = join(classpath.dir, 'kraft', 'bootstrap.checkpoint');
if (!existsSync(archive) || !existsSync(template))
  throw new Error(
    'Run `npx hack install` first: it records the class-data archive and the KRaft checkpoint.',
  );

const before = ['-Xms128m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];
const brokerVariants: Record<string, string[]> = {
  'broker JVM, options before (G1, C2, no class-data sharing)': before,
  'broker JVM, + C1 only (-XX:TieredStopAtLevel=1)': [...before, '-XX:TieredStopAtLevel=1'],
  'broker JVM, + class-data archive': [...before, `-XX:SharedArchiveFile=${archive}`],
  'broker JVM, now (brokerJvmOptions: C1 + archive)': brokerJvmOptions(archive),
};

/** A broker on a data dir formatted from the kept checkpoint, until it answers metadata; then stopped. */
async function brokerStart(options: string[]): Promise<number> {
  const dir = mkdtempSync(join(home, 'kafka-'));
  const logDir = join(dir, 'log');
  mkdirSync(logDir);
  cpSync(template, join(logDir, 'bootstrap.checkpoint'));
  writeFileSync(
    join(logDir, 'meta.properties'),
    'node.id=1\ndirectory.id=Dsk5HS1ZQ2mGWOxOSwcQNg\nversion=1\ncluster.id=ZDvJ5b2nSn6nuRHk6U3X8g\n',
  );
  const port = await freePort();
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    serverProperties({ clusterId: '', port, controllerPort: await freePort() }, logDir),
  );
  const started = performance.now();
  const child = spawn(javaExecutable(), [...options, '-cp', classpath.classpath, 'kafka.Kafka', properties], {
    detached: true,
    stdio: 'ignore',
  });
  try {
    await waitUntil(() => answersMetadata({ bootstrapServers: `127.0.0.1:${port}` }), {
      what: 'the benchmark broker',
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    return performance.now() - started;
  } finally {
    await stopProcess(child.pid!, 30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function formatWithTool(): Promise<number> {
  const dir = mkdtempSync(join(home, 'format-'));
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    serverProperties({ clusterId: '', port: 1, controllerPort: 2 }, join(dir, 'log')),
  );
  const started = performance.now();
  await run(javaExecutable(), [
    '-cp',
    classpath.classpath,
    'kafka.tools.StorageTool',
    'format',
    '--cluster-id=ZDvJ5b2nSn6nuRHk6U3X8g',
    '-c',
    properties,
  ]);
  const ms = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

/** A service as `hack up` starts it (empty data dir, free ports), until it answers; `compiled` or through tsx. */
async function serviceStart(service: ServiceDefinition, compiled: boolean): Promise<number> {
  process.env.HACK_COMPILED = compiled ? '1' : '0';
  rmSync(join(home, 'data'), { recursive: true, force: true });
  const started = performance.now();
  const entry = await service.start({
    profile: 'local',
    services: {},
    env: process.env,
    ephemeralPorts: true,
    progress: () => {},
  });
  const ms = performance.now() - started;
  await stopProcess(entry.pid!);
  return ms;
}

/**
 * `hack --help`: its wall time, or (`cpu`) the CPU seconds it used, user + system, from /usr/bin/time — tsx's
 * loader works in a thread of its own, which a loaded machine's scheduler counts as a second claimant, so wall
 * times alone flatter it there.
 */
async function cliLoad(compiled: boolean, cpu = false): Promise<number> {
  const env = { ...process.env, HACK_COMPILED: compiled ? '1' : '0' };
  const hack = [join(projectRoot, 'bin', 'hack.mjs'), '--help'];
  if (cpu) {
    const { stderr } = await run('/usr/bin/time', ['-f', '%U %S', process.execPath, ...hack], { env });
    const [user = 0, system = 0] = (stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    return (user + system) * 1000;
  }
  const started = performance.now();
  await run(process.execPath, hack, { env });
  return performance.now() - started;
}

const measures: Record<string, () => Promise<number>> = {
  ...Object.fromEntries(
    Object.entries(brokerVariants).map(([label, options]) => [label, () => brokerStart(options)]),
  ),
  'KRaft format with kafka-storage (a JVM; now only for SCRAM users)': formatWithTool,
  'Cosmos DB emulator cold start, tsx': () => serviceStart(cosmosService, false),
  'Cosmos DB emulator cold start, compiled': () => serviceStart(cosmosService, true),
  'Search emulator cold start, tsx': () => serviceStart(searchService, false),
  'Search emulator cold start, compiled': () => serviceStart(searchService, true),
  '`hack --help`, tsx': () => cliLoad(false),
  '`hack --help`, compiled': () => cliLoad(true),
  ...(existsSync('/usr/bin/time')
    ? {
        '`hack --help`, tsx, CPU seconds (user + system)': () => cliLoad(false, true),
        '`hack --help`, compiled, CPU seconds (user + system)': () => cliLoad(true, true),
      }
    : {}),
};

// BENCH_START_ONLY=text: only the measures whose label contains it (e.g. `hack`, `emulator`, `broker`).
const only = process.env.BENCH_START_ONLY;
const chosen = Object.entries(measures).filter(([label]) => !only || label.includes(only));
const results = new Map<string, number[]>();
const loads: number[] = [loadavg()[0]!];
try {
  for (let round = 1; round <= rounds; round++) {
    for (const [label, measure] of chosen) {
      const ms = await measure();
      results.set(label, [...(results.get(label) ?? []), ms]);
      process.stderr.write(`round ${round}: ${label} ${(ms / 1000).toFixed(2)} s\n`);
    }
    loads.push(loadavg()[0]!);
  }
} finally {
  delete process.env.HACK_COMPILED;
  rmSync(home, { recursive: true, force: true });
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows = [...results].map(([what, values]) => ({ what, values }));
process.stdout.write(
  `${renderTable(
    [
      { header: 'measure', value: (row) => row.what },
      { header: `median of ${rounds}`, value: (row) => `${(median(row.values) / 1000).toFixed(2)} s` },
      { header: 'runs', value: (row) => row.values.map((ms) => (ms / 1000).toFixed(2)).join(' ') },
    ],
    rows,
  )}\n1-min load average during the rounds: ${loads.map((load) => load.toFixed(1)).join(', ')}\n`,
);
