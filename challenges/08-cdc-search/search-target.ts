import { join } from 'node:path';
import type { SearchField } from '@azure/search-documents';
import { HackError } from '../../infra/errors.ts';
import { terms } from '../../infra/search/analyzer.ts';
import { searchClient, searchIndexClient } from '../../infra/search/client.ts';
import type { Environment } from '../../infra/stack/environment.ts';
import type { SearchEntry } from '../../infra/stack/stack-file.ts';
import type { StepContext } from '../challenge.ts';
import { fileWayChallenge, type IndexReader } from './challenge.ts';
import { INDEX, TARGETS, TOP_HITS, type FuzzyProbe } from './checks.ts';
import { generateCdcEvents } from './data.ts';

/**
 * Challenge 08 into Azure AI Search (`hack challenge 08-search`): way (b)'s replay file, the same file source, and
 * our Azure AI Search sink writing the index `cdc` of the stack's Search service — with the same checks. What
 * Azure does differently is handled here: the index needs its fields declared (inferred from the entities), a
 * document key allows no slashes (the sink encodes entity keys as URL-safe base64, the reader decodes them), and
 * fuzzy search is Lucene's `term~n` with `queryType=full`.
 */
export const KEY_FIELD = 'id';
export const VERSION_FIELD = 'document_version';
export const FUZZY_FIELDS = ['object/name', 'object/hostname', 'object/username'];

/** The Azure field of a JSON value: strings searchable, integers Int64, lists of strings, objects complex. */
function fieldOf(name: string, values: unknown[]): SearchField {
  const present = values.filter((value) => value !== null && value !== undefined);
  const sample = present[0];
  if (sample !== null && typeof sample === 'object' && !Array.isArray(sample)) {
    const inner = new Map<string, unknown[]>();
    for (const value of present)
      for (const [field, innerValue] of Object.entries(value as Record<string, unknown>))
        inner.set(field, [...(inner.get(field) ?? []), innerValue]);
    return {
      name,
      type: 'Edm.ComplexType',
      fields: [...inner].map(([field, innerValues]) => fieldOf(field, innerValues)),
    };
  }
  if (Array.isArray(sample))
    return { name, type: 'Collection(Edm.String)', searchable: true, filterable: true };
  if (typeof sample === 'number') return { name, type: 'Edm.Int64', filterable: true };
  if (typeof sample === 'boolean') return { name, type: 'Edm.Boolean', filterable: true };
  return { name, type: 'Edm.String', searchable: true, filterable: true };
}

/**
 * The index's fields: the key `id` (the entity key, URL-safe base64), `type`, `object` (every field any entity
 * has, per type: the union), and `document_version` for the sink's version-aware writes.
 */
export function indexFields(seed: number): SearchField[] {
  const objects = generateCdcEvents(seed)
    .events.map((event) => event.after.value?.object)
    .filter((object) => object !== undefined);
  return [
    { name: KEY_FIELD, type: 'Edm.String', key: true, filterable: true },
    { name: 'type', type: 'Edm.String', filterable: true, facetable: true },
    fieldOf('object', objects),
    { name: VERSION_FIELD, type: 'Edm.Int64', filterable: true },
  ];
}

/** The entity key of a document key: decoded from URL-safe base64 when it is one; any other id as it is. */
export function entityKeyOf(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return id;
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  return decoded.startsWith('c/') && Buffer.from(decoded, 'utf8').toString('base64url') === id ? decoded : id;
}

/**
 * A document as its entity's `after.value`: without the key and version fields (and `@search.*` annotations), and
 * without what Azure returns for a field the entity does not have — null, or an empty list for a collection (the
 * entities have no empty lists, so an empty one is always a field of another type).
 */
export function entityOf(document: Record<string, unknown>): Record<string, unknown> {
  const unset = (value: unknown): boolean =>
    value === null || value === undefined || (Array.isArray(value) && value.length === 0);
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([field, inner]) => !unset(inner) && !field.startsWith('@search.'))
        .map(([field, inner]) => [field, strip(inner)]),
    );
  };
  const entity = strip(document) as Record<string, unknown>;
  delete entity[KEY_FIELD];
  delete entity[VERSION_FIELD];
  return entity;
}

/**
 * Lucene's full syntax for a misspelt name: each of its terms (as the standard analyzer splits them) fuzzy within
 * the edit distance OpenSearch's `fuzziness: AUTO` allows — 0 up to 2 characters, 1 up to 5, else 2 — all required.
 */
export function fuzzyQuery(text: string): string {
  return terms(text)
    .map((term) => `${term}~${term.length <= 2 ? 0 : term.length <= 5 ? 1 : 2}`)
    .join(' ');
}

/** Azure AI Search's reader: every document (paged by 1000), and fuzzy probes in full Lucene syntax. */
export function searchReader(environment: Environment): IndexReader {
  const entry = environment.search;
  if (!entry)
    return {
      missing: `${environment.source} has no Azure AI Search (SEARCH_ENDPOINT, SEARCH_ADMIN_KEY): \`npx hack up search\`.`,
      documents: () => Promise.resolve({ exists: false, documents: new Map() }),
      fuzzy: () => Promise.resolve([]),
      close: () => Promise.resolve(),
    };
  return searchIndexReader(entry);
}

/** The reader over one Search service (the stack's, a team's, or a test's emulator). */
export function searchIndexReader(entry: SearchEntry): IndexReader {
  const client = searchClient(entry, INDEX);
  return {
    location: entry.endpoint,
    documents: async () => {
      const documents = new Map<string, Record<string, unknown>>();
      const exists = await searchIndexClient(entry)
        .getIndex(INDEX)
        .then(
          () => true,
          (error: unknown) => {
            if ((error as { statusCode?: number }).statusCode === 404) return false;
            throw error;
          },
        );
      if (!exists) return { exists, documents };
      for (let skip = 0; ; skip += 1000) {
        const page = await client.search('*', { top: 1000, skip });
        let count = 0;
        for await (const hit of page.results) {
          count++;
          documents.set(entityKeyOf(String(hit.document[KEY_FIELD])), entityOf(hit.document));
        }
        if (count < 1000) break;
      }
      return { exists, documents };
    },
    fuzzy: (targets) =>
      Promise.all(
        targets.map(async (probe): Promise<FuzzyProbe> => {
          const query = fuzzyQuery(probe.query);
          try {
            const found = await client.search(query, {
              queryType: 'full',
              searchMode: 'all',
              searchFields: FUZZY_FIELDS,
              select: [KEY_FIELD],
              top: TOP_HITS,
            });
            const hits: string[] = [];
            for await (const hit of found.results) hits.push(entityKeyOf(String(hit.document[KEY_FIELD])));
            return { ...probe, hits };
          } catch (error) {
            return { ...probe, error: `${query}: ${(error as Error).message}` };
          }
        }),
      ),
    close: () => Promise.resolve(),
  };
}

function searchEntry(context: StepContext): SearchEntry {
  const entry = context.environment.search;
  if (!entry)
    throw new HackError(
      `${context.environment.source} has no Azure AI Search (SEARCH_ENDPOINT, SEARCH_ADMIN_KEY).`,
      {
        fix: 'Start it with `npx hack up search`, or set SEARCH_ENDPOINT and SEARCH_ADMIN_KEY in the env file.',
      },
    );
  return entry;
}

export const challenge08search = fileWayChallenge({
  id: '08-search',
  folders: { participant: 'search', solution: join('solution', 'search') },
  target: TARGETS.search,
  reader: searchReader,
  deleteIndex: async (context) => {
    await searchIndexClient(searchEntry(context))
      .deleteIndex(INDEX)
      .catch(() => undefined);
  },
  /** The index `cdc` with the challenge's fields. */
  createIndex: async (context) => {
    const indexes = searchIndexClient(searchEntry(context));
    const exists = await indexes.getIndex(INDEX).then(
      () => true,
      () => false,
    );
    if (!exists) await indexes.createIndex({ name: INDEX, fields: indexFields(context.scenario.seed) });
  },
});
