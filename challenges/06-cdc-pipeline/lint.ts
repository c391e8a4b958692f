import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readConnectorFiles, type ConnectorFile } from '../../connectors/runtime/cli.ts';
import type { Finding } from '../lint.ts';
import { CARD_MASK, SCHEMA_NAMES } from './shop.ts';

/**
 * Challenge 06's static check of the participant's part (`hack lint --challenge 06`, and before every run): the
 * SMT chains the pipeline needs, by class and setting. Warnings only — the run goes on and its verdict says what
 * the missing piece breaks — so a half-done config can still be tried.
 */
type Config = Record<string, string>;

/** The transforms of a config in chain order, with their settings: alias → { type, …settings }. */
function transforms(config: Config): Array<{ alias: string; type: string; settings: Config }> {
  return (config.transforms ?? '')
    .split(',')
    .map((alias) => alias.trim())
    .filter(Boolean)
    .map((alias) => {
      const prefix = `transforms.${alias}.`;
      const settings: Config = {};
      for (const [key, value] of Object.entries(config))
        if (key.startsWith(prefix)) settings[key.slice(prefix.length)] = value;
      return { alias, type: settings.type ?? '', settings };
    });
}

const has = (config: Config, type: RegExp, check: (settings: Config) => boolean = () => true): boolean =>
  transforms(config).some((transform) => type.test(transform.type) && check(transform.settings));
const list = (value: string | undefined): string[] => (value ?? '').split(',').map((item) => item.trim());

function lintSource(file: ConnectorFile, table: 'customers' | 'products'): Finding[] {
  const findings: Finding[] = [];
  const warn = (message: string, fix: string, key = 'transforms'): void =>
    void findings.push({ level: 'warning', connector: file.name, key, message, fix });
  const config = file.config;
  if (!has(config, /ExtractNewRecordState$/))
    warn(
      'the Debezium envelope is not unwrapped: the topic would carry {before, after, source, op}, not the row.',
      'Start the chain with io.debezium.transforms.ExtractNewRecordState.',
    );
  if (!has(config, /ValueToKey$/, (settings) => list(settings.fields).includes('id')))
    warn(
      `${table} records are not keyed by the row's id.`,
      'Add org.apache.kafka.connect.transforms.ValueToKey with fields=id.',
    );
  if (!has(config, /ExtractField\$Key$/, (settings) => settings.field === 'id'))
    warn(
      `the key stays a struct {id}: a join by id misses.`,
      'Add org.apache.kafka.connect.transforms.ExtractField$Key with field=id after ValueToKey.',
    );
  if (
    table === 'customers' &&
    !has(
      config,
      /MaskField\$Value$/,
      (settings) => list(settings.fields).includes('card_number') && settings.replacement === CARD_MASK,
    )
  )
    warn(
      'card_number would reach Kafka in clear text.',
      `Add org.apache.kafka.connect.transforms.MaskField$Value with fields=card_number, replacement=${CARD_MASK}.`,
    );
  if (
    !has(config, /SetSchemaMetadata\$Value$/, (settings) => settings['schema.name'] === SCHEMA_NAMES[table])
  )
    warn(
      `the value schema is not named ${SCHEMA_NAMES[table]}.`,
      `Add org.apache.kafka.connect.transforms.SetSchemaMetadata$Value with schema.name=${SCHEMA_NAMES[table]}.`,
    );
  return findings;
}

function lintSink(file: ConnectorFile): Finding[] {
  const findings: Finding[] = [];
  const config = file.config;
  if (!has(config, /HoistField\$Key$/, (settings) => settings.field === '_id'))
    findings.push({
      level: 'warning',
      connector: file.name,
      key: 'transforms',
      message: 'the record key (a customer id) does not become the document _id.',
      fix: 'Add org.apache.kafka.connect.transforms.HoistField$Key with field=_id.',
    });
  if (!/ProvidedInKeyStrategy$/.test(config['document.id.strategy'] ?? ''))
    findings.push({
      level: 'warning',
      connector: file.name,
      key: 'document.id.strategy',
      message: 'documents would get generated ObjectIds instead of the customer id.',
      fix: 'Set document.id.strategy=com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInKeyStrategy.',
    });
  if (config['delete.on.null.values'] !== 'true')
    findings.push({
      level: 'warning',
      connector: file.name,
      key: 'delete.on.null.values',
      message: "a deleted customer's document would stay.",
      fix: 'Set delete.on.null.values=true.',
    });
  return findings;
}

export function lint06(dir: string): Finding[] {
  const folder = join(dir, 'connectors');
  if (!existsSync(folder))
    return [
      {
        level: 'error',
        connector: 'challenge',
        message: `${folder} does not exist.`,
        fix: 'Put the connector configs in connectors/ next to processor/.',
      },
    ];
  const files = readConnectorFiles(folder);
  const findings: Finding[] = [];
  const roles: Array<[string, (file: ConnectorFile) => boolean, (file: ConnectorFile) => Finding[]]> = [
    [
      'a Debezium MySQL source of shop.customers',
      (file) =>
        /MySqlConnector$/.test(file.config['connector.class'] ?? '') &&
        /customers/.test(file.config['table.include.list'] ?? ''),
      (file) => lintSource(file, 'customers'),
    ],
    [
      'a Debezium MySQL source of shop.products',
      (file) =>
        /MySqlConnector$/.test(file.config['connector.class'] ?? '') &&
        /products/.test(file.config['table.include.list'] ?? ''),
      (file) => lintSource(file, 'products'),
    ],
    ['a MongoDB sink', (file) => /MongoSinkConnector$/.test(file.config['connector.class'] ?? ''), lintSink],
  ];
  for (const [what, matches, check] of roles) {
    const found = files.filter(matches);
    if (found.length === 0)
      findings.push({
        level: 'warning',
        connector: 'challenge',
        message: `no connector is ${what}.`,
        fix: 'See the challenge README for the three connectors.',
      });
    for (const file of found) findings.push(...check(file));
  }
  const processor = join(dir, 'processor');
  if (!existsSync(join(processor, 'pom.xml')) && !existsSync(join(processor, 'processor.ts')))
    findings.push({
      level: 'error',
      connector: 'challenge',
      message: `${processor} holds neither a pom.xml (Kafka Streams) nor a processor.ts (kafkajs).`,
      fix: 'Keep the processors in processor/ next to connectors/.',
    });
  return findings;
}
