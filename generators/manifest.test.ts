import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, entityFields } from './canonical.ts';
import { ManifestBuilder, readManifest } from './manifest.ts';
import { TOPICS, type Topic } from './model.ts';
import { manifestHeader } from './run.ts';
import { generateScenario, resolveScenario } from './scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('canonical JSON and content hashes', () => {
  it('sorts keys at every level, writes Dates as ISO strings and drops undefined members', () => {
    expect(
      canonicalJson({
        b: 1,
        a: { d: [2, { z: 1, y: 2 }], c: new Date('2026-01-05T08:00:00Z') },
        e: undefined,
      }),
    ).toBe('{"a":{"c":"2026-01-05T08:00:00.000Z","d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('hashes only the entity fields, whatever order and system properties a store adds', () => {
    const user = {
      id: 'user-000001',
      fullName: 'Ada Lovelace',
      email: 'ada.lovelace1@example.com',
      country: 'United Kingdom',
      city: 'London',
      createdAt: '2025-12-01T10:00:00.000Z',
    };
    const fromCosmos = {
      _etag: '"0"',
      _ts: 1,
      ...Object.fromEntries(Object.entries(user).reverse()),
      _rid: 'x',
    };
    const fromSearch = { ...user, createdAt: new Date(user.createdAt), '@search.score': 1 };
    expect(contentHash('users', fromCosmos)).toBe(contentHash('users', user));
    expect(contentHash('users', fromSearch)).toBe(contentHash('users', user));
    expect(contentHash('users', { ...user, city: 'Bristol' })).not.toBe(contentHash('users', user));
    expect(Object.keys(entityFields('users', fromCosmos)).sort()).toEqual(Object.keys(user).sort());
  });
});

describe('the manifest', () => {
  const options = resolveScenario({ seed: 3, scale: 'users=40,products=12,events=600', liveUpdates: 40 });
  const header = manifestHeader('03', options, 'jsonl', TOPICS);

  it('holds the final version of each id: latest record per id, hashed', async () => {
    const builder = new ManifestBuilder();
    const latest = new Map<Topic, Map<string, string>>();
    const records = new Map<Topic, number>();
    for (const record of generateScenario(options)) {
      builder.add(record);
      if (!latest.has(record.topic)) latest.set(record.topic, new Map());
      latest.get(record.topic)?.set(record.key, contentHash(record.topic, record.value));
      records.set(record.topic, (records.get(record.topic) ?? 0) + 1);
    }
    const manifest = await builder.build(header);
    for (const topic of TOPICS) {
      const expected = latest.get(topic) ?? new Map<string, string>();
      expect(manifest.topics[topic].count, topic).toBe(expected.size);
      expect(manifest.topics[topic].records, topic).toBe(records.get(topic));
      expect(manifest.topics[topic].hashes, topic).toEqual(Object.fromEntries(expected));
      const ids = Object.keys(manifest.topics[topic].hashes);
      expect(ids, `${topic} ids ascending`).toEqual([...ids].sort());
    }
    // Live updates changed some users: their manifest hash is not the one of their first version.
    expect(manifest.topics.users.records).toBeGreaterThan(manifest.topics.users.count);
  });

  it('streams to a file laid out as JSON.stringify(manifest, null, 2), spilled or not', async () => {
    const spilling = new ManifestBuilder(16); // a tiny threshold sends most hashes through the spill files
    const inMemory = new ManifestBuilder();
    for (const record of generateScenario(options)) {
      spilling.add(record);
      inMemory.add(record);
    }
    const file = join(dir, 'manifest.json');
    await spilling.writeTo(file, header);
    const expected = await inMemory.build(header);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(readManifest(file)).toEqual(expected);
    spilling.dispose();
  });
});

describe('contentHash', () => {
  it('hashes exactly the canonical JSON of the entity fields', async () => {
    const { createHash } = await import('node:crypto');
    for (const record of generateScenario(
      resolveScenario({ seed: 9, scale: 'users=3,products=3,events=60' }),
    )) {
      const text = canonicalJson(
        entityFields(record.topic, record.value as unknown as Record<string, unknown>),
      );
      expect(contentHash(record.topic, record.value)).toBe(createHash('sha256').update(text).digest('hex'));
    }
    expect(contentHash('users', {})).toBe(createHash('sha256').update('{}').digest('hex'));
  });
});
