import {
  appendFileSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HackError } from '../infra/errors.ts';
import { contentHash } from './canonical.ts';
import { CHANGELOG_TOPICS, TOPICS, type AnyRecord, type Topic } from './model.ts';
import type { ScaleCounts } from './scale.ts';

/**
 * What a scenario generated, for verification: per topic the number of records, the number of distinct ids and
 * the content hash of each id's *final* version (latest record per id), ids in ascending order. The hash is
 * `contentHash(topic, entity)` from canonical.ts. No wall-clock time is recorded, so the same options give a
 * byte-identical manifest.
 */
export interface ManifestTopic {
  /** Records generated onto the topic (a changelog has several per id). */
  records: number;
  /** Distinct ids = the keys of `hashes`. */
  count: number;
  hashes: Record<string, string>;
}

export interface ManifestHeader {
  version: 1;
  challenge: string;
  seed: number;
  scale: ScaleCounts;
  start: string;
  spanDays: number;
  liveUpdates: number;
  /** Where this run wrote which topics; the manifest itself always covers the whole scenario. */
  written: { target: string; topics: Topic[] };
  hash: string;
}

export interface Manifest extends ManifestHeader {
  topics: Record<Topic, ManifestTopic>;
}

export const HASH_DESCRIPTION =
  'sha256 hex of the canonical JSON (sorted keys, no whitespace) of the entity fields';

/** Flushed to disk beyond this many lines, so the manifest of a million events does not live in memory. */
const SPILL_LINES = 8_192;

interface EventTopicState {
  buffered: string[];
  file: string | undefined;
}

/**
 * Collects hashes as records stream past. Changelog topics (users, products, inventory, top 5) keep the latest
 * hash per id in memory — bounded by the catalog. Event topics have a fresh, ascending id per record, so their
 * hashes are appended to a temporary file and streamed back when the manifest is written.
 */
export class ManifestBuilder {
  private readonly records = new Map<Topic, number>();
  private readonly latest = new Map<Topic, Map<string, string>>();
  private readonly spills = new Map<Topic, EventTopicState>();
  private spillDir: string | undefined;

  constructor(private readonly spillLines = SPILL_LINES) {}

  add(record: AnyRecord): void {
    this.records.set(record.topic, (this.records.get(record.topic) ?? 0) + 1);
    const hash = contentHash(record.topic, record.value);
    if (CHANGELOG_TOPICS.includes(record.topic)) {
      let ids = this.latest.get(record.topic);
      if (!ids) this.latest.set(record.topic, (ids = new Map()));
      ids.set(record.key, hash);
      return;
    }
    let state = this.spills.get(record.topic);
    if (!state) this.spills.set(record.topic, (state = { buffered: [], file: undefined }));
    state.buffered.push(`${record.key}\t${hash}\n`);
    if (state.buffered.length >= this.spillLines) {
      this.spillDir ??= mkdtempSync(join(tmpdir(), 'connect-hack-manifest-'));
      state.file ??= join(this.spillDir, `${record.topic}.tsv`);
      appendFileSync(state.file, state.buffered.join(''));
      state.buffered = [];
    }
  }

  private async *entries(topic: Topic): AsyncGenerator<[string, string]> {
    const ids = this.latest.get(topic);
    if (ids) {
      for (const id of [...ids.keys()].sort()) yield [id, ids.get(id) ?? ''];
      return;
    }
    const state = this.spills.get(topic);
    if (!state) return;
    const split = (line: string): [string, string] => {
      const tab = line.indexOf('\t');
      return [line.slice(0, tab), line.slice(tab + 1).trimEnd()];
    };
    if (state.file) {
      for await (const line of createInterface({
        input: createReadStream(state.file),
        crlfDelay: Infinity,
      })) {
        if (line) yield split(line);
      }
    }
    for (const line of state.buffered) yield split(line);
  }

  private countOf(topic: Topic): number {
    return this.latest.get(topic)?.size ?? this.records.get(topic) ?? 0;
  }

  /** The whole manifest in memory: for tests and small scenarios. */
  async build(header: ManifestHeader): Promise<Manifest> {
    const topics = {} as Record<Topic, ManifestTopic>;
    for (const topic of TOPICS) {
      const hashes: Record<string, string> = {};
      for await (const [id, hash] of this.entries(topic)) hashes[id] = hash;
      topics[topic] = { records: this.records.get(topic) ?? 0, count: this.countOf(topic), hashes };
    }
    return { ...header, topics };
  }

  /** Streams the manifest to `file`, laid out exactly as `JSON.stringify(manifest, null, 2)` would. */
  async writeTo(file: string, header: ManifestHeader): Promise<void> {
    const out = createWriteStream(file);
    const write = async (text: string): Promise<void> => {
      if (!out.write(text)) await once(out, 'drain');
    };
    const head = JSON.stringify(header, null, 2);
    await write(`${head.slice(0, head.lastIndexOf('\n}'))},\n  "topics": {`);
    for (const [index, topic] of TOPICS.entries()) {
      const records = this.records.get(topic) ?? 0;
      await write(`${index === 0 ? '' : ','}\n    ${JSON.stringify(topic)}: {\n`);
      await write(`      "records": ${records},\n      "count": ${this.countOf(topic)},\n      "hashes": {`);
      let first = true;
      let chunk = '';
      for await (const [id, hash] of this.entries(topic)) {
        chunk += `${first ? '' : ','}\n        ${JSON.stringify(id)}: "${hash}"`;
        first = false;
        if (chunk.length > 65_536) {
          await write(chunk);
          chunk = '';
        }
      }
      await write(`${chunk}${first ? '}' : '\n      }'}\n    }`);
    }
    await write('\n  }\n}\n');
    out.end();
    await once(out, 'finish');
  }

  /** Removes the temporary spill files. */
  dispose(): void {
    if (this.spillDir) rmSync(this.spillDir, { recursive: true, force: true });
    this.spillDir = undefined;
  }
}

export function readManifest(file: string): Manifest {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new HackError(`Cannot read the manifest ${file}.`, {
      fix: 'Generate it again with `npx hack generate … --out DIR` (it is DIR/manifest.json).',
      cause: error,
    });
  }
}

/** The ids a topic must end up with, ascending. */
export function manifestIds(manifest: Manifest, topic: Topic): string[] {
  return Object.keys(manifest.topics[topic]?.hashes ?? {});
}
