import type { Admin, Kafka } from 'kafkajs';
import type { Props } from '../api/plugins.ts';
import type { PluginRegistry } from '../plugins.ts';
import type { Storage } from '../storage/index.ts';
import type { TaskMetrics } from '../metrics.ts';

export type TaskState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING';

/** What a task runner needs from the worker around it. */
export interface TaskHost {
  workerProps: Props;
  registry: PluginRegistry;
  storage: Storage;
  admin: Admin;
  /** A kafkajs client with this client id (`connector-consumer-<name>-<n>` etc., as Apache names them). */
  client(clientId: string): Kafka;
  offsetFlushIntervalMs: number;
  log(line: string): void;
}

/** One running task: a sink consumer loop or a source poll loop. */
export interface TaskRunner {
  readonly connector: string;
  readonly id: number;
  readonly metrics: TaskMetrics;
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops, committing what was delivered (sink) or acknowledged (source). */
  stop(): Promise<void>;
}

export interface TaskListener {
  onState(state: TaskState, error?: unknown): void;
}

export async function serially<T>(lock: { chain: Promise<unknown> }, body: () => Promise<T>): Promise<T> {
  const run = lock.chain.then(body, body);
  lock.chain = run.catch(() => undefined);
  return run;
}
