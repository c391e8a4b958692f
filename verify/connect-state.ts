import { ConnectClient } from '../connectors/runtime/connect-client.ts';

export interface TaskState {
  id: number;
  state: string;
  trace?: string;
}

/** A deployed connector as the Connect REST API describes it (`GET /connectors?expand=status&expand=info`). */
export interface ConnectorView {
  name: string;
  type: string;
  config: Record<string, string>;
  state: string;
  trace?: string;
  tasks: TaskState[];
}

interface Expanded {
  [name: string]: {
    status: { connector: { state: string; trace?: string }; tasks: TaskState[]; type: string };
    info: { config: Record<string, string>; type: string };
  };
}

export async function readConnectors(url: string): Promise<ConnectorView[]> {
  const expanded = await new ConnectClient(url).get<Expanded>('/connectors?expand=status&expand=info');
  return Object.entries(expanded).map(([name, { status, info }]) => ({
    name,
    type: info.type,
    config: info.config,
    state: status.connector.state,
    trace: status.connector.trace,
    tasks: [...status.tasks].sort((a, b) => a.id - b.id),
  }));
}
