import { ConfigReader, parseConfig, type ConfigSpec } from '../runtime/api/config.ts';
import { searchClassName, searchSinkSpec } from '../azure-search/spec.ts';
import { CosmosSinkConnector, sourceContainers } from './connector.ts';
import { cosmosClassNames, keys, parseTopicMap, sinkSpec, sourceSpec } from './spec.ts';

/**
 * Lints a connector config (the flat props map of a connector JSON file) against the specs of our Azure
 * connectors, key by key, without any network: what `hack lint` and the challenge's own tests use.
 */
export interface ConnectorLint {
  /** Which of our connectors the `connector.class` names, or undefined when it is not one of ours. */
  connector: 'cosmos-source' | 'cosmos-sink' | 'azure-search-sink' | undefined;
  /** Errors per key: the config would be refused (400 from the worker) or fail at start. */
  errors: Record<string, string[]>;
  /** Likely mistakes that do not stop the connector (unknown keys, typos, extensions a real cluster lacks). */
  warnings: Record<string, string[]>;
}

const specs: Record<NonNullable<ConnectorLint['connector']>, { spec: ConfigSpec; classNames: string[] }> = {
  'cosmos-source': { spec: sourceSpec, classNames: [cosmosClassNames.source, cosmosClassNames.v1Source] },
  'cosmos-sink': { spec: sinkSpec, classNames: [cosmosClassNames.sink, cosmosClassNames.v1Sink] },
  'azure-search-sink': { spec: searchSinkSpec, classNames: [searchClassName] },
};

/** Keys every connector may carry: the framework's, not the plugin's. */
const frameworkKey =
  /^(name|connector\.class|tasks\.max|tasks\.max\.enforce|topics|topics\.regex|key\.converter.*|value\.converter.*|header\.converter.*|transforms.*|predicates.*|errors\..*|config\.action\.reload|offsets\.storage\.topic|exactly\.once\.support|transaction\.boundary.*|(consumer|producer|admin)\.override\..*|topic\.creation\..*)$/;

/** `${env:X}`, `${file:…}`, `${stack:…}`: resolved by the worker, so their shape cannot be judged here. */
const providerReference = /\$\{[A-Za-z]+:[^}]*\}/;

export function connectorKind(connectorClass: string | undefined): ConnectorLint['connector'] {
  if (!connectorClass) return undefined;
  const simple = (name: string) => name.slice(name.lastIndexOf('.') + 1);
  for (const [kind, { classNames }] of Object.entries(specs)) {
    if (
      classNames.some(
        (name) =>
          name === connectorClass ||
          simple(name) === connectorClass ||
          simple(name).replace(/Connector$/, '') === connectorClass,
      )
    ) {
      return kind as ConnectorLint['connector'];
    }
  }
  return undefined;
}

export function lintConnectorConfig(props: Record<string, string>): ConnectorLint {
  const connector = connectorKind(props['connector.class']);
  const result: ConnectorLint = { connector, errors: {}, warnings: {} };
  if (!connector) return result;
  const { spec } = specs[connector];
  const parsed = parseConfig(spec, props);
  const add = (bucket: Record<string, string[]>, key: string, message: string) =>
    (bucket[key] ??= []).push(message);
  for (const [key, messages] of Object.entries(parsed.errors)) {
    const raw = parsed.raw[key];
    if (raw !== undefined && providerReference.test(raw)) continue;
    for (const message of messages) add(result.errors, key, message);
  }
  if (connector === 'cosmos-sink') {
    for (const [key, messages] of Object.entries(new CosmosSinkConnector().validate(props))) {
      for (const message of messages) add(result.errors, key, message);
    }
  }
  if (connector !== 'cosmos-source' && !props.topics && !props['topics.regex']) {
    add(result.errors, 'topics', 'A sink connector needs "topics" (or "topics.regex").');
  }
  const known = new Set(spec.keys.flatMap((key) => [key.name, ...(key.aliases ?? [])]));
  for (const key of Object.keys(props)) {
    if (!known.has(key) && !frameworkKey.test(key)) {
      add(result.warnings, key, `Unknown key for ${props['connector.class']}: a typo? It is ignored.`);
    }
  }
  if (connector === 'azure-search-sink' && props['azure.search.endpoint']) {
    add(
      result.warnings,
      'azure.search.endpoint',
      'Our extension: the official connector ignores it and needs azure.search.service.name.',
    );
  }
  if (connector === 'cosmos-sink' && props[keys.tombstoneDelete]) {
    add(result.warnings, keys.tombstoneDelete, 'Our extension: the official sink has no tombstone deletes.');
  }
  return result;
}

interface CosmosTarget {
  endpoint: string;
  database: string;
  container: string;
}

/**
 * Lints several connector configs together: each one alone, plus the rule that a Cosmos sink must not write
 * into a container a Cosmos source reads (every upsert would be a new change, read and written again forever).
 */
export function lintConnectorConfigs(configs: Array<Record<string, string>>): ConnectorLint[] {
  const results = configs.map((props) => lintConnectorConfig(props));
  const sourceTargets: CosmosTarget[] = [];
  configs.forEach((props, index) => {
    if (results[index]!.connector !== 'cosmos-source') return;
    const parsed = parseConfig(sourceSpec, props);
    const read = new ConfigReader(parsed);
    try {
      for (const { container } of sourceContainers(parsed, [])) {
        sourceTargets.push({
          endpoint: read.string(keys.endpoint),
          database: read.string(keys.sourceDatabase),
          container,
        });
      }
    } catch {
      // A malformed topic map is already reported by the config's own lint.
    }
  });
  configs.forEach((props, index) => {
    if (results[index]!.connector !== 'cosmos-sink') return;
    const parsed = parseConfig(sinkSpec, props);
    const read = new ConfigReader(parsed);
    let targets: Array<{ topic: string; container: string }> = [];
    try {
      targets = parseTopicMap(read.list(keys.sinkTopicMap));
    } catch {
      return;
    }
    for (const { container } of targets) {
      const loop = sourceTargets.find(
        (target) =>
          target.container === container &&
          target.database === read.string(keys.sinkDatabase) &&
          sameEndpoint(target.endpoint, read.string(keys.endpoint)),
      );
      if (loop) {
        (results[index]!.errors[keys.sinkTopicMap] ??= []).push(
          `The sink writes into ${loop.database}/${container}, which a Cosmos source reads: every write would come back through the change feed forever. Write into another database (e.g. retail-sink).`,
        );
      }
    }
  });
  return results;
}

function sameEndpoint(a: string, b: string): boolean {
  const normal = (url: string) => url.trim().toLowerCase().replace(/\/+$/, '').replace(/:443$/, '');
  return normal(a) === normal(b) || providerReference.test(a) || providerReference.test(b);
}
