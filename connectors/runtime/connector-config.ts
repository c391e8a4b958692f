import { errorCount, parseConfig, type ConfigSpec, type ParsedConfig } from './api/config.ts';
import type { ConnectorPlugin, Props } from './api/plugins.ts';
import type { PluginRegistry } from './plugins.ts';
import { transformConfigErrors, transformListErrors } from './transforms-integration.ts';
import { configKeyInfo, configValueString, type ConfigInfos } from './config-infos.ts';
import { commonKeys as common, sinkKeys as sinkOnly, sourceKeys as sourceOnly } from './framework-keys.ts';

const sinkRules: ConfigSpec['rules'] = [
  {
    name: 'topics-xor-regex',
    description: 'Exactly one of topics and topics.regex is set.',
    check: ({ values }) => {
      const topics = (values.topics as string[] | null) ?? [];
      const regex = (values['topics.regex'] as string | null) ?? '';
      if (topics.length > 0 && regex !== '') {
        const message = 'topics and topics.regex are mutually exclusive options, but both are set.';
        return { topics: message, 'topics.regex': message };
      }
      if (topics.length === 0 && regex === '') {
        const message = 'Must configure one of topics or topics.regex';
        return { topics: message, 'topics.regex': message };
      }
      return undefined;
    },
  },
  {
    name: 'dlq-not-consumed',
    description: 'The DLQ topic is not one of the consumed topics.',
    check: ({ values }) => {
      const dlq = (values['errors.deadletterqueue.topic.name'] as string | null) ?? '';
      const topics = (values.topics as string[] | null) ?? [];
      if (dlq && topics.includes(dlq)) {
        return {
          'errors.deadletterqueue.topic.name': `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${topics.join(',')}') to be consumed.`,
        };
      }
      return undefined;
    },
  },
];

/**
 * The framework keys for a connector plugin, as its `/connector-plugins/{p}/config` lists them:
 * `connector.plugin.version` defaults to the plugin's version. (Apache's `connector.class` documentation names
 * FileStreamSinkConnector as its example whatever the plugin; so does ours.)
 */
export function frameworkSpec(
  plugin: { className: string; version: string; kind: 'source' | 'sink' } | undefined,
): ConfigSpec {
  const type = plugin?.kind;
  const keys = [...common, ...(type === 'sink' ? sinkOnly : type === 'source' ? sourceOnly : [])].map(
    (key) => {
      if (!plugin) return key;
      if (key.name === 'connector.plugin.version') return { ...key, default: plugin.version };
      return key;
    },
  );
  return type === 'sink' ? { keys, rules: sinkRules } : { keys };
}

function infosOf(
  spec: ConfigSpec,
  parsed: ParsedConfig,
  recommended: (name: string) => string[] = () => [],
): ConfigInfos['configs'] {
  return spec.keys.map((entry) => ({
    definition: configKeyInfo(entry),
    value: {
      name: entry.name,
      value: configValueString(parsed.values[entry.name]),
      recommended_values: recommended(entry.name),
      errors: parsed.errors[entry.name] ?? [],
      visible: true,
    },
  }));
}

const converterRoles = ['key', 'value', 'header'] as const;

/**
 * Validate sees the framework keys as the worker resolves them: converter keys default to the worker's
 * converters, `*.plugin.version` to the chosen plugin's version, and converter keys recommend every installed
 * converter class (Apache's ConnectorConfig.enrich with the worker's defaults and recommenders).
 */
function enrich(
  spec: ConfigSpec,
  registry: PluginRegistry,
  workerProps: Props,
): { spec: ConfigSpec; recommended: (name: string) => string[] } {
  const chosen: Record<string, string> = {};
  for (const role of converterRoles) {
    chosen[role] =
      workerProps[`${role}.converter`] ??
      (role === 'header'
        ? 'org.apache.kafka.connect.storage.SimpleHeaderConverter'
        : 'org.apache.kafka.connect.json.JsonConverter');
  }
  const versionOf = (role: (typeof converterRoles)[number]) =>
    registry.find(chosen[role]!, [role === 'header' ? 'header_converter' : 'converter'])?.version ?? null;
  const keys = spec.keys.map((key) => {
    const role = converterRoles.find((candidate) => key.name === `${candidate}.converter`);
    if (role) return { ...key, default: chosen[role]! };
    const versioned = converterRoles.find(
      (candidate) => key.name === `${candidate}.converter.plugin.version`,
    );
    if (versioned) return { ...key, default: versionOf(versioned) };
    return key;
  });
  const classes = (type: 'converter' | 'header_converter') =>
    [
      ...new Set(
        registry
          .list(false)
          .filter((plugin) => plugin.type === type)
          .map((plugin) => plugin.className),
      ),
    ].sort();
  const recommended = (name: string): string[] => {
    if (name === 'key.converter' || name === 'value.converter') return classes('converter');
    if (name === 'header.converter') return classes('header_converter');
    if (name.endsWith('.plugin.version')) {
      const value = keys.find((key) => key.name === name)?.default;
      return typeof value === 'string' ? [value] : [];
    }
    return [];
  };
  return { spec: { ...spec, keys }, recommended };
}

/** Apache's ConfigDef reports a failed parse and then the range check of the resulting null. */
function addNonNullErrors(spec: ConfigSpec, parsed: ParsedConfig, props: Props): void {
  for (const key of spec.keys) {
    if (
      (key.min !== undefined || key.max !== undefined) &&
      props[key.name] !== undefined &&
      parsed.values[key.name] === null
    ) {
      (parsed.errors[key.name] ??= []).push(
        `Invalid value null for configuration ${key.name}: Value must be non-null`,
      );
    }
  }
}

/**
 * Apache's AbstractHerder.validateConnectorConfig: framework keys, the transform and predicate keys, then the
 * connector's own keys, each with its errors. `connector.class` must name a known connector (else a 400).
 */
export function validateConnectorConfig(
  registry: PluginRegistry,
  props: Props,
  workerProps: Props = {},
): ConfigInfos {
  const plugin: ConnectorPlugin = registry.connector(props['connector.class'] ?? '');
  const connector = plugin.create();
  const { spec: framework, recommended } = enrich(frameworkSpec(plugin), registry, workerProps);
  const frameworkParsed = parseConfig(framework, props);
  addNonNullErrors(framework, frameworkParsed, props);
  const name = props.name;
  const controls = [...(name ?? '')].filter(
    (char) => char.charCodeAt(0) < 32 || (char.charCodeAt(0) >= 127 && char.charCodeAt(0) < 160),
  );
  if (name !== undefined && controls.length > 0) {
    (frameworkParsed.errors.name ??= []).push(
      `Invalid value ${name} for configuration name: String may not contain control sequences but had the following ASCII chars: ${controls.map((char) => char.charCodeAt(0)).join(', ')}`,
    );
  } else if (name !== undefined && name.trim() === '') {
    (frameworkParsed.errors.name ??= []).push(
      'Invalid value for configuration name: String must be non-empty',
    );
  }
  for (const [key, messages] of Object.entries(transformListErrors(props))) {
    frameworkParsed.errors[key] = [...(frameworkParsed.errors[key] ?? []), ...messages];
  }
  const ownSpec = connector.config();
  const ownParsed = parseConfig(ownSpec, props);
  addNonNullErrors(ownSpec, ownParsed, props);
  for (const [key, messages] of Object.entries(connector.validate?.(props) ?? {})) {
    (ownParsed.errors[key] ??= []).push(...messages);
  }
  const configs = [
    ...infosOf(framework, frameworkParsed, recommended),
    ...transformConfigErrors(registry, props).configs,
    ...infosOf(ownSpec, ownParsed).filter(
      (item) => !framework.keys.some((key) => key.name === item.definition.name),
    ),
  ];
  const groups: string[] = [];
  for (const item of configs) {
    const group = item.definition.group;
    if (group && !groups.includes(group)) groups.push(group);
  }
  return {
    // Apache echoes the class as given (`FileStreamSource` stays short).
    name: props['connector.class'] ?? plugin.className,
    error_count: configs.reduce((sum, item) => sum + item.value.errors.length, 0),
    groups,
    configs,
  };
}

/** All error messages of a validate answer, as the 400 on create lists them. */
export function validationMessages(infos: ConfigInfos): string[] {
  return infos.configs.flatMap((item) => item.value.errors);
}

export { errorCount };
