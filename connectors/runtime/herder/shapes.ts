import type { Props } from '../api/plugins.ts';
import type { ConnectorState } from '../storage/index.ts';

/** The JSON shapes of Apache's REST entities (org.apache.kafka.connect.runtime.rest.entities). */
export interface ConnectorInfo {
  name: string;
  config: Props;
  tasks: Array<{ connector: string; task: number }>;
  type: 'source' | 'sink' | 'unknown';
}

export interface StateInfo {
  state: ConnectorState;
  worker_id: string;
  trace?: string;
  version?: string;
}

export interface ConnectorStateInfo {
  name: string;
  connector: StateInfo;
  tasks: Array<StateInfo & { id: number }>;
  type: 'source' | 'sink' | 'unknown';
}

export interface TaskInfo {
  id: { connector: string; task: number };
  config: Props;
}

export interface ConnectorOffsets {
  offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> | null }>;
}
