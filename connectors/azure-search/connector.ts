import { parseValidConfig } from '../runtime/api/config.ts';
import type { Connector, Props } from '../runtime/api/plugins.ts';
import { searchSinkSpec } from './spec.ts';

/** `AzureSearchSinkConnector`: every task gets the same config; Kafka spreads the topic partitions over them. */
export class AzureSearchSinkConnector implements Connector {
  readonly type = 'sink' as const;
  private props: Props = {};

  config(): typeof searchSinkSpec {
    return searchSinkSpec;
  }

  start(props: Props): void {
    parseValidConfig(searchSinkSpec, props);
    this.props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}
}
