import { TOPIC_PARTITIONS, TOPICS } from '../../generators/model.ts';
import { failed, passed, type CheckNode, type NodeVerdict } from '../challenge.ts';
import { valueSubject } from './definition.ts';
import type { DataDefinitionState } from './state.ts';

/**
 * Challenge 01's check graph: the two services, then what lives in each — topics (names, partitions) and their
 * console round trip in Kafka; schemas, their fit to the generated records and their compatibility level in the
 * registry. Pure functions of the state, so unit tests build states by hand.
 */

const verdict = (
  expected: number,
  problems: { id: string; fields: string[] }[],
  missing: string[],
  hint: string | undefined,
  details: string[] = [],
  extra: string[] = [],
): NodeVerdict => ({
  passed: problems.length === 0 && missing.length === 0,
  expected,
  found: expected - missing.length - problems.length,
  missing,
  missingCount: missing.length,
  mismatched: problems,
  mismatchedCount: problems.length,
  extra,
  details,
  ...(problems.length === 0 && missing.length === 0 ? {} : { hint }),
});

/** Near misses of a hack topic name (`product_ratings`, `productRatings`, `Top5Products`): likely typos. */
function nearMiss(name: string): string | undefined {
  const squash = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return TOPICS.find((topic) => topic !== name && squash(topic) === squash(name));
}

export const dataDefinitionChecks: CheckNode<DataDefinitionState>[] = [
  {
    id: 'service:kafka',
    title: 'Kafka answers',
    evaluate: (state) =>
      state.kafka.error
        ? failed(
            `Kafka could not be read: ${state.kafka.error}. Check KAFKA_BOOTSTRAP_SERVERS and credentials.`,
            { final: true },
          )
        : passed(),
  },
  {
    id: 'service:schema-registry',
    title: 'Schema Registry answers',
    evaluate: (state) =>
      state.registry.error
        ? failed(
            `The Schema Registry could not be read: ${state.registry.error}. Check SCHEMA_REGISTRY_URL (and SCHEMA_REGISTRY_API_KEY / SCHEMA_REGISTRY_API_SECRET for Confluent Cloud).`,
            { final: true },
          )
        : passed(),
  },
  {
    id: 'topics',
    title: `The nine topics exist with ${TOPIC_PARTITIONS} partitions each`,
    dependsOn: ['service:kafka'],
    evaluate: (state) => {
      const missing = TOPICS.filter((topic) => !state.kafka.partitions.has(topic));
      const wrong = TOPICS.filter(
        (topic) =>
          state.kafka.partitions.has(topic) && state.kafka.partitions.get(topic) !== TOPIC_PARTITIONS,
      ).map((topic) => ({
        id: topic,
        fields: [`partitions: ${state.kafka.partitions.get(topic)}, expected ${TOPIC_PARTITIONS}`],
      }));
      const misnamed = [...state.kafka.partitions.keys()]
        .map((name) => ({ name, meant: nearMiss(name) }))
        .filter((entry) => entry.meant && missing.includes(entry.meant as never));
      const hints = [
        ...wrong.map(
          (problem) =>
            `${problem.id} has ${state.kafka.partitions.get(problem.id)} partitions, the hack asks for ${TOPIC_PARTITIONS}: a topic's partitions can only grow (kafka-topics --alter --partitions ${TOPIC_PARTITIONS}); fewer means delete and create it again`,
        ),
        ...misnamed.map(
          (entry) =>
            `topic ${entry.name} looks like ${entry.meant}: the names are kebab-case, exactly as listed`,
        ),
        ...(missing.length > 0
          ? [
              `missing: ${missing.join(', ')}: declare them in definition/topics.json (\`npm run challenge:01\` creates them), or kafka-topics --create --topic <name> --partitions ${TOPIC_PARTITIONS}`,
            ]
          : []),
      ];
      return verdict(
        TOPICS.length,
        wrong,
        missing,
        hints.join('; '),
        TOPICS.filter((topic) => state.kafka.partitions.has(topic)).map(
          (topic) => `${topic}: ${state.kafka.partitions.get(topic)} partitions`,
        ),
        misnamed.map((entry) => entry.name),
      );
    },
  },
  {
    id: 'console-round-trip',
    title: 'A write and a read on each topic with kafka-console-producer and kafka-console-consumer',
    dependsOn: ['topics'],
    evaluate: (state) => {
      const missing = TOPICS.filter((topic) => !state.roundTrips.has(topic));
      const failures = TOPICS.filter((topic) => state.roundTrips.get(topic)?.ok === false).map((topic) => ({
        id: topic,
        fields: [state.roundTrips.get(topic)!.detail],
      }));
      return verdict(
        TOPICS.length,
        failures,
        missing,
        failures.length > 0
          ? `${failures[0]!.id}: ${failures[0]!.fields[0]}`
          : `no round trip on ${missing.join(', ')} (the topic does not exist)`,
        TOPICS.filter((topic) => state.roundTrips.get(topic)?.ok).map(
          (topic) => `${topic}: ${state.roundTrips.get(topic)!.detail}`,
        ),
      );
    },
  },
  {
    id: 'schemas',
    title: 'Each topic has a value schema in the registry that names every field',
    dependsOn: ['service:schema-registry'],
    evaluate: (state) => {
      const subjects = state.registry.subjects;
      const missing = TOPICS.filter((topic) => !subjects.has(topic)).map(valueSubject);
      const incomplete = TOPICS.filter((topic) => (subjects.get(topic)?.missingFields.length ?? 0) > 0).map(
        (topic) => ({
          id: valueSubject(topic),
          fields: subjects.get(topic)!.missingFields,
        }),
      );
      const hints = [
        ...incomplete.map((problem) => `${problem.id} does not describe ${problem.fields.join(', ')}`),
        ...(missing.length > 0
          ? [
              `no schema under ${missing.join(', ')}: give each topic its schema file in definition/topics.json (\`npm run challenge:01\` registers them), or POST /subjects/<topic>-value/versions`,
            ]
          : []),
      ];
      return verdict(
        TOPICS.length,
        incomplete,
        missing,
        hints.join('; '),
        TOPICS.filter((topic) => subjects.has(topic)).map(
          (topic) =>
            `${valueSubject(topic)}: ${subjects.get(topic)!.schemaType} v${subjects.get(topic)!.version}`,
        ),
      );
    },
  },
  {
    id: 'schemas-match-records',
    title: "Generated records validate against each topic's schema",
    dependsOn: ['schemas'],
    evaluate: (state) => {
      const subjects = [...state.registry.subjects.entries()];
      const missing = TOPICS.filter((topic) => !state.registry.subjects.has(topic)).map(valueSubject);
      const refusing = subjects
        .filter(([, view]) => view.rejected.length > 0)
        .map(([topic, view]) => ({
          id: valueSubject(topic),
          fields: [
            `${view.rejected.length} of ${view.sampleSize} records rejected, e.g. ${view.rejected[0]!.id}: ${view.rejected[0]!.reason}`,
          ],
        }));
      return verdict(
        TOPICS.length,
        refusing,
        missing,
        refusing.length > 0
          ? `${refusing[0]!.id} rejects what the generators emit (${refusing[0]!.fields[0]}): make the schema match the records`
          : `no schema under ${missing.join(', ')}`,
        subjects
          .filter(([, view]) => view.rejected.length === 0)
          .map(([topic, view]) => `${valueSubject(topic)}: ${view.sampleSize} records valid`),
      );
    },
  },
  {
    id: 'compatibility',
    title: 'Each subject has its compatibility level set (not NONE)',
    dependsOn: ['schemas'],
    evaluate: (state) => {
      const missing = TOPICS.filter((topic) => !state.registry.subjects.has(topic)).map(valueSubject);
      const unset = [...state.registry.subjects.entries()]
        .filter(([, view]) => !view.compatibility || view.compatibility === 'NONE')
        .map(([topic, view]) => ({
          id: valueSubject(topic),
          fields: [`compatibility: ${view.compatibility ?? 'not set'}`],
        }));
      return verdict(
        TOPICS.length,
        unset,
        missing,
        unset.length > 0
          ? `${unset.map((problem) => problem.id).join(', ')}: set the subject's level, e.g. PUT /config/<subject> {"compatibility": "BACKWARD"} (NONE lets any change through)`
          : `no schema under ${missing.join(', ')}`,
        [...state.registry.subjects.entries()]
          .filter(([, view]) => view.compatibility && view.compatibility !== 'NONE')
          .map(([topic, view]) => `${valueSubject(topic)}: ${view.compatibility}`),
      );
    },
  },
];
