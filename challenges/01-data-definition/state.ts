import { randomBytes } from 'node:crypto';
import type * as SchemaRegistryLibrary from '@confluentinc/schemaregistry';
import type { JsonSerializer, SchemaRegistryClient, Serializer } from '@confluentinc/schemaregistry';
import { ENTITY_FIELDS, TOPICS, type AnyRecord, type Topic } from '../../generators/model.ts';
import { generateScenario, resolveScenario } from '../../generators/scenario.ts';
import { errorMessage } from '../../infra/errors.ts';
import { consoleConsume, consoleProduce } from '../../infra/kafka/console-tools.ts';
import { kafkaClient } from '../../infra/kafka/connection.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import type { SchemaRegistryEntry } from '../../infra/stack/stack-file.ts';
import type { Observer } from '../challenge.ts';
import { declaredFields, valueSubject } from './definition.ts';

export { declaredFields };

/** What challenge 01's checks look at, read in one pass: Kafka's topics, the registry's subjects, the round trips. */
export interface DataDefinitionState {
  kafka: { error?: string; partitions: Map<string, number> };
  registry: { error?: string; subjects: Map<Topic, SubjectView> };
  /** Per topic: the console round trip's outcome (only for topics that exist). */
  roundTrips: Map<Topic, { ok: boolean; detail: string }>;
}

export interface SubjectView {
  version: number;
  schemaType: string;
  /** Entity fields the schema does not name. */
  missingFields: string[];
  /** Compatibility level set on the subject itself (GET /config/<subject>), if any. */
  compatibility?: string;
  sampleSize: number;
  /** Sample records the official serializer refused with this schema, with its reason. */
  rejected: { id: string; reason: string }[];
}

/** How many generated records per topic are validated against the registered schema. */
export const sampleSize = 20;

/**
 * Confluent's Schema Registry library, loaded on first use: loading it takes ~0.8 s of CPU, a third of every
 * `hack` start (any command, not only challenge 01's) when it was imported up front.
 */
export function schemaRegistryLibrary(): Promise<typeof SchemaRegistryLibrary> {
  return import('@confluentinc/schemaregistry');
}

export async function registryClient(entry: SchemaRegistryEntry): Promise<SchemaRegistryClient> {
  const { SchemaRegistryClient } = await schemaRegistryLibrary();
  return new SchemaRegistryClient({
    baseURLs: [entry.url],
    maxRetries: 0,
    ...(entry.apiKey && entry.apiSecret
      ? {
          basicAuthCredentials: {
            credentialsSource: 'USER_INFO',
            userInfo: `${entry.apiKey}:${entry.apiSecret}`,
          },
        }
      : {}),
  });
}

/** A sample of what the generators emit onto each topic (the same records `hack challenge 01` produces). */
export function sampleRecords(): Map<Topic, AnyRecord[]> {
  const samples = new Map<Topic, AnyRecord[]>(TOPICS.map((topic) => [topic, []]));
  for (const record of generateScenario(resolveScenario(), ['catalog', 'events'])) {
    const list = samples.get(record.topic)!;
    if (list.length < sampleSize) list.push(record);
  }
  return samples;
}

/** The serializer's refusal in a line: ajv's first errors ("/rating must be <= 5"), or avsc's message. */
export function refusal(error: unknown): string {
  const message = errorMessage(error);
  const ajv = /^Invalid message: (\[.*\])$/s.exec(message);
  if (!ajv) return message;
  try {
    const errors = JSON.parse(ajv[1]!) as { instancePath: string; message: string }[];
    return errors
      .slice(0, 3)
      .map((item) => `${item.instancePath || '(record)'} ${item.message}`)
      .join('; ');
  } catch {
    return message;
  }
}

async function readKafka(environment: Environment): Promise<DataDefinitionState['kafka']> {
  const admin = kafkaClient(environment.kafka, 'connect-hack-verify-01').admin();
  try {
    await admin.connect();
    const names = await admin.listTopics();
    const partitions = new Map<string, number>();
    const wanted = names.filter((name) => !name.startsWith('_'));
    if (wanted.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
      for (const topic of topics) partitions.set(topic.name, topic.partitions.length);
    }
    return { partitions };
  } catch (error) {
    return { error: errorMessage(error), partitions: new Map() };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function readRegistry(
  entry: SchemaRegistryEntry | undefined,
  samples: Map<Topic, AnyRecord[]>,
): Promise<DataDefinitionState['registry']> {
  const subjects = new Map<Topic, SubjectView>();
  if (!entry) return { error: 'no Schema Registry URL (SCHEMA_REGISTRY_URL)', subjects };
  const client = await registryClient(entry); // a new client per read: the serdes cache "latest"
  const { AvroSerializer, JsonSerializer, RestError, SerdeType } = await schemaRegistryLibrary();
  try {
    await client.getDefaultCompatibility();
  } catch (error) {
    return { error: `${entry.url} does not answer: ${errorMessage(error)}`, subjects };
  }
  for (const topic of TOPICS) {
    let latest;
    try {
      latest = await client.getLatestSchemaMetadata(valueSubject(topic));
    } catch (error) {
      if (error instanceof RestError && error.errorCode === 40401) continue;
      return { error: errorMessage(error), subjects };
    }
    const schemaType = latest.schemaType ?? 'AVRO';
    let compatibility: string | undefined;
    try {
      compatibility = await client.getCompatibility(valueSubject(topic));
    } catch (error) {
      if (!(error instanceof RestError && error.errorCode === 40408)) throw error;
    }
    const serializer: Serializer =
      schemaType === 'AVRO'
        ? new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
        : // formats ("date-time", "email") are annotations here: ajv would refuse the schema without ajv-formats
          new JsonSerializer(client, SerdeType.VALUE, {
            useLatestVersion: true,
            validate: true,
            validateFormats: false,
          });
    const rejected: SubjectView['rejected'] = [];
    const sample = samples.get(topic) ?? [];
    for (const record of sample) {
      try {
        await (serializer as JsonSerializer).serialize(topic, record.value);
      } catch (error) {
        rejected.push({ id: record.key, reason: refusal(error) });
      }
    }
    const declared = declaredFields(schemaType, latest.schema);
    subjects.set(topic, {
      version: latest.version ?? 0,
      schemaType,
      missingFields: ENTITY_FIELDS[topic].filter((field) => !declared.includes(field)),
      ...(compatibility ? { compatibility } : {}),
      sampleSize: sample.length,
      rejected,
    });
  }
  return { subjects };
}

/**
 * A write and a read on each topic through Kafka's own console tools: one kafka-console-producer per topic
 * writes a generated record under a fresh id, one kafka-console-consumer reads them all back.
 */
async function roundTrip(
  environment: Environment,
  topics: Topic[],
  samples: Map<Topic, AnyRecord[]>,
): Promise<Map<Topic, { ok: boolean; detail: string }>> {
  const results = new Map<Topic, { ok: boolean; detail: string }>();
  const nonce = randomBytes(4).toString('hex');
  const written = new Map<Topic, { key: string; value: string }>();
  const produce = async (topic: Topic): Promise<void> => {
    const base = samples.get(topic)?.[0]?.value ?? {};
    const key = `console-check-${nonce}`;
    const record = { key, value: JSON.stringify({ ...base, id: key }) };
    try {
      await consoleProduce(environment.kafka, topic, [record]);
      written.set(topic, record);
    } catch (error) {
      results.set(topic, { ok: false, detail: errorMessage(error) });
    }
  };
  // three producer JVMs at a time: quicker than one by one, gentle on a two-core machine
  for (let start = 0; start < topics.length; start += 3)
    await Promise.all(topics.slice(start, start + 3).map(produce));
  if (written.size === 0) return results;
  const seen = (records: { key: string; value: string }[], topic: Topic): boolean =>
    records.some(
      (record) => record.key === written.get(topic)!.key && record.value === written.get(topic)!.value,
    );
  let records: { key: string; value: string }[] = [];
  try {
    records = await consoleConsume(environment.kafka, [...written.keys()], (read) =>
      [...written.keys()].every((topic) => seen(read, topic)),
    );
  } catch (error) {
    for (const topic of written.keys()) results.set(topic, { ok: false, detail: errorMessage(error) });
    return results;
  }
  for (const topic of written.keys())
    results.set(
      topic,
      seen(records, topic)
        ? {
            ok: true,
            detail: `kafka-console-producer wrote ${written.get(topic)!.key}, kafka-console-consumer read it back`,
          }
        : {
            ok: false,
            detail: `kafka-console-producer wrote ${written.get(topic)!.key}, but kafka-console-consumer did not read it back`,
          },
    );
  return results;
}

/** The observer: the round trip of a topic is done once it exists and is kept once it succeeded. */
export async function observeDataDefinition(
  environment: Environment,
): Promise<Observer<DataDefinitionState>> {
  const samples = sampleRecords();
  const roundTrips = new Map<Topic, { ok: boolean; detail: string }>();
  return {
    async read(): Promise<DataDefinitionState> {
      const kafka = await readKafka(environment);
      const registry = await readRegistry(environment.schemaRegistry, samples);
      const pending = TOPICS.filter((topic) => kafka.partitions.has(topic) && !roundTrips.get(topic)?.ok);
      if (!kafka.error && pending.length > 0)
        for (const [topic, result] of await roundTrip(environment, pending, samples))
          roundTrips.set(topic, result);
      return { kafka, registry, roundTrips: new Map(roundTrips) };
    },
    close: async () => {},
  };
}
