import type { Kafka } from 'kafkajs';
import { AlreadyExistsException, ConnectException, NotFoundException } from '../api/errors.ts';
import type { Connector, Props } from '../api/plugins.ts';
import { maskSecrets, resolveConfig, unresolve } from '../config-providers.ts';
import type { ConfigInfos } from '../config-infos.ts';
import { validateConnectorConfig, validationMessages } from '../connector-config.ts';
import { newWorkerMetrics, type MetricsSnapshot, type TaskMetrics, type WorkerMetrics } from '../metrics.ts';
import type { PluginRegistry } from '../plugins.ts';
import type { ConnectorState, Storage, TargetState } from '../storage/index.ts';
import { javaStackTrace } from '../worker/java-trace.ts';
import { SinkTaskRunner } from '../worker/sink-runner.ts';
import { SourceTaskRunner } from '../worker/source-runner.ts';
import type { TaskHost, TaskRunner, TaskState } from '../worker/task-host.ts';
import { badRequest } from './errors.ts';
import type { ConnectorInfo, ConnectorOffsets, ConnectorStateInfo, StateInfo, TaskInfo } from './shapes.ts';
import { alterOffsets, readOffsets, resetOffsets } from './connector-offsets.ts';

interface TaskSlot {
  runner?: TaskRunner;
  state: ConnectorState;
  trace: string | null;
}

interface ConnectorSlot {
  name: string;
  connector?: Connector;
  type: 'source' | 'sink' | 'unknown';
  state: ConnectorState;
  trace: string | null;
  tasks: Map<number, TaskSlot>;
  /** Secrets of the resolved config, masked out of traces and log lines. */
  secrets: string[];
  generation: number;
}

export interface HerderOptions {
  storage: Storage;
  registry: PluginRegistry;
  workerProps: Props;
  workerId: string;
  client(clientId: string): Kafka;
  offsetFlushIntervalMs: number;
  log(line: string, logger?: string): void;
  resolve?: (props: Props) => Props;
}

/**
 * The single-worker herder: connector and task lifecycle under target states STARTED / PAUSED / STOPPED, task
 * config generation, statuses, restarts and offsets. Every change is written to the internal topics first,
 * then acted on, so a worker restarted from them does what the last one was told. (Longer than our usual file:
 * lifecycle, target states and statuses are one state machine over the same slots, easier to read together.)
 */
export class Herder {
  private readonly slots = new Map<string, ConnectorSlot>();
  readonly workerMetrics: WorkerMetrics = newWorkerMetrics();
  private readonly host: TaskHost;
  private readonly resolve: (props: Props) => Props;
  /** One lifecycle change per connector at a time (REST calls may overlap). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: HerderOptions) {
    this.resolve = options.resolve ?? ((props) => resolveConfig(props));
    this.host = {
      workerProps: options.workerProps,
      registry: options.registry,
      storage: options.storage,
      admin: options.storage.admin,
      client: options.client,
      offsetFlushIntervalMs: options.offsetFlushIntervalMs,
      log: options.log,
    };
  }

  private get configs() {
    return this.options.storage.configs;
  }

  private exclusive<T>(name: string, body: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const run = previous.then(body, body);
    this.locks.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  async start(): Promise<void> {
    for (const name of this.configs.connectors.keys())
      await this.exclusive(name, () => this.startConnector(name));
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.slots.keys()].map((name) => this.exclusive(name, () => this.stopConnector(name))),
    );
  }

  /** The worker's own properties (`topic.tracking.*`, converters…). */
  get workerProps(): Props {
    return this.options.workerProps;
  }

  // ------------------------------------------------------------------------------------------------ reads

  connectorNames(): string[] {
    return [...this.configs.connectors.keys()];
  }

  private requireConfig(name: string): Props {
    const config = this.configs.connectors.get(name);
    if (!config) throw new NotFoundException(`Connector ${name} not found`);
    return config;
  }

  connectorType(config: Props): 'source' | 'sink' | 'unknown' {
    return this.options.registry.findConnector(config['connector.class'] ?? '')?.kind ?? 'unknown';
  }

  info(name: string): ConnectorInfo {
    const config = this.requireConfig(name);
    const tasks = this.configs.taskConfigs.get(name) ?? [];
    return {
      name,
      config: { ...config },
      tasks: tasks.map((_, task) => ({ connector: name, task })),
      type: this.connectorType(config),
    };
  }

  config(name: string): Props {
    return { ...this.requireConfig(name) };
  }

  taskInfos(name: string): TaskInfo[] {
    this.requireConfig(name);
    return (this.configs.taskConfigs.get(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: { ...config },
    }));
  }

  status(name: string): ConnectorStateInfo {
    const slot = this.slots.get(name);
    if (!slot || !this.configs.connectors.has(name))
      throw new NotFoundException(`No status found for connector ${name}`);
    return {
      name,
      connector: this.stateInfo(slot.state, slot.trace, this.versionOf(name)),
      tasks: [...slot.tasks.entries()]
        .sort(([a], [b]) => a - b)
        .map(([id, task]) => ({ id, ...this.stateInfo(task.state, task.trace, this.versionOf(name)) })),
      type: slot.type,
    };
  }

  taskStatus(name: string, id: number): StateInfo & { id: number } {
    const task = this.slots.get(name)?.tasks.get(id);
    if (!task) throw new NotFoundException(`No status found for task ${name}-${id}`);
    return { id, ...this.stateInfo(task.state, task.trace, this.versionOf(name)) };
  }

  /** Kafka 4.1 (KIP-891) adds the plugin version to each state, after `worker_id`. */
  private stateInfo(state: ConnectorState, trace: string | null, version: string | undefined): StateInfo {
    const info: StateInfo = { state, worker_id: this.options.workerId };
    if (version) info.version = version;
    if (trace) info.trace = trace;
    return info;
  }

  private versionOf(name: string): string | undefined {
    return this.options.registry.findConnector(this.configs.connectors.get(name)?.['connector.class'] ?? '')
      ?.version;
  }

  topics(name: string): string[] {
    this.requireConfig(name);
    return this.options.storage.statuses.topics(name);
  }

  async resetTopics(name: string): Promise<void> {
    this.requireConfig(name);
    await this.options.storage.statuses.resetActiveTopics(name);
  }

  validate(config: Props): ConfigInfos {
    return validateConnectorConfig(this.options.registry, config, this.options.workerProps);
  }

  // ----------------------------------------------------------------------------------------------- writes

  /** PUT /connectors/{name}/config and POST /connectors: create, or replace when `allowReplace`. */
  async putConnectorConfig(
    name: string,
    config: Props,
    options: { allowReplace: boolean; initialState?: TargetState },
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.exclusive(name, async () => {
      const exists = this.configs.connectors.has(name);
      if (exists && !options.allowReplace)
        throw new AlreadyExistsException(`Connector ${name} already exists`);
      this.validateOrThrow(config);
      if (exists) await this.stopConnector(name);
      if (!exists && options.initialState) await this.configs.putTargetState(name, options.initialState);
      await this.configs.putConnectorConfig(name, config);
      // Apache answers before the connector generated its tasks: a new connector shows `"tasks": []`.
      const info = this.info(name);
      await this.startConnector(name);
      return { created: !exists, info };
    });
  }

  private validateOrThrow(config: Props): void {
    if (!config['connector.class']) {
      throw badRequest(
        `Connector config {${Object.entries(config)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}} contains no connector type`,
      );
    }
    let resolved: Props;
    try {
      resolved = this.resolve(config);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    const infos = validateConnectorConfig(this.options.registry, resolved, this.options.workerProps);
    if (infos.error_count > 0) {
      const messages = validationMessages(infos);
      throw badRequest(
        `Connector configuration is invalid and contains the following ${messages.length} error(s):\n${messages.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
      );
    }
  }

  async deleteConnector(name: string): Promise<void> {
    await this.exclusive(name, async () => {
      this.requireConfig(name);
      const tasks = this.slots.get(name)?.tasks.size ?? 0;
      await this.stopConnector(name);
      await this.configs.removeConnector(name);
      await this.options.storage.statuses.removeConnector(name, tasks);
      this.slots.delete(name);
    });
  }

  async pause(name: string): Promise<void> {
    await this.changeTargetState(name, 'PAUSED');
  }

  async resume(name: string): Promise<void> {
    await this.changeTargetState(name, 'STARTED');
  }

  async stopTarget(name: string): Promise<void> {
    await this.changeTargetState(name, 'STOPPED');
  }

  private async changeTargetState(name: string, target: TargetState): Promise<void> {
    if (!this.configs.connectors.has(name)) throw new NotFoundException(`Unknown connector ${name}`);
    await this.exclusive(name, async () => {
      const previous = this.configs.targetState(name);
      await this.configs.putTargetState(name, target);
      const slot = this.slots.get(name);
      if (target === 'STOPPED') {
        await this.stopConnector(name);
        await this.configs.putTaskConfigs(name, []);
        this.setConnectorState(this.ensureSlot(name), 'STOPPED', null);
      } else if (previous === 'STOPPED' || !slot?.connector) {
        await this.stopConnector(name);
        await this.startConnector(name);
      } else if (target === 'PAUSED') {
        this.setConnectorState(slot, 'PAUSED', null);
        for (const task of slot.tasks.values()) if (task.state === 'RUNNING') await task.runner?.pause();
      } else {
        this.setConnectorState(slot, 'RUNNING', null);
        for (const task of slot.tasks.values()) if (task.state === 'PAUSED') await task.runner?.resume();
      }
    });
  }

  /** POST /connectors/{name}/restart: the plan (with RESTARTING states) is returned, the restart runs after. */
  async restart(
    name: string,
    includeTasks: boolean,
    onlyFailed: boolean,
  ): Promise<ConnectorStateInfo | undefined> {
    if (!this.configs.connectors.has(name)) throw new NotFoundException(`Unknown connector: ${name}`);
    const slot = this.ensureSlot(name);
    const restartConnector = !onlyFailed || slot.state === 'FAILED';
    const tasks = [...slot.tasks.entries()]
      .filter(([, task]) => includeTasks && (!onlyFailed || task.state === 'FAILED'))
      .map(([id]) => id);
    await this.configs.putRestartRequest(name, includeTasks, onlyFailed);
    if (!includeTasks && !onlyFailed) {
      await this.exclusive(name, () => this.restartConnectorOnly(name));
      return undefined;
    }
    // RESTARTING until each restarts (Apache's onRestart records it in the status store): a status read between
    // this answer and the restart must not show the old RUNNING, as if the restart had already happened.
    if (restartConnector) this.setConnectorState(slot, 'RESTARTING', null);
    for (const id of tasks) this.setTaskState(slot, id, slot.tasks.get(id)!, 'RESTARTING');
    const plan = this.status(name);
    void this.exclusive(name, async () => {
      if (restartConnector && tasks.length === slot.tasks.size) {
        await this.stopConnector(name);
        await this.startConnector(name);
        return;
      }
      if (restartConnector) await this.restartConnectorOnly(name);
      for (const id of tasks) await this.restartTaskNow(name, id);
    }).catch((error) => this.options.log(`ERROR restart of ${name} failed: ${(error as Error).message}`));
    return plan;
  }

  async restartTask(name: string, id: number): Promise<void> {
    if (!this.configs.connectors.has(name)) throw new NotFoundException(`Unknown connector: ${name}`);
    if (!this.slots.get(name)?.tasks.has(id)) throw new NotFoundException(`Unknown task: ${name}-${id}`);
    await this.exclusive(name, () => this.restartTaskNow(name, id));
  }

  private async restartConnectorOnly(name: string): Promise<void> {
    const slot = this.ensureSlot(name);
    if (this.configs.targetState(name) === 'STOPPED') return;
    await this.stopConnectorInstance(slot);
    await this.startConnectorInstance(name, slot);
  }

  private async restartTaskNow(name: string, id: number): Promise<void> {
    const slot = this.slots.get(name);
    const task = slot?.tasks.get(id);
    if (!slot || !task) return;
    await task.runner?.stop().catch(() => undefined);
    slot.tasks.delete(id);
    const config = this.configs.taskConfigs.get(name)?.[id];
    if (config) await this.startTask(name, slot, id, config);
  }

  // -------------------------------------------------------------------------------------------- offsets

  private offsetContext(name: string) {
    const config = this.requireConfig(name);
    return {
      name,
      config,
      kind: this.connectorType(config),
      stopped: this.configs.targetState(name) === 'STOPPED',
      storage: this.options.storage,
      registry: this.options.registry,
    };
  }

  offsets(name: string): Promise<ConnectorOffsets> {
    return readOffsets(this.offsetContext(name));
  }

  alterOffsets(name: string, body: unknown): Promise<string> {
    return alterOffsets(this.offsetContext(name), body);
  }

  resetOffsets(name: string): Promise<string> {
    return resetOffsets(this.offsetContext(name));
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  private ensureSlot(name: string): ConnectorSlot {
    let slot = this.slots.get(name);
    if (!slot) {
      const config = this.configs.connectors.get(name) ?? {};
      slot = {
        name,
        type: this.connectorType(config),
        state: 'UNASSIGNED',
        trace: null,
        tasks: new Map(),
        secrets: [],
        generation: 0,
      };
      this.slots.set(name, slot);
    }
    return slot;
  }

  private async startConnector(name: string): Promise<void> {
    const slot = this.ensureSlot(name);
    slot.type = this.connectorType(this.configs.connectors.get(name) ?? {});
    if (this.configs.targetState(name) === 'STOPPED') {
      slot.tasks.clear();
      this.setConnectorState(slot, 'STOPPED', null);
      return;
    }
    await this.startConnectorInstance(name, slot);
    if (slot.state === 'FAILED') return;
    await this.startTasks(name, slot);
  }

  private async startConnectorInstance(name: string, slot: ConnectorSlot): Promise<void> {
    const raw = this.configs.connectors.get(name) ?? {};
    this.workerMetrics.connectorStartupAttempts++;
    try {
      const resolved = this.resolve(raw);
      slot.secrets = this.secretsOf(resolved);
      const plugin = this.options.registry.connector(resolved['connector.class'] ?? '');
      const connector = plugin.create();
      connector.initialize?.({
        requestTaskReconfiguration: () => void this.exclusive(name, () => this.reconfigure(name)),
        raiseError: (error) => this.setConnectorState(slot, 'FAILED', error),
      });
      await connector.start(resolved);
      slot.connector = connector;
      this.workerMetrics.connectorStartupSuccess++;
      this.setConnectorState(slot, this.configs.targetState(name) === 'PAUSED' ? 'PAUSED' : 'RUNNING', null);
      await this.generateTaskConfigs(name, connector, raw, resolved);
    } catch (error) {
      this.workerMetrics.connectorStartupFailure++;
      slot.connector = undefined;
      this.setConnectorState(slot, 'FAILED', error);
    }
  }

  private async generateTaskConfigs(
    name: string,
    connector: Connector,
    raw: Props,
    resolved: Props,
  ): Promise<void> {
    const maxTasks = Number(resolved['tasks.max'] ?? 1);
    const generated = await connector.taskConfigs(maxTasks);
    if (generated.length > maxTasks && resolved['tasks.max.enforce'] !== 'false') {
      throw new ConnectException(
        `The connector ${name} has generated ${generated.length} tasks, which is greater than ${maxTasks}, the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set to false; however, this option will be removed in a future release of Kafka Connect.`,
      );
    }
    // Apache adds the task class to each task config; the stored form keeps `${…}` placeholders.
    const taskConfigs = generated.map((config) =>
      unresolve(
        {
          ...config,
          'task.class': taskClassOf(
            this.options.registry.connector(resolved['connector.class'] ?? '').className,
          ),
        },
        raw,
        resolved,
      ),
    );
    const stored = this.configs.taskConfigs.get(name);
    if (JSON.stringify(stored) !== JSON.stringify(taskConfigs))
      await this.configs.putTaskConfigs(name, taskConfigs);
  }

  private async reconfigure(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot?.connector) return;
    const raw = this.configs.connectors.get(name) ?? {};
    const before = JSON.stringify(this.configs.taskConfigs.get(name));
    await this.generateTaskConfigs(name, slot.connector, raw, this.resolve(raw));
    if (JSON.stringify(this.configs.taskConfigs.get(name)) === before) return;
    await this.stopTasks(slot);
    await this.startTasks(name, slot);
  }

  private async startTasks(name: string, slot: ConnectorSlot): Promise<void> {
    const configs = this.configs.taskConfigs.get(name) ?? [];
    for (const [id, config] of configs.entries()) await this.startTask(name, slot, id, config);
  }

  private async startTask(
    name: string,
    slot: ConnectorSlot,
    id: number,
    rawTaskConfig: Props,
  ): Promise<void> {
    const task: TaskSlot = { state: 'UNASSIGNED', trace: null };
    slot.tasks.set(id, task);
    this.workerMetrics.taskStartupAttempts++;
    const listener = {
      onState: (state: TaskState, error?: unknown) => this.setTaskState(slot, id, task, state, error),
    };
    try {
      const connectorProps = this.resolve(this.configs.connectors.get(name) ?? {});
      const taskProps = this.resolve(rawTaskConfig);
      const Runner = slot.type === 'sink' ? SinkTaskRunner : SourceTaskRunner;
      const runner = new Runner(name, id, connectorProps, taskProps, this.host, listener);
      task.runner = runner;
      await runner.start();
      this.workerMetrics.taskStartupSuccess++;
      if (this.configs.targetState(name) === 'PAUSED') await runner.pause();
    } catch (error) {
      this.workerMetrics.taskStartupFailure++;
      this.setTaskState(slot, id, task, 'FAILED', error);
      await task.runner?.stop().catch(() => undefined);
    }
  }

  private async stopTasks(slot: ConnectorSlot): Promise<void> {
    await Promise.all([...slot.tasks.values()].map((task) => task.runner?.stop().catch(() => undefined)));
    slot.tasks.clear();
  }

  private async stopConnectorInstance(slot: ConnectorSlot): Promise<void> {
    try {
      await slot.connector?.stop();
    } catch (error) {
      this.options.log(`WARN connector ${slot.name} failed to stop: ${(error as Error).message}`);
    }
    slot.connector = undefined;
  }

  private async stopConnector(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot) return;
    await this.stopTasks(slot);
    await this.stopConnectorInstance(slot);
  }

  // --------------------------------------------------------------------------------------------- status

  private secretsOf(resolved: Props): string[] {
    const plugin = this.options.registry.findConnector(resolved['connector.class'] ?? '');
    const passwordKeys =
      plugin
        ?.create()
        .config()
        .keys.filter((key) => key.type === 'PASSWORD')
        .map((key) => key.name) ?? [];
    return passwordKeys.map((key) => resolved[key]).filter((value): value is string => Boolean(value));
  }

  private traceOf(slot: ConnectorSlot, error: unknown): string | null {
    return error === undefined || error === null ? null : maskSecrets(javaStackTrace(error), slot.secrets);
  }

  private setConnectorState(slot: ConnectorSlot, state: ConnectorState, error: unknown): void {
    slot.state = state;
    slot.trace = this.traceOf(slot, error);
    if (state === 'FAILED') this.options.log(`ERROR connector ${slot.name} failed: ${slot.trace ?? ''}`);
    void this.options.storage.statuses
      .putConnector(slot.name, {
        state,
        trace: slot.trace,
        worker_id: this.options.workerId,
        generation: ++slot.generation,
      })
      .catch(() => undefined);
  }

  private setTaskState(
    slot: ConnectorSlot,
    id: number,
    task: TaskSlot,
    state: TaskState,
    error?: unknown,
  ): void {
    if (slot.tasks.get(id) !== task) return; // a replaced task reporting late
    task.state = state;
    task.trace = this.traceOf(slot, error);
    if (task.runner) task.runner.metrics.status = state.toLowerCase();
    if (state === 'FAILED') this.options.log(`ERROR task ${slot.name}-${id} failed: ${task.trace ?? ''}`);
    void this.options.storage.statuses
      .putTask(slot.name, id, {
        state,
        trace: task.trace,
        worker_id: this.options.workerId,
        generation: slot.generation,
      })
      .catch(() => undefined);
  }

  metrics(): MetricsSnapshot {
    const tasks: TaskMetrics[] = [];
    const connectors: MetricsSnapshot['connectors'] = [];
    for (const slot of this.slots.values()) {
      const config = this.configs.connectors.get(slot.name) ?? {};
      const plugin = this.options.registry.findConnector(config['connector.class'] ?? '');
      connectors.push({
        name: slot.name,
        type: slot.type,
        className: plugin?.className ?? '',
        version: plugin?.version ?? '',
        status: slot.state,
      });
      for (const task of slot.tasks.values()) if (task.runner) tasks.push(task.runner.metrics);
    }
    return { worker: this.workerMetrics, connectors, tasks };
  }
}

function taskClassOf(connectorClass: string): string {
  return connectorClass.replace(/Connector$/, 'Task');
}
