import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hackHome } from '../paths.ts';
import { HackError } from '../errors.ts';
import { timeline } from '../console/timeline.ts';
import { isAlive, stopProcess } from '../process/index.ts';
import { findService, stackServices } from './registry.ts';
import type { ServiceDefinition } from './service.ts';
import { readStack, removeStack, writeStack, type Profile, type StackFile } from './stack-file.ts';

export interface UpOptions {
  profile?: Profile;
  env?: NodeJS.ProcessEnv;
  ephemeralPorts?: boolean;
  /**
   * Start only these services (and keep what is already recorded). Without it: every service except the on-demand
   * ones (the databases) that are not recorded yet.
   */
  only?: string[];
  progress?: (message: string) => void;
}

export type ServiceOutcome =
  'started' | 'already running' | 'recovered' | 'stopped' | 'not running' | 'killed';

export interface UpResult {
  stack: StackFile;
  outcomes: Record<string, ServiceOutcome>;
}

/**
 * Brings the stack up: services whose recorded process still answers are left alone, dead ones (a crash, a
 * `kill -9`) are started again on their data, missing ones are started. A lock file keeps two `hack up`s from
 * starting two brokers.
 */
export async function up(options: UpOptions = {}): Promise<UpResult> {
  return withStackLock(async () => {
    const existing = readStack();
    const profile = options.profile ?? existing?.profile ?? 'local';
    if (existing && existing.profile !== profile && Object.keys(existing.services).length > 0) {
      throw new HackError(`The stack is running with the ${existing.profile} profile, not ${profile}.`, {
        fix: 'Run `npx hack down` first, or leave out --profile to keep the running one.',
      });
    }
    const stack: StackFile = existing ?? { profile, startedAt: new Date().toISOString(), services: {} };
    const outcomes: Record<string, ServiceOutcome> = {};
    const progress = options.progress ?? (() => {});
    // Services start concurrently, each as soon as the ones it depends on are up (the emulators do not wait
    // for Kafka's JVM; the worker does).
    const done = new Map<string, Promise<void>>();
    const only = options.only && withNeeds(options.only);
    for (const service of stackServices) {
      const wanted = only
        ? only.includes(service.name)
        : !service.onDemand || stack.services[service.name] !== undefined;
      if (!wanted) continue;
      const dependencies = (service.dependsOn ?? [])
        .map((name) => done.get(name))
        .filter((promise) => promise !== undefined);
      done.set(
        service.name,
        Promise.all(dependencies).then(async () => {
          const recorded = stack.services[service.name];
          if (recorded && (await service.isHealthy(recorded))) {
            outcomes[service.name] = 'already running';
            return;
          }
          if (recorded?.pid && isAlive(recorded.pid)) await stopService(service, recorded); // alive but not answering
          progress(`${recorded ? 'Restarting' : 'Starting'} ${service.name}…`);
          stack.services[service.name] = await timeline.time(`${service.name}: start until ready`, () =>
            service.start({
              profile,
              services: stack.services,
              env: options.env ?? process.env,
              ephemeralPorts: options.ephemeralPorts ?? false,
              progress,
            }),
          );
          outcomes[service.name] = recorded ? 'recovered' : 'started';
          writeStack(stack); // after each service: a failure elsewhere still leaves the running ones recorded
        }),
      );
    }
    const results = await Promise.allSettled(done.values());
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    writeStack(stack);
    return { stack, outcomes };
  });
}

/** The named services and, transitively, what they need (`hack up apache-connect` brings Kafka along). */
function withNeeds(names: string[]): string[] {
  const all = new Set(names);
  for (const name of all) for (const need of findService(name)?.needs ?? []) all.add(need);
  return [...all];
}

/**
 * Stops the recorded services (last started first) and removes stack.json; with `only`, just those services
 * (what one command started), leaving the others running and recorded.
 */
export async function down(
  progress: (message: string) => void = () => {},
  only?: string[],
): Promise<Record<string, ServiceOutcome>> {
  return withStackLock(async () => {
    const stack = readStack();
    const outcomes: Record<string, ServiceOutcome> = {};
    if (!stack) return outcomes;
    // Dependents first (the worker before Kafka): registry order, reversed; unknown entries last.
    const order = stackServices.map((service) => service.name);
    const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : -1);
    const names = Object.keys(stack.services)
      .filter((name) => !only || only.includes(name))
      .sort((a, b) => rank(b) - rank(a));
    for (const name of names) {
      const entry = stack.services[name];
      if (!entry) continue;
      const service = findService(name);
      const running = entry.pid === undefined ? true : isAlive(entry.pid);
      if (!running) {
        outcomes[name] = 'not running';
        continue;
      }
      progress(`Stopping ${name}…`);
      outcomes[name] = await timeline.time(`${name}: stop`, () =>
        service ? stopService(service, entry) : stopPid(entry.pid),
      );
    }
    for (const name of names) delete stack.services[name];
    if (Object.keys(stack.services).length === 0) removeStack();
    else writeStack(stack);
    return outcomes;
  });
}

async function stopService(service: ServiceDefinition, entry: { pid?: number }): Promise<ServiceOutcome> {
  if (service.stop) {
    await service.stop(entry);
    return 'stopped';
  }
  return stopPid(entry.pid);
}

async function stopPid(pid: number | undefined): Promise<ServiceOutcome> {
  if (!pid) return 'not running';
  const result = await stopProcess(pid);
  return result === 'not-running' ? 'not running' : result;
}

export interface ServiceStatus {
  name: string;
  state: 'running' | 'dead' | 'not answering';
  pid?: number;
  endpoint: string;
}

export async function status(stack: StackFile): Promise<ServiceStatus[]> {
  const rows: ServiceStatus[] = [];
  for (const [name, entry] of Object.entries(stack.services)) {
    if (!entry) continue;
    const service = findService(name);
    const alive = entry.pid === undefined || isAlive(entry.pid);
    const healthy = alive && service ? await service.isHealthy(entry) : alive;
    rows.push({
      name,
      state: !alive ? 'dead' : healthy ? 'running' : 'not answering',
      pid: entry.pid,
      endpoint: service ? service.describe(entry) : '',
    });
  }
  return rows;
}

/** A lock file holding our pid; one left by a dead process is taken over. */
async function withStackLock<T>(body: () => Promise<T>): Promise<T> {
  mkdirSync(hackHome(), { recursive: true });
  const lock = join(hackHome(), 'stack.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      const text = readLock(lock);
      const holder = Number(text || '0');
      // An empty lock is being written by its holder right now, unless it is old (the holder died mid-write).
      const abandoned = text === '' && Date.now() - lockModifiedAt(lock) > 5000;
      if (text === undefined || abandoned || (holder && !isAlive(holder))) {
        rmSync(lock, { force: true });
        continue;
      }
      if (attempt > 600) {
        throw new HackError(`Another hack command (pid ${holder}) is changing the stack.`, {
          fix: 'Wait for it to finish, or stop it.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readLock(lock: string): string | undefined {
  try {
    return readFileSync(lock, 'utf8').trim();
  } catch {
    return undefined; // released meanwhile
  }
}

function lockModifiedAt(lock: string): number {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}
