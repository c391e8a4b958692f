import { isRequired, parseValue, type ConfigKey, type ConfigValue } from '../api/config.ts';
import { ConnectException, javaClassOf } from '../api/errors.ts';
import type { Predicate, Props, Transformation } from '../api/plugins.ts';
import type { ConnectRecord } from '../api/records.ts';
import { ConfigException, invalidValue } from './errors.ts';
import { findPredicatePlugin, findTransformPlugin, predicatePlugins, transformPlugins } from './plugins.ts';

/**
 * A connector's transformation chain, as Apache's worker builds it from `transforms`, `transforms.<alias>.*`,
 * `predicates` and `predicates.<alias>.*` (ConnectorConfig.transformationStages / enrich): the stages in order,
 * each optionally guarded by a (possibly negated) predicate; a stage returning null drops the record.
 */
export interface TransformStage {
  alias: string;
  className: string;
  transformation: Transformation;
  predicate?: { alias: string; className: string; predicate: Predicate; negate: boolean };
}

export interface TransformChain {
  readonly stages: TransformStage[];
  /** The transformed record, or null when a stage dropped it; a failing stage throws `TransformStageError`. */
  apply<R extends ConnectRecord>(record: R): R | null;
  close(): void;
}

/**
 * A stage failed on a record. Carries what the DLQ headers and error reporters need: the stage
 * (`TRANSFORMATION`), the executing class (`__connect.errors.class.name`), the Java exception class and message.
 */
export class TransformStageError extends Error {
  readonly stage = 'TRANSFORMATION';
  readonly javaClass: string;
  constructor(
    readonly alias: string,
    readonly className: string,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = 'TransformStageError';
    this.javaClass = javaClassOf(error);
  }
}

/** The aliases a LIST config names, trimmed, as ConfigDef parses them. */
function aliases(props: Props, key: string): string[] {
  const raw = props[key];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((alias) => alias.trim());
}

function withPrefix(props: Props, prefix: string): Props {
  const result: Props = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(prefix)) result[key.slice(prefix.length)] = value;
  }
  return result;
}

/** Apache wraps configuration failures of a stage in `new ConnectException(e)`: message = `e.toString()`. */
function stageConfigError(error: unknown): ConnectException {
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectException(`${javaClassOf(error)}: ${message}`, { cause: error });
}

/** Builds and configures the chain a connector config describes; throws ConnectException for a bad config. */
export function buildTransformChain(props: Props): TransformChain {
  const stages: TransformStage[] = [];
  for (const alias of aliases(props, 'transforms')) {
    const prefix = `transforms.${alias}.`;
    try {
      const className = (props[`${prefix}type`] ?? '').trim();
      if (className === '')
        throw new ConfigException(
          `Missing required configuration "${prefix}type" which has no default value.`,
        );
      const plugin = findTransformPlugin(className);
      if (!plugin)
        throw new ConfigException(
          invalidValue(`${prefix}type`, className, `Class ${className} could not be found.`),
        );
      const transformation = plugin.create();
      const config = withPrefix(props, prefix);
      const predicateAlias = config.predicate;
      const negate = config.negate;
      delete config.predicate;
      delete config.negate;
      delete config.type;
      transformation.configure(config);
      const stage: TransformStage = { alias, className, transformation };
      if (predicateAlias !== undefined) {
        const predicatePrefix = `predicates.${predicateAlias}.`;
        const predicateClass = (props[`${predicatePrefix}type`] ?? '').trim();
        if (predicateClass === '') {
          throw new ConnectException(
            `Missing required configuration "${predicatePrefix}type" which has no default value.`,
          );
        }
        const predicatePlugin = findPredicatePlugin(predicateClass);
        if (!predicatePlugin)
          throw new ConfigException(
            invalidValue(
              `${predicatePrefix}type`,
              predicateClass,
              `Class ${predicateClass} could not be found.`,
            ),
          );
        const predicate = predicatePlugin.create();
        const predicateConfig = withPrefix(props, predicatePrefix);
        delete predicateConfig.type;
        predicate.configure(predicateConfig);
        stage.predicate = {
          alias: predicateAlias,
          className: predicateClass,
          predicate,
          negate: (negate ?? '').trim().toLowerCase() === 'true',
        };
      }
      stages.push(stage);
    } catch (error) {
      throw stageConfigError(error);
    }
  }
  return {
    stages,
    apply<R extends ConnectRecord>(record: R): R | null {
      let current: R | null = record;
      for (const stage of stages) {
        if (current === null) return null;
        try {
          const applies =
            !stage.predicate || stage.predicate.predicate.test(current) !== stage.predicate.negate;
          if (applies) current = stage.transformation.apply(current) as R | null;
        } catch (error) {
          throw new TransformStageError(stage.alias, stage.className, error);
        }
      }
      return current;
    },
    close(): void {
      for (const stage of stages) {
        stage.transformation.close?.();
        stage.predicate?.predicate.close?.();
      }
    },
  };
}

// ------------------------------------------------------------------------------------------- validate

export interface TransformConfigValidation {
  /** The keys the transforms and predicates add to the connector's config definition (ConnectorConfig.enrich). */
  keys: Array<ConfigKey & { group: string }>;
  /** Error messages per config key, Apache's texts (empty arrays for keys without errors). */
  errors: Record<string, string[]>;
  errorCount: number;
}

/**
 * What Apache's `/connector-plugins/{c}/config/validate` reports for the transform and predicate part of a
 * connector config: the `transforms` / `predicates` alias lists, each alias' `type` (unknown class, missing,
 * `negate` without `predicate`) and each plugin's own keys under its prefix (missing required, bad values).
 */
export function validateTransformConfig(props: Props): TransformConfigValidation {
  const keys: TransformConfigValidation['keys'] = [];
  const errors: Record<string, string[]> = {};
  const add = (name: string, message: string): void => {
    (errors[name] ??= []).push(message);
  };

  const kinds = [
    {
      config: 'transforms',
      group: 'Transforms',
      kind: 'Transformation',
      find: findTransformPlugin,
      plugins: transformPlugins,
    },
    {
      config: 'predicates',
      group: 'Predicates',
      kind: 'Predicate',
      find: findPredicatePlugin,
      plugins: predicatePlugins,
    },
  ] as const;

  for (const { config, group, kind, find, plugins } of kinds) {
    errors[config] = [];
    const list = aliases(props, config);
    if (list.length > new Set(list).size)
      add(config, invalidValue(config, list, 'Duplicate alias provided.'));
    for (const alias of new Set(list)) {
      const prefix = `${config}.${alias}.`;
      const aliasGroup = `${group}: ${alias}`;
      const typeKey = `${prefix}type`;
      keys.push({
        name: typeKey,
        type: 'CLASS',
        importance: 'HIGH',
        documentation: `Class for the '${alias}' ${kind.toLowerCase()}.`,
        group: aliasGroup,
        orderInGroup: 0,
        width: 'LONG',
        displayName: `${kind} type for ${alias}`,
        enum: plugins.map((plugin) => ({ value: plugin.className, meaning: '' })),
      });
      errors[typeKey] = [];
      const className = props[typeKey]?.trim();
      if (props[typeKey] === undefined) {
        add(typeKey, `Missing required configuration "${typeKey}" which has no default value.`);
        continue;
      }
      const plugin = className ? find(className) : undefined;
      if (!plugin) {
        add(typeKey, invalidValue(typeKey, className ?? '', `Class ${className} could not be found.`));
        continue;
      }
      if (
        config === 'transforms' &&
        props[`${prefix}negate`] !== undefined &&
        props[`${prefix}predicate`] === undefined
      ) {
        add(
          typeKey,
          `Config '${prefix}negate' was provided but there is no config '${prefix}predicate' defining a predicate to be negated.`,
        );
      }
      let order = 1;
      const embedded: ConfigKey[] = [];
      if (config === 'transforms') {
        embedded.push(
          {
            name: `${prefix}predicate`,
            type: 'STRING',
            default: null,
            importance: 'MEDIUM',
            documentation: 'The alias of a predicate used to determine whether to apply this transformation.',
          },
          {
            name: `${prefix}negate`,
            type: 'BOOLEAN',
            default: false,
            importance: 'MEDIUM',
            documentation: 'Whether the configured predicate should be negated.',
          },
        );
      }
      const own = plugin.create() as unknown as { keys?: (prefix: string) => ConfigKey[] };
      const ownKeys =
        typeof own.keys === 'function' ? own.keys(prefix) : prefixKeys(plugin.config().keys, prefix);
      for (const key of ownKeys) {
        if (key.name === `${prefix}predicate` || key.name === `${prefix}negate`) continue;
        embedded.push(key);
      }
      for (const key of embedded) {
        keys.push({ ...key, group: aliasGroup, orderInGroup: order++ });
        errors[key.name] = validateKey(key, props);
      }
    }
  }
  const errorCount = Object.values(errors).reduce((sum, list) => sum + list.length, 0);
  return { keys, errors, errorCount };
}

/**
 * ConfigDef.parseForValidate for one key: parse errors, "Missing required …", and then the validator, which
 * Apache runs in validate even on a null value (missing, unparsable or null by default).
 */
function validateKey(key: ConfigKey, props: Props): string[] {
  const messages: string[] = [];
  let value: ConfigValue = null;
  const raw = props[key.name];
  if (raw !== undefined) {
    try {
      value = parseValue(key, raw);
    } catch (error) {
      messages.push((error as Error).message);
    }
  } else if (isRequired(key)) {
    messages.push(`Missing required configuration "${key.name}" which has no default value.`);
  } else {
    value = parseValue(key, key.default);
  }
  const problem = key.validate?.(value);
  if (problem) messages.push(problem);
  return messages;
}

/** A plugin spec without prefix support (a plain ConfigSpec): rename its keys under the prefix. */
function prefixKeys(keys: ConfigKey[], prefix: string): ConfigKey[] {
  return keys.map((key) => ({ ...key, name: `${prefix}${key.name}` }));
}
