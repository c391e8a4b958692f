import type { Producer } from 'kafkajs';
import { parseJsonValue, writeRecord, type LogRecord } from './kafka-log.ts';

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STOPPED';

export interface StatusEntry {
  state: ConnectorState;
  trace: string | null;
  worker_id: string;
  generation: number;
}

export interface ActiveTopic {
  name: string;
  connector: string;
  task: number;
  discoverTimestamp: number;
}

/**
 * The status topic in Apache's formats: `status-connector-<name>`, `status-task-<name>-<n>`, and the active
 * topics of KIP-558 under `status-topic-<topic>:connector-<name>`.
 */
export class StatusStore {
  readonly activeTopics = new Map<string, Map<string, ActiveTopic>>();

  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  apply(record: LogRecord): void {
    const match = /^status-topic-(.*):connector-(.*)$/.exec(record.key ?? '');
    if (!match) return;
    const value = parseJsonValue(record.value) as { topic?: ActiveTopic } | null | undefined;
    if (value === undefined) return;
    const topics = this.activeTopics.get(match[2]!) ?? new Map<string, ActiveTopic>();
    if (value === null || !value.topic) topics.delete(match[1]!);
    else topics.set(match[1]!, value.topic);
    this.activeTopics.set(match[2]!, topics);
  }

  async putConnector(name: string, entry: StatusEntry): Promise<void> {
    await writeRecord(this.producer, this.topic, `status-connector-${name}`, entry);
  }

  async putTask(name: string, task: number, entry: StatusEntry): Promise<void> {
    await writeRecord(this.producer, this.topic, `status-task-${name}-${task}`, entry);
  }

  async removeConnector(name: string, tasks: number): Promise<void> {
    await writeRecord(this.producer, this.topic, `status-connector-${name}`, null);
    for (let task = 0; task < tasks; task++) {
      await writeRecord(this.producer, this.topic, `status-task-${name}-${task}`, null);
    }
  }

  topics(connector: string): string[] {
    return [...(this.activeTopics.get(connector)?.keys() ?? [])].sort();
  }

  async addActiveTopic(connector: string, task: number, topic: string): Promise<void> {
    if (this.activeTopics.get(connector)?.has(topic)) return;
    const entry: ActiveTopic = { name: topic, connector, task, discoverTimestamp: Date.now() };
    const topics = this.activeTopics.get(connector) ?? new Map<string, ActiveTopic>();
    topics.set(topic, entry);
    this.activeTopics.set(connector, topics);
    await writeRecord(this.producer, this.topic, `status-topic-${topic}:connector-${connector}`, {
      topic: entry,
    });
  }

  async resetActiveTopics(connector: string): Promise<void> {
    for (const topic of this.topics(connector)) {
      await writeRecord(this.producer, this.topic, `status-topic-${topic}:connector-${connector}`, null);
    }
    this.activeTopics.delete(connector);
  }
}
