import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EpkFilter } from './routes/feeds.ts';

type HashPartitionKey = (values: unknown[], definition: unknown) => string;

/**
 * Effective partition keys (the hashes that place items in feed ranges) computed with the installed SDK's own
 * hashing, so a sub-range read selects exactly the items the SDK expects. The hashing module is internal to
 * @azure/cosmos, hence the file import; without it, sub-range filters are skipped.
 */
async function loadHash(): Promise<HashPartitionKey | undefined> {
  try {
    const require = createRequire(import.meta.url);
    const esm = join(dirname(require.resolve('@azure/cosmos')), '..', 'esm');
    const module = (await import(pathToFileURL(join(esm, 'utils/hashing/hash.js')).href)) as {
      hashPartitionKey: HashPartitionKey;
    };
    return module.hashPartitionKey;
  } catch {
    return undefined;
  }
}

export async function createEpkFilter(): Promise<EpkFilter | undefined> {
  const hash = await loadHash();
  if (!hash) return undefined;
  return (container, doc, min, max) => {
    const values = container
      .partitionKeyOf(doc)
      .map((v) => (typeof v === 'object' && v !== null ? undefined : v));
    const epk = hash(values, container.partitionKey);
    return epk >= min.toUpperCase() && (max === 'FF' || epk < max.toUpperCase());
  };
}
