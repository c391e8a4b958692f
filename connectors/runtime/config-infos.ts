import { isRequired, Password, type ConfigKey, type ConfigValue } from './api/config.ts';

/**
 * The shapes of `/connector-plugins/{p}/config` and `…/config/validate` answers (Apache's ConfigInfos), shared by
 * the framework keys' validate (connector-config.ts) and the transforms' (transforms-integration.ts).
 */
export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  width: string;
  display_name: string;
  dependents: string[];
  order: number;
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: Array<{ definition: ConfigKeyInfo; value: ConfigValueInfo }>;
}

/** Kafka's ConfigDef.convertToString: how values and defaults print in REST answers. */
export function configValueString(value: ConfigValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Password) return '[hidden]';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export function configKeyInfo(entry: ConfigKey): ConfigKeyInfo {
  return {
    name: entry.name,
    type: entry.type,
    required: isRequired(entry),
    default_value: isRequired(entry) ? null : configValueString(entry.default),
    importance: entry.importance,
    documentation: entry.documentation,
    group: entry.group ?? null,
    width: entry.width ?? 'NONE',
    display_name: entry.displayName ?? entry.name,
    dependents: entry.dependents ?? [],
    order: entry.orderInGroup ?? -1,
  };
}
