import type { ConnectRecord } from './api/records.ts';
import type { Props } from './api/plugins.ts';
import { configKeyInfo, configValueString, type ConfigInfos } from './config-infos.ts';
import type { PluginRegistry } from './plugins.ts';
import { buildTransformChain, TransformStageError, validateTransformConfig } from './transforms/chain.ts';
import { parseConfig } from './api/config.ts';

/**
 * The worker's side of the SMT helper's `transforms/chain.ts`: the chain a connector config describes, with the
 * class of the stage that failed last, so the DLQ's `__connect.errors.class.name` names it (e.g.
 * `org.apache.kafka.connect.transforms.Cast$Value`) and the error handler sees the stage's own exception.
 */
export interface TransformChain {
  apply(record: ConnectRecord): ConnectRecord | null;
  /** The class of the stage that failed last. */
  failingClass?: string;
  close?(): void;
}

export function buildTransforms(_registry: PluginRegistry, props: Props): TransformChain {
  const chain = buildTransformChain(props);
  const wrapper: TransformChain = {
    apply(record) {
      try {
        return chain.apply(record);
      } catch (error) {
        if (!(error instanceof TransformStageError)) throw error;
        wrapper.failingClass = error.className;
        throw error.error;
      }
    },
    close: () => chain.close(),
  };
  return wrapper;
}

/** The `transforms.*` / `predicates.*` entries of a validate answer (Apache's ConnectorConfig.enrich). */
export function transformConfigErrors(
  _registry: PluginRegistry,
  props: Props,
): { configs: ConfigInfos['configs'] } {
  const validation = validateTransformConfig(props);
  const parsed = parseConfig({ keys: validation.keys }, props);
  return {
    configs: validation.keys.map((key) => ({
      definition: configKeyInfo(key),
      value: {
        name: key.name,
        value: configValueString(parsed.values[key.name]),
        recommended_values: [],
        errors: validation.errors[key.name] ?? [],
        visible: true,
      },
    })),
  };
}

/** Errors on the `transforms` / `predicates` lists themselves, which the framework keys carry. */
export function transformListErrors(props: Props): Record<string, string[]> {
  const { errors } = validateTransformConfig(props);
  return { transforms: errors.transforms ?? [], predicates: errors.predicates ?? [] };
}
