import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ENTITY_FIELDS, TOPIC_PARTITIONS, TOPICS, type Topic } from '../../generators/model.ts';
import {
  compatibilityLevels,
  parseSchema,
  type SchemaType,
} from '../../infra/schema-registry/compatibility.ts';
import { didYouMean } from '../../infra/console/did-you-mean.ts';
import type { Finding } from '../lint.ts';

/**
 * The participant's part of challenge 01: `topics.json` (the topics with their partition counts, each with its
 * value schema file, and the compatibility level) and the schema files under `schemas/` — JSON Schema (`.json`)
 * or Avro (`.avsc`). The run creates the topics and registers the schemas from them; the checks then look at
 * Kafka and the registry themselves, so a team that did it by hand is verified the same way.
 */
export interface TopicDefinition {
  name: string;
  partitions: number;
  /** The value schema's file, relative to the folder. */
  schema?: string;
}

export interface DataDefinition {
  compatibility?: string;
  topics: TopicDefinition[];
}

export const definitionFile = 'topics.json';

/** Kafka's own rule for topic names (kafka.common.Topic): legal characters, at most 249, not `.` or `..`. */
export function topicNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return 'cannot be "." or ".."';
  if (name.length > 249) return 'is longer than 249 characters';
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return 'may contain only letters, digits, ".", "_" and "-"';
  return undefined;
}

/** The subject a topic's value schema lives under (Confluent's TopicNameStrategy). */
export const valueSubject = (topic: string): string => `${topic}-value`;

export function schemaTypeOfFile(file: string): SchemaType | undefined {
  const extension = extname(file).toLowerCase();
  return extension === '.avsc' ? 'AVRO' : extension === '.json' ? 'JSON' : undefined;
}

/** The field names a schema declares at its top level: JSON Schema `properties`, Avro record `fields`. */
export function declaredFields(schemaType: string, schema: string): string[] {
  const parsed = JSON.parse(schema) as Record<string, unknown>;
  if (schemaType === 'AVRO')
    return Array.isArray(parsed.fields)
      ? (parsed.fields as { name: string }[]).map((field) => field.name)
      : [];
  return typeof parsed.properties === 'object' && parsed.properties !== null
    ? Object.keys(parsed.properties)
    : [];
}

/** Reads topics.json; throws a plain Error with the reason when it is missing or not JSON of the right shape. */
export function readDefinition(dir: string): DataDefinition {
  const file = join(dir, definitionFile);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const definition = parsed as Partial<DataDefinition>;
  if (typeof definition !== 'object' || definition === null || !Array.isArray(definition.topics))
    throw new Error(`${file} needs a "topics" array`);
  return definition as DataDefinition;
}

/** The static checks of the participant's folder: what `hack lint --challenge 01` prints. */
export function lintDefinition(dir: string): Finding[] {
  const findings: Finding[] = [];
  const error = (connector: string, message: string, fix?: string, key?: string): void => {
    findings.push({ level: 'error', connector, message, ...(fix ? { fix } : {}), ...(key ? { key } : {}) });
  };
  let definition: DataDefinition;
  try {
    definition = readDefinition(dir);
  } catch (problem) {
    error(
      definitionFile,
      (problem as Error).message,
      `Start from the template in challenges/01-data-definition/definition/.`,
    );
    return findings;
  }
  const declared = new Map<string, TopicDefinition>();
  for (const [index, topic] of definition.topics.entries()) {
    const where = `${definitionFile} topics[${index}]`;
    const nameProblem = typeof topic.name === 'string' ? topicNameProblem(topic.name) : 'is not a string';
    if (nameProblem) {
      error(where, `the topic name ${JSON.stringify(topic.name)} ${nameProblem}`, undefined, 'name');
      continue;
    }
    declared.set(topic.name, topic);
    if (!(TOPICS as readonly string[]).includes(topic.name)) {
      // Kafka topic names are case-sensitive: "Purchases" is another topic than "purchases"
      const meant =
        TOPICS.find((name) => name === topic.name.toLowerCase().replaceAll('_', '-')) ??
        didYouMean(topic.name, TOPICS);
      error(
        where,
        `"${topic.name}" is not one of the nine topics of the hack${meant ? ` — did you mean "${meant}"? (names are case-sensitive)` : ''}`,
        `Use these names exactly: ${TOPICS.join(', ')}.`,
        'name',
      );
    }
    if (topic.partitions !== TOPIC_PARTITIONS)
      error(
        where,
        `"${topic.name}" has ${JSON.stringify(topic.partitions)} partition(s); the hack asks for ${TOPIC_PARTITIONS}`,
        `Set "partitions": ${TOPIC_PARTITIONS} (a number, not a string).`,
        'partitions',
      );
    if (!topic.schema) {
      error(
        where,
        `"${topic.name}" names no value schema file`,
        'Add "schema": "schemas/<topic>.json" (JSON Schema) or ".avsc" (Avro).',
        'schema',
      );
      continue;
    }
    const type = schemaTypeOfFile(topic.schema);
    const file = join(dir, topic.schema);
    if (!type)
      error(where, `${topic.schema}: use .json for JSON Schema or .avsc for Avro`, undefined, 'schema');
    else if (!existsSync(file))
      error(
        where,
        `${topic.schema} does not exist`,
        `Write it next to topics.json (schemas/users.json is the template to start from), or point "schema" at the file you wrote.`,
        'schema',
      );
    else {
      try {
        const text = readFileSync(file, 'utf8');
        parseSchema(type, text);
        const fields = ENTITY_FIELDS[topic.name as Topic];
        const undeclared = fields
          ? fields.filter((field) => !declaredFields(type, text).includes(field))
          : [];
        if (undeclared.length > 0)
          findings.push({
            level: 'warning',
            connector: topic.schema,
            message: `does not describe ${undeclared.join(', ')} of the ${topic.name} records`,
            fix: 'Describe every field (README.md, the table of value fields): the `schemas` check requires it.',
          });
      } catch (problem) {
        error(topic.schema, (problem as Error).message);
      }
    }
  }
  const missing = TOPICS.filter((topic) => !declared.has(topic));
  if (missing.length > 0)
    error(
      'challenge',
      `${definitionFile} declares ${missing.length === TOPICS.length ? 'none' : `${TOPICS.length - missing.length}`} of the nine topics; missing: ${missing.join(', ')}`,
      `Add each with "partitions": ${TOPIC_PARTITIONS} and its value schema file.`,
    );
  const level = String(definition.compatibility ?? '').toUpperCase();
  if (!(compatibilityLevels as readonly string[]).includes(level) || level === 'NONE')
    error(
      definitionFile,
      `"compatibility" is ${JSON.stringify(definition.compatibility ?? null)}`,
      "Choose the level the registry enforces for every subject: BACKWARD (Confluent's default), FORWARD, FULL or a _TRANSITIVE variant — not NONE.",
      'compatibility',
    );
  return findings;
}
