import type { SearchClient } from '@azure/search-documents';
import type { JsonValue } from '../runtime/data/connect-json.ts';

/**
 * Version-aware writes for an index without external versions: the versions a task wrote or deleted (exact, and
 * ahead of Azure's near-real-time search, which may not show a write of a second ago), bounded by evicting the
 * least recently written keys. A delete stays remembered too, so an older change read after it is refused — as
 * OpenSearch keeps a deleted document's version for `index.gc_deletes`.
 */
export class VersionLedger {
  private readonly known = new Map<string, number>();
  constructor(private readonly limit = 100_000) {}

  get(index: string, key: string): number | undefined {
    return this.known.get(`${index}\u0000${key}`);
  }

  remember(index: string, key: string, version: number): void {
    const entry = `${index}\u0000${key}`;
    if ((this.known.get(entry) ?? -1) > version) return;
    this.known.delete(entry);
    this.known.set(entry, version);
    if (this.known.size > this.limit) this.known.delete(this.known.keys().next().value!);
  }

  clear(): void {
    this.known.clear();
  }
}

/** Keys a filter literal can carry: Azure's document key alphabet (other keys fail on write anyway). */
const filterableKey = /^[A-Za-z0-9_\-=]+$/;
const LOOKUP_CHUNK = 200;

/** The versions the index holds for some keys (absent keys and documents without a version are left out). */
export async function storedVersions(
  client: SearchClient<Record<string, JsonValue>>,
  keyField: string,
  versionField: string,
  keys: string[],
): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  const lookup = [...new Set(keys)].filter((key) => filterableKey.test(key));
  for (let start = 0; start < lookup.length; start += LOOKUP_CHUNK) {
    const chunk = lookup.slice(start, start + LOOKUP_CHUNK);
    const found = await client.search('*', {
      filter: `search.in(${keyField}, '${chunk.join('|')}', '|')`,
      select: [keyField, versionField],
      top: chunk.length,
    });
    for await (const hit of found.results) {
      const version = hit.document[versionField];
      if (typeof version === 'number') versions.set(String(hit.document[keyField]), version);
    }
  }
  return versions;
}
