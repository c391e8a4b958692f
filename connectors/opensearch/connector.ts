import { parseValidConfig } from '../runtime/api/config.ts';
import type { Connector, Props } from '../runtime/api/plugins.ts';
import { openSearchSinkSpec } from './spec.ts';

/** `OpensearchSinkConnector`: every task gets the same config; Kafka spreads the topic partitions over them. */
export class OpenSearchSinkConnector implements Connector {
  readonly type = 'sink' as const;
  private props: Props = {};

  config(): typeof openSearchSinkSpec {
    return openSearchSinkSpec;
  }

  start(props: Props): void {
    parseValidConfig(openSearchSinkSpec, props);
    this.props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}
}
