import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOPICS, type AnyRecord } from './model.ts';
import { runGeneration } from './run.ts';
import { generateScenario, resolveScenario, type ScenarioInput } from './scenario.ts';
import { jsonlWriter } from './writers/jsonl.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes a scenario to JSONL (+ manifest) in a fresh directory and returns the files' bytes by name. */
async function generateFiles(input: ScenarioInput): Promise<Map<string, Buffer>> {
  const dir = mkdtempSync(join(tmpdir(), 'generate-'));
  dirs.push(dir);
  await runGeneration({
    challenge: '03',
    options: resolveScenario(input),
    target: 'jsonl',
    topics: TOPICS,
    writer: jsonlWriter(dir, TOPICS),
    manifestFile: join(dir, 'manifest.json'),
  });
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

describe('determinism', () => {
  it('gives byte-identical JSONL files and manifest for the same seed, and different ones for another seed', async () => {
    const first = await generateFiles({ seed: 42, scale: 'small', liveUpdates: 10 });
    const again = await generateFiles({ seed: 42, scale: 'small', liveUpdates: 10 });
    const other = await generateFiles({ seed: 43, scale: 'small', liveUpdates: 10 });
    expect([...first.keys()].sort()).toEqual(
      [...TOPICS.map((topic) => `${topic}.jsonl`), 'manifest.json'].sort(),
    );
    for (const [name, bytes] of first) {
      expect(bytes.length, name).toBeGreaterThan(0);
      expect(again.get(name)?.equals(bytes), `${name} is identical`).toBe(true);
    }
    for (const name of ['users.jsonl', 'products.jsonl', 'purchases.jsonl', 'manifest.json']) {
      expect(other.get(name)?.equals(first.get(name) ?? Buffer.alloc(0)), `${name} differs`).toBe(false);
    }
  });

  it('keeps the catalog and events the same whether or not live updates are asked for', () => {
    const plain = resolveScenario({ seed: 5, scale: 'small' });
    const withUpdates = resolveScenario({ seed: 5, scale: 'small', liveUpdates: 25 });
    const text = (records: Iterable<AnyRecord>): string[] =>
      [...records].map((record) => JSON.stringify(record));
    expect(text(generateScenario(withUpdates, ['catalog', 'events']))).toEqual(text(generateScenario(plain)));
  });

  it('derives every timestamp from the start option, not from the clock', () => {
    const at = (start: string) => [
      ...generateScenario(resolveScenario({ seed: 1, scale: 'users=3,products=2,events=20', start })),
    ];
    const january = at('2026-01-05T08:00:00.000Z');
    const shifted = at('2026-01-06T08:00:00.000Z');
    expect(shifted).toHaveLength(january.length);
    const createdAt = (records: AnyRecord[]) =>
      records.flatMap((record) => ('createdAt' in record.value ? [Date.parse(record.value.createdAt)] : []));
    const shift = createdAt(shifted).map((time, i) => time - (createdAt(january)[i] ?? 0));
    expect(new Set(shift)).toEqual(new Set([86_400_000]));
  });
});
