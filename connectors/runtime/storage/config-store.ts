import type { Producer } from 'kafkajs';
import type { Props } from '../api/plugins.ts';
import { parseJsonValue, writeRecord, type LogRecord } from './kafka-log.ts';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

/**
 * The config topic in Apache's record formats (KafkaConfigBackingStore): `connector-<name>`,
 * `task-<name>-<n>` then `commit-<name>`, `target-state-<name>`, `restart-connector-<name>`. Task configs take
 * effect only with their commit record, as in Apache, so a half-written set is never used.
 */
export class ConfigStore {
  readonly connectors = new Map<string, Props>();
  readonly taskConfigs = new Map<string, Props[]>();
  readonly targetStates = new Map<string, TargetState>();
  private readonly uncommittedTasks = new Map<string, Map<number, Props>>();

  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  apply(record: LogRecord): void {
    const key = record.key ?? '';
    const value = parseJsonValue(record.value) as Record<string, unknown> | null | undefined;
    if (value === undefined) return;
    if (key.startsWith('connector-')) {
      const name = key.slice('connector-'.length);
      if (value === null) {
        this.connectors.delete(name);
        this.taskConfigs.delete(name);
        this.targetStates.delete(name);
      } else this.connectors.set(name, (value.properties ?? {}) as Props);
    } else if (key.startsWith('target-state-')) {
      const name = key.slice('target-state-'.length);
      if (value === null) this.targetStates.delete(name);
      else this.targetStates.set(name, ((value['state.v2'] ?? value.state) as TargetState) ?? 'STARTED');
    } else if (key.startsWith('task-')) {
      const match = /^task-(.*)-(\d+)$/.exec(key);
      if (!match || value === null) return;
      const pending = this.uncommittedTasks.get(match[1]!) ?? new Map<number, Props>();
      pending.set(Number(match[2]), (value.properties ?? {}) as Props);
      this.uncommittedTasks.set(match[1]!, pending);
    } else if (key.startsWith('commit-')) {
      const name = key.slice('commit-'.length);
      const count = Number((value ?? {}).tasks ?? 0);
      const pending = this.uncommittedTasks.get(name) ?? new Map<number, Props>();
      const configs: Props[] = [];
      for (let task = 0; task < count; task++) {
        const config = pending.get(task) ?? this.taskConfigs.get(name)?.[task];
        if (config) configs.push(config);
      }
      this.taskConfigs.set(name, configs);
      this.uncommittedTasks.delete(name);
    }
  }

  async putConnectorConfig(name: string, props: Props): Promise<void> {
    await writeRecord(this.producer, this.topic, `connector-${name}`, { properties: props });
    this.connectors.set(name, props);
  }

  async removeConnector(name: string): Promise<void> {
    await writeRecord(this.producer, this.topic, `connector-${name}`, null);
    await writeRecord(this.producer, this.topic, `target-state-${name}`, null);
    this.connectors.delete(name);
    this.taskConfigs.delete(name);
    this.targetStates.delete(name);
  }

  async putTaskConfigs(name: string, configs: Props[]): Promise<void> {
    for (const [index, properties] of configs.entries()) {
      await writeRecord(this.producer, this.topic, `task-${name}-${index}`, { properties });
    }
    await writeRecord(this.producer, this.topic, `commit-${name}`, { tasks: configs.length });
    this.taskConfigs.set(name, configs);
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    // `state` is what pre-3.5 workers read (they know no STOPPED); `state.v2` is the real one.
    await writeRecord(this.producer, this.topic, `target-state-${name}`, {
      state: state === 'STOPPED' ? 'PAUSED' : state,
      'state.v2': state,
    });
    this.targetStates.set(name, state);
  }

  async putRestartRequest(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<void> {
    await writeRecord(this.producer, this.topic, `restart-connector-${name}`, {
      'include-tasks': includeTasks,
      'only-failed': onlyFailed,
    });
  }

  targetState(name: string): TargetState {
    return this.targetStates.get(name) ?? 'STARTED';
  }
}
