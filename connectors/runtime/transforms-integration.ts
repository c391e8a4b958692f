import type { ConnectRecord } from './api/records.ts';
import type { Props } from './api/plugins.ts';
import type { ConfigInfos } from './connector-config.ts';
import type { PluginRegistry } from './plugins.ts';

/**
 * INTEGRATION POINT with the SMT helper's `transforms/chain.ts` (`buildTransformChain`, `validateTransformConfig`).
 * Until that lands, a connector with `transforms` set is rejected at validation, so nothing silently skips them.
 */
export interface TransformChain {
  apply(record: ConnectRecord): ConnectRecord | null;
  /** The class of the stage that failed last, for DLQ headers (`__connect.errors.class.name`). */
  failingClass?: string;
  close?(): void;
}

export function transformConfigErrors(
  _registry: PluginRegistry,
  props: Props,
): { configs: ConfigInfos['configs'] } {
  const aliases = (props.transforms ?? '')
    .split(',')
    .map((alias) => alias.trim())
    .filter(Boolean);
  if (aliases.length === 0) return { configs: [] };
  return {
    configs: [
      {
        definition: {
          name: 'transforms',
          type: 'LIST',
          required: false,
          default_value: '',
          importance: 'LOW',
          documentation: 'Aliases for the transformations to be applied to records.',
          group: 'Transforms',
          width: 'LONG',
          display_name: 'Transforms',
          dependents: [],
          order: 1,
        },
        value: {
          name: 'transforms',
          value: props.transforms ?? '',
          recommended_values: [],
          errors: ['Transforms are not available in this build of the worker yet.'],
          visible: true,
        },
      },
    ],
  };
}

export function buildTransforms(_registry: PluginRegistry, props: Props): TransformChain {
  const aliases = (props.transforms ?? '')
    .split(',')
    .map((alias) => alias.trim())
    .filter(Boolean);
  if (aliases.length > 0) throw new Error('Transforms are not available in this build of the worker yet.');
  return { apply: (record) => record };
}
