import { beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../pipeline.ts';
import { conformanceCases } from './cases.ts';
import { differences } from './compare.ts';
import { conformanceClasspath, runApacheCases, type DriverResult } from './jvm.ts';

/**
 * Every conformance case through Apache's implementation (JsonConverter, SimpleHeaderConverter,
 * connect-transforms 4.1.2 and Debezium 3.0.8's unwrap, driven by Driver.java in one JVM) and through ours; the
 * results must agree semantically: payloads as JSON trees with int/double kept apart, errors by stage, Java
 * exception class and message.
 */
let apache: Map<string, DriverResult>;

beforeAll(async () => {
  const classpath = await conformanceClasspath();
  apache = await runApacheCases(conformanceCases, classpath);
}, 300_000);

describe('SMT conformance with Apache Kafka Connect', () => {
  it('has at least 150 cases, all answered by the Apache driver', () => {
    expect(conformanceCases.length).toBeGreaterThanOrEqual(150);
    const unanswered = conformanceCases.filter((c) => !apache.has(c.id)).map((c) => c.id);
    expect(unanswered).toEqual([]);
  });

  it.each(conformanceCases.map((c) => [c.id, c] as const))('%s', (_id, testCase) => {
    const theirs = apache.get(testCase.id)!;
    const ours = runPipeline(testCase.config, testCase.record);
    expect(differences(ours, theirs, testCase.compare)).toEqual([]);
  });
});
