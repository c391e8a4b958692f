import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS, type Topic } from '../../generators/model.ts';
import { evaluateGraph, rootCause } from '../../verify/graph.ts';
import { dataDefinitionChecks } from './checks.ts';
import { lintDefinition } from './definition.ts';
import {
  declaredFields,
  refusal,
  sampleRecords,
  type DataDefinitionState,
  type SubjectView,
} from './state.ts';

/** Challenge 01's verdicts on hand-built states, and the lint of the participant's folder. */

function healthy(): DataDefinitionState {
  return {
    kafka: { partitions: new Map(TOPICS.map((topic) => [topic, 4])) },
    registry: {
      subjects: new Map<Topic, SubjectView>(
        TOPICS.map((topic) => [
          topic,
          {
            version: 1,
            schemaType: 'JSON',
            missingFields: [],
            compatibility: 'BACKWARD',
            sampleSize: 20,
            rejected: [],
          },
        ]),
      ),
    },
    roundTrips: new Map(TOPICS.map((topic) => [topic, { ok: true, detail: 'read back' }])),
  };
}

const verdicts = (state: DataDefinitionState) => {
  const checks = evaluateGraph(dataDefinitionChecks, state);
  return { checks, byId: new Map(checks.map((check) => [check.id, check])), cause: rootCause(checks) };
};

describe('challenge 01 checks', () => {
  it('pass on a complete definition', () => {
    const { checks } = verdicts(healthy());
    expect(checks.every((check) => check.passed)).toBe(true);
  });

  it('name a topic with 3 partitions and the fix', () => {
    const state = healthy();
    state.kafka.partitions.set('purchases', 3);
    const { cause, byId } = verdicts(state);
    expect(cause?.id).toBe('topics');
    expect(cause?.hint).toContain('purchases has 3 partitions, the hack asks for 4');
    expect(byId.get('topics')!.mismatched).toEqual([
      { id: 'purchases', fields: ['partitions: 3, expected 4'] },
    ]);
  });

  it('point at a misspelt topic and block the round trip on a missing one', () => {
    const state = healthy();
    state.kafka.partitions.delete('product-ratings');
    state.kafka.partitions.set('product_ratings', 4);
    state.roundTrips.delete('product-ratings');
    const { cause, byId } = verdicts(state);
    expect(cause?.id).toBe('topics');
    expect(cause?.hint).toContain('topic product_ratings looks like product-ratings');
    expect(byId.get('topics')!.missing).toEqual(['product-ratings']);
    expect(byId.get('console-round-trip')!.blockedBy).toBe('topics');
  });

  it('name the subject whose schema rejects generated records, with the serializer\u2019s reason', () => {
    const state = healthy();
    state.registry.subjects.get('product-ratings')!.rejected = [
      { id: 'r-1', reason: '/rating must be <= 3' },
    ];
    const { cause } = verdicts(state);
    expect(cause?.id).toBe('schemas-match-records');
    expect(cause?.hint).toContain('product-ratings-value rejects what the generators emit');
    expect(cause?.hint).toContain('r-1: /rating must be <= 3');
  });

  it('name fields a schema does not describe, a missing subject, and an unset compatibility level', () => {
    const state = healthy();
    state.registry.subjects.get('users')!.missingFields = ['email', 'country'];
    state.registry.subjects.delete('returns');
    state.registry.subjects.get('products')!.compatibility = undefined;
    const { byId } = verdicts(state);
    expect(byId.get('schemas')!.hint).toContain('users-value does not describe email, country');
    expect(byId.get('schemas')!.missing).toEqual(['returns-value']);
    expect(byId.get('compatibility')!.blockedBy).toBe('schemas');
    state.registry.subjects.set('returns', { ...state.registry.subjects.get('users')!, missingFields: [] });
    state.registry.subjects.get('users')!.missingFields = [];
    expect(verdicts(state).cause?.hint).toContain('products-value: set the subject');
  });

  it('blame the registry, not the schemas, when it does not answer', () => {
    const state = healthy();
    state.registry = { error: 'connect ECONNREFUSED', subjects: new Map() };
    const { cause, byId } = verdicts(state);
    expect(cause?.id).toBe('service:schema-registry');
    expect(byId.get('schemas-match-records')!.blockedBy).toBe('service:schema-registry');
  });
});

describe('challenge 01 state helpers', () => {
  it('sample what the generators emit for all nine topics', () => {
    const samples = sampleRecords();
    for (const topic of TOPICS) expect(samples.get(topic)!.length, topic).toBeGreaterThan(0);
  });

  it('read declared fields from JSON Schema and Avro, and shorten ajv refusals', () => {
    expect(declaredFields('JSON', '{"properties":{"a":{},"b":{}}}')).toEqual(['a', 'b']);
    expect(
      declaredFields('AVRO', '{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}'),
    ).toEqual(['x']);
    const ajv = new Error('Invalid message: [{"instancePath":"/rating","message":"must be <= 3"}]');
    expect(refusal(ajv)).toBe('/rating must be <= 3');
  });
});

describe('challenge 01 lint', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const copy = (from: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'definition-'));
    dirs.push(dir);
    cpSync(join(import.meta.dirname, from), dir, { recursive: true });
    return dir;
  };

  it('passes the solution and stops the untouched template with the first thing to do', () => {
    expect(lintDefinition(join(import.meta.dirname, 'solution'))).toEqual([]);
    const findings = lintDefinition(join(import.meta.dirname, 'definition'));
    expect(findings[0]!.message).toContain('declares none of the nine topics');
  });

  it('flags 3 partitions, an invalid name, a missing schema file and an invalid schema', () => {
    const dir = copy('solution');
    const file = join(dir, 'topics.json');
    const definition = JSON.parse(readFileSync(file, 'utf8'));
    definition.topics[2].partitions = 3;
    definition.topics[3].name = 'returns!';
    definition.topics[4].schema = 'schemas/nowhere.json';
    writeFileSync(file, JSON.stringify(definition));
    writeFileSync(join(dir, 'schemas', 'users.json'), '{"type": "text"}');
    const messages = lintDefinition(dir).map((finding) => finding.message);
    expect(messages).toContain('"purchases" has 3 partition(s); the hack asks for 4');
    expect(messages.some((message) => message.includes('"returns!" may contain only letters'))).toBe(true);
    expect(messages).toContain('schemas/nowhere.json does not exist');
    expect(messages.some((message) => message.includes('unknown type "text"'))).toBe(true);
    expect(messages.some((message) => message.includes('missing: returns'))).toBe(true);
  });

  it('names the topic a capitalised or snake_case name was meant to be', () => {
    const dir = copy('solution');
    const file = join(dir, 'topics.json');
    const definition = JSON.parse(readFileSync(file, 'utf8'));
    definition.topics[2].name = 'Purchases';
    definition.topics[5].name = 'product_ratings';
    writeFileSync(file, JSON.stringify(definition));
    const messages = lintDefinition(dir).map((finding) => finding.message);
    expect(messages).toContain(
      '"Purchases" is not one of the nine topics of the hack — did you mean "purchases"? (names are case-sensitive)',
    );
    expect(messages.some((message) => message.includes('did you mean "product-ratings"'))).toBe(true);
  });

  it('warns about a schema that leaves fields of the records undescribed (the template’s users.json)', () => {
    const dir = copy('solution');
    cpSync(
      join(import.meta.dirname, 'definition', 'schemas', 'users.json'),
      join(dir, 'schemas', 'users.json'),
    );
    const findings = lintDefinition(dir);
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'warning',
        connector: 'schemas/users.json',
        message: 'does not describe fullName, email, country, city, createdAt of the users records',
      }),
    ]);
  });
});
