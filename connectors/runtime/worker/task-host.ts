import type { Admin, Kafka } from 'kafkajs';
import type { Props } from '../api/plugins.ts';
import type { PluginRegistry } from '../plugins.ts';
import type { Storage } from '../storage/index.ts';
import { newTaskMetrics, type TaskMetrics } from '../metrics.ts';
import { buildTransforms, type TransformChain } from '../transforms-integration.ts';
import { createConverters, type TaskConverters } from './converters.ts';

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
  /** The worker's log; `logger` names the logger whose level filters the line (root when absent). */
  log(line: string, logger?: string): void;
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

/**
 * What a sink and a source runner share: the task's identity, its props, metrics and listener, and the pipeline
 * built from the connector config — the task instance, its converters and its transform chain.
 */
export abstract class TaskRunnerBase<Task> {
  readonly metrics: TaskMetrics;
  protected task!: Task;
  private taskLogger = 'root';
  /** The task's own log lines (its context's `log`), filtered by its logger's level. */
  protected readonly taskLog = (line: string): void => this.host.log(line, this.taskLogger);
  protected converters!: TaskConverters;
  protected transforms!: TransformChain;

  constructor(
    readonly connector: string,
    readonly id: number,
    protected readonly connectorProps: Props,
    protected readonly taskProps: Props,
    protected readonly host: TaskHost,
    protected readonly listener: TaskListener,
    kind: 'sink' | 'source',
  ) {
    this.metrics = newTaskMetrics(connector, id, kind);
  }

  /** Instantiates the task class, the converters and the transform chain the connector config names. */
  protected createPipeline(): void {
    const plugin = this.host.registry.connector(this.connectorProps['connector.class'] ?? '');
    this.task = plugin.createTask() as Task;
    // Apache's tasks log under their class; ours is named after the connector's (`…SinkConnector` → `…SinkTask`).
    this.taskLogger = plugin.className.replace(/Connector$/, 'Task');
    this.converters = createConverters(this.host.registry, this.connectorProps, this.host.workerProps);
    this.transforms = buildTransforms(this.host.registry, this.connectorProps);
  }
}
