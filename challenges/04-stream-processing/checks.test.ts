import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../generators/scenario.ts';
import type { TopicSnapshot } from '../../verify/readers/kafka.ts';
import { evaluateGraph, rootCause } from '../../verify/graph.ts';
import { inputRecords, INPUT_TOPICS, OUTPUT_TOPICS } from './challenge.ts';
import { streamChecks, type StreamState } from './checks.ts';
import { crashLine } from './processor.ts';
import type { AnyRecord } from '../../generators/model.ts';
import { RetailProcessor, type Fault } from './solution/typescript/core.ts';

/**
 * The checks against the TypeScript reference's own logic, run over the scenario's inputs in production order
 * (late ratings last) — healthy, then broken the ways real processors break. No broker: the topics are built
 * the way the verifier's reader builds them (latest value per id).
 */
const scenario = resolveScenario({ seed: 7, scale: 'users=40,products=12,events=1500' });

/**
 * `replay`: a restart of an at-least-once processor whose state survived (a persisted store) but whose last
 * offsets were not committed — it reads the last `replay` records of the first half again.
 */
function stateAfter(fault: Fault, replay: (early: AnyRecord[]) => AnyRecord[] = () => []): StreamState {
  const { early, live } = inputRecords({ scenario });
  const processor = new RetailProcessor(fault);
  const topics = new Map<string, TopicSnapshot>();
  for (const topic of [...INPUT_TOPICS, ...OUTPUT_TOPICS])
    topics.set(topic, {
      topic,
      exists: true,
      records: 0,
      latest: new Map(),
      versions: new Map(),
      unreadable: 0,
    });
  const put = (topic: string, key: string, value: Record<string, unknown>): void => {
    const snapshot = topics.get(topic)!;
    snapshot.records++;
    snapshot.latest.set(String(value.id ?? key), { key, value, partition: 0, offset: snapshot.records });
  };
  for (const record of [...early, ...replay(early), ...live]) {
    const value = record.value as unknown as Record<string, unknown>;
    put(record.topic, record.key, value);
    for (const out of processor.handle(record.topic, value)) put(out.topic, out.key, out.value);
  }
  return { topics };
}

const verdict = (fault: Fault) => {
  const checks = evaluateGraph(streamChecks, stateAfter(fault));
  return { checks, cause: rootCause(checks), byId: new Map(checks.map((check) => [check.id, check])) };
};

describe('challenge 04 checks', () => {
  it('pass on the reference processor, late ratings included', () => {
    const { checks } = verdict(undefined);
    expect(checks.filter((check) => !check.passed).map((check) => check.hint)).toEqual([]);
    expect(checks.find((check) => check.id === 'inventory-on-hand')?.expected).toBe(12);
  });

  it('name the product and the returns when returns are subtracted', () => {
    const { cause, byId } = verdict('returns-subtracted');
    expect(cause?.id).toBe('inventory-on-hand');
    expect(cause?.hint).toMatch(
      /^product-\d+ \(.+\): onHand \d+, expected \d+ \(-\d+\): returns subtracted instead of added: return-\d+ \(\+\d+\)/,
    );
    expect(byId.get('top-5-products')?.passed).toBe(true);
  });

  it('name the replenishment counted twice after a restart', () => {
    const { cause, byId } = verdict('replenishment-twice');
    expect(cause?.id).toBe('inventory-on-hand');
    expect(cause?.hint).toMatch(
      /\(\+\d+\): (inventory-replenishment replenishment-0+1 \(\+\d+\)|one event of \+\d+) counted twice — after a restart.*replenishment-0+1\b/,
    );
    expect(byId.get('inventory-on-hand')?.mismatched).toHaveLength(1);
  });

  it('name the replayed events of a real restart (state kept, offsets not committed) as counted twice', () => {
    // The uncommitted tail: from the last replenishment before the restart to the restart.
    let replayed: AnyRecord[] = [];
    const state = stateAfter(undefined, (early) => {
      const from = early.findLastIndex((record) => record.topic === 'inventory-replenishment');
      replayed = early.slice(from);
      return replayed;
    });
    const checks = evaluateGraph(streamChecks, state);
    const inventory = checks.find((check) => check.id === 'inventory-on-hand')!;
    const replenishment = replayed[0]!.value as unknown as { id: string; productId: string };
    expect(inventory.passed).toBe(false);
    const line = inventory.details.find((detail) => detail.startsWith(`${replenishment.productId} `));
    expect(line).toMatch(/counted twice — after a restart without exactly-once or a state store\?/);
    // Every product the replay touched is named, each with its replayed event.
    const touched = new Set(
      replayed
        .filter((record) => !['products', 'users', 'product-ratings'].includes(record.topic))
        .map((record) => (record.value as unknown as { productId: string }).productId),
    );
    expect(inventory.mismatched.map((item) => item.id).sort()).toEqual([...touched].sort());
    for (const detail of inventory.details.filter((item) => /^product-/.test(item)))
      expect(detail).toMatch(/counted twice — after a restart/);
  });

  it('say "integer division" when the average is truncated', () => {
    const { cause, byId } = verdict('integer-average');
    expect(cause?.id).toBe('top-5-products');
    expect(cause?.hint).toMatch(
      /^rank \d product-\d+: ratingScore \d is the integer part of \d\.\d{4} \(\d+\/\d+\): average as integer division/,
    );
    expect(byId.get('inventory-on-hand')?.passed).toBe(true);
  });

  it('name the product that dropped out of the top 5 but is still listed', () => {
    const { cause } = verdict('top-not-updated');
    expect(cause?.id).toBe('top-5-products');
    expect(cause?.hint).toMatch(
      /still shows product-\d+ \(average [\d.]+ = \d+\/\d+\), which dropped out of the top 5; it should be product-\d+/,
    );
  });

  it('quote the error line of a crashed processor, not the runtime banner after it', () => {
    const node = [
      'node:internal/modules/run_main:123',
      '    triggerUncaughtException(',
      '    ^',
      '',
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'kafkajs' imported from /x/processor.ts",
      '    at packageResolve (node:internal/modules/esm/resolve:854:9) {',
      "  code: 'ERR_MODULE_NOT_FOUND'",
      '}',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(crashLine(node)).toBe(
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'kafkajs' imported from /x/processor.ts",
    );
    const jvm = [
      '[main] INFO org.apache.kafka.streams.KafkaStreams - State transition from CREATED to REBALANCING',
      'Exception in thread "main" org.apache.kafka.common.config.ConfigException: Missing required configuration "application.id"',
      '\tat org.apache.kafka.common.config.ConfigDef.parseValue(ConfigDef.java:493)',
      '\tat dev.connecthack.streams.MyStreams.main(MyStreams.java:20)',
    ].join('\n');
    expect(crashLine(jvm)).toMatch(/^Exception in thread "main" .*ConfigException: Missing required/);
    const state = stateAfter(undefined);
    state.processor = { alive: false, logFile: '/x/processor-04.log', logTail: node };
    expect(rootCause(evaluateGraph(streamChecks, state))?.hint).toContain("Cannot find package 'kafkajs'");
  });

  it('blame the processor, not the numbers, when it exited', () => {
    const state = stateAfter(undefined);
    state.processor = {
      alive: false,
      logFile: '/x/processor-04.log',
      logTail: 'boom\nTODO 1: write inventory-on-hand',
    };
    for (const topic of OUTPUT_TOPICS) state.topics.get(topic)!.latest.clear();
    const checks = evaluateGraph(streamChecks, state);
    expect(rootCause(checks)?.hint).toContain('TODO 1: write inventory-on-hand');
    expect(checks.find((check) => check.id === 'inventory-on-hand')?.blockedBy).toBe('processor');
  });
});
