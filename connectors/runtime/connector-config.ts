import {
  errorCount,
  isRequired,
  parseConfig,
  Password,
  type ConfigKey,
  type ConfigSpec,
  type ConfigValue,
  type ParsedConfig,
} from './api/config.ts';
import type { ConnectorPlugin, Props } from './api/plugins.ts';
import type { PluginRegistry } from './plugins.ts';
import { transformConfigErrors, transformListErrors } from './transforms-integration.ts';

/**
 * The framework's own connector keys (Apache's ConnectorConfig, SinkConnectorConfig, SourceConnectorConfig), as
 * data, so `validate` and the generated docs answer from them. The connector's own keys come from its spec.
 */
const common: ConfigKey[] = [
  key(
    'name',
    'STRING',
    undefined,
    'HIGH',
    'Globally unique name to use for this connector.',
    'Common',
    1,
    'Connector name',
  ),
  key(
    'connector.class',
    'STRING',
    undefined,
    'HIGH',
    'Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector.',
    'Common',
    2,
    'Connector class',
  ),
  {
    ...key(
      'tasks.max',
      'INT',
      1,
      'HIGH',
      'Maximum number of tasks to use for this connector.',
      'Common',
      3,
      'Tasks max',
    ),
    min: 1,
  },
  key(
    'tasks.max.enforce',
    'BOOLEAN',
    true,
    'LOW',
    '(Deprecated) Whether to enforce that the tasks.max property is respected by the connector.',
    'Common',
    4,
    'Enforce tasks max',
  ),
  key(
    'key.converter',
    'CLASS',
    null,
    'LOW',
    'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.',
    'Common',
    5,
    'Key converter class',
  ),
  key(
    'value.converter',
    'CLASS',
    null,
    'LOW',
    'Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.',
    'Common',
    6,
    'Value converter class',
  ),
  key(
    'header.converter',
    'CLASS',
    null,
    'LOW',
    'HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka.',
    'Common',
    7,
    'Header converter class',
  ),
  {
    ...key(
      'config.action.reload',
      'STRING',
      'restart',
      'LOW',
      "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties.",
      'Common',
      8,
      'Reload Action',
    ),
    enum: [
      { value: 'none', meaning: 'do nothing' },
      { value: 'restart', meaning: 'restart the connector' },
    ],
  },
  key(
    'transforms',
    'LIST',
    '',
    'LOW',
    'Aliases for the transformations to be applied to records.',
    'Transforms',
    1,
    'Transforms',
  ),
  key(
    'predicates',
    'LIST',
    '',
    'LOW',
    'Aliases for the predicates used by transformations.',
    'Predicates',
    1,
    'Predicates',
  ),
  key(
    'errors.retry.timeout',
    'LONG',
    0,
    'MEDIUM',
    'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.',
    'Error Handling',
    1,
    'Retry Timeout for Errors',
  ),
  key(
    'errors.retry.delay.max.ms',
    'LONG',
    60000,
    'MEDIUM',
    'The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.',
    'Error Handling',
    2,
    'Maximum Delay Between Retries for Errors',
  ),
  {
    ...key(
      'errors.tolerance',
      'STRING',
      'none',
      'MEDIUM',
      "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
      'Error Handling',
      3,
      'Error Tolerance',
    ),
    enum: [
      { value: 'none', meaning: 'fail the task on the first error' },
      { value: 'all', meaning: 'skip problematic records' },
    ],
  },
  key(
    'errors.log.enable',
    'BOOLEAN',
    false,
    'MEDIUM',
    "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
    'Error Handling',
    4,
    'Log Errors',
  ),
  key(
    'errors.log.include.messages',
    'BOOLEAN',
    false,
    'MEDIUM',
    "Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
    'Error Handling',
    5,
    'Log Error Details',
  ),
];

const sinkOnly: ConfigKey[] = [
  key('topics', 'LIST', '', 'HIGH', 'List of topics to consume, separated by commas', 'Common', 4, 'Topics'),
  key(
    'topics.regex',
    'STRING',
    '',
    'HIGH',
    'Regular expression giving topics to consume. Under the hood, the regex is compiled to a java.util.regex.Pattern. Only one of topics or topics.regex should be specified.',
    'Common',
    4,
    'Topics regex',
  ),
  key(
    'errors.deadletterqueue.topic.name',
    'STRING',
    '',
    'MEDIUM',
    'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.',
    'Error Handling',
    6,
    'Dead Letter Queue Topic Name',
  ),
  key(
    'errors.deadletterqueue.topic.replication.factor',
    'SHORT',
    3,
    'MEDIUM',
    "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
    'Error Handling',
    7,
    'Dead Letter Queue Topic Replication Factor',
  ),
  key(
    'errors.deadletterqueue.context.headers.enable',
    'BOOLEAN',
    false,
    'MEDIUM',
    'If true, add headers containing error context to the messages written to the dead letter queue. To avoid clashing with headers from the original record, all error context header keys, all error context header keys will start with __connect.errors.',
    'Error Handling',
    8,
    'Enable Error Context Headers',
  ),
];

const sourceOnly: ConfigKey[] = [
  key(
    'topic.creation.groups',
    'LIST',
    '',
    'LOW',
    'Groups of configurations for topics created by source connectors',
    'Topic Creation',
    1,
    'Topic Creation Groups',
  ),
  {
    ...key(
      'exactly.once.support',
      'STRING',
      'requested',
      'MEDIUM',
      'Permitted values are requested, required. If set to "required", forces a preflight check for the connector to ensure that it can provide exactly-once semantics with the given configuration.',
      'Exactly Once Support',
      1,
      'Exactly once support',
    ),
    enum: [
      { value: 'requested', meaning: '' },
      { value: 'required', meaning: '' },
    ],
  },
  {
    ...key(
      'transaction.boundary',
      'STRING',
      'poll',
      'MEDIUM',
      "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and committed for every batch of records that each task from this connector provides to Connect.",
      'Exactly Once Support',
      2,
      'Transaction Boundary',
    ),
    enum: [
      { value: 'poll', meaning: '' },
      { value: 'interval', meaning: '' },
      { value: 'connector', meaning: '' },
    ],
  },
  key(
    'transaction.boundary.interval.ms',
    'LONG',
    null,
    'LOW',
    "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks.",
    'Exactly Once Support',
    3,
    'Transaction boundary interval',
  ),
  key(
    'offsets.storage.topic',
    'STRING',
    null,
    'LOW',
    'The name of a separate offsets topic to use for this connector. If empty or not specified, the worker’s global offsets topic name will be used.',
    'offsets.topic',
    1,
    'Offsets topic',
  ),
];

function key(
  name: string,
  type: ConfigKey['type'],
  defaultValue: ConfigValue | undefined,
  importance: ConfigKey['importance'],
  documentation: string,
  group: string,
  orderInGroup: number,
  displayName: string,
): ConfigKey {
  const entry: ConfigKey = {
    name,
    type,
    importance,
    documentation,
    group,
    orderInGroup,
    displayName,
    width: 'LONG',
  };
  if (defaultValue !== undefined) entry.default = defaultValue;
  return entry;
}

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

export function frameworkSpec(type: 'source' | 'sink' | undefined): ConfigSpec {
  if (type === 'sink') return { keys: [...common, ...sinkOnly], rules: sinkRules };
  if (type === 'source') return { keys: [...common, ...sourceOnly] };
  return { keys: common };
}

// ------------------------------------------------------------------------------------------- validate shapes

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

function infosOf(spec: ConfigSpec, parsed: ParsedConfig): ConfigInfos['configs'] {
  return spec.keys.map((entry) => ({
    definition: configKeyInfo(entry),
    value: {
      name: entry.name,
      value: configValueString(parsed.values[entry.name]),
      recommended_values: entry.enum?.map((item) => item.value) ?? [],
      errors: parsed.errors[entry.name] ?? [],
      visible: true,
    },
  }));
}

/**
 * Apache's AbstractHerder.validateConnectorConfig: framework keys, the connector's own keys, the transform and
 * predicate keys, each with its errors. `connector.class` must name a known connector (else it throws, a 500).
 */
export function validateConnectorConfig(registry: PluginRegistry, props: Props): ConfigInfos {
  const plugin: ConnectorPlugin = registry.connector(props['connector.class'] ?? '');
  const connector = plugin.create();
  const framework = frameworkSpec(plugin.kind);
  const frameworkParsed = parseConfig(framework, props);
  if (
    props.name !== undefined &&
    [...props.name].some(
      (char) => char.charCodeAt(0) < 32 || (char.charCodeAt(0) >= 127 && char.charCodeAt(0) < 160),
    )
  ) {
    frameworkParsed.errors.name = [
      ...(frameworkParsed.errors.name ?? []),
      `Invalid value ${props.name} for configuration name: String may not contain control sequences but had the following ASCII chars: ${[
        ...props.name,
      ]
        .filter((c) => c.charCodeAt(0) < 32)
        .map((c) => c.charCodeAt(0))
        .join(', ')}`,
    ];
  } else if (props.name !== undefined && props.name.trim() === '') {
    frameworkParsed.errors.name = [
      ...(frameworkParsed.errors.name ?? []),
      'Invalid value for configuration name: String must be non-empty',
    ];
  }
  for (const [name, messages] of Object.entries(transformListErrors(props))) {
    frameworkParsed.errors[name] = [...(frameworkParsed.errors[name] ?? []), ...messages];
  }
  const ownSpec = connector.config();
  const ownParsed = parseConfig(ownSpec, props);
  for (const [name, messages] of Object.entries(connector.validate?.(props) ?? {})) {
    (ownParsed.errors[name] ??= []).push(...messages);
  }
  const transforms = transformConfigErrors(registry, props);
  const configs = [
    ...infosOf(framework, frameworkParsed),
    ...transforms.configs,
    ...infosOf(ownSpec, ownParsed).filter(
      (item) => !framework.keys.some((k) => k.name === item.definition.name),
    ),
  ];
  const groups: string[] = [];
  for (const item of configs) {
    const group = item.definition.group;
    if (group && !groups.includes(group)) groups.push(group);
  }
  return {
    name: plugin.className,
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
