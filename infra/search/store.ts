import { SearchRequestError, badRequest, notFound } from './errors.ts';
import { Journal, type JournalRecord } from './journal.ts';
import { checkIndexUpdate, normalizeIndex, type IndexDefinition } from './schema.ts';
import { SearchIndex, type IndexingResult, type StoredChange } from './search-index.ts';
import {
  compileSynonymMap,
  normalizeSynonymMap,
  type SynonymMapDefinition,
  type SynonymMaps,
} from './synonyms.ts';

export const maxIndexes = 50;
/** The service's limit on the larger Standard tiers (Free and Basic allow 3, S1 5). */
export const maxSynonymMaps = 20;

/** The service's state: its indexes, kept in memory and journaled to the data dir. */
export class SearchStore {
  readonly indexes = new Map<string, SearchIndex>();
  /** Shared with every index: a field names a map by name and sees it change without a rebuild. */
  readonly synonymMaps: SynonymMaps = new Map();
  private readonly journal: Journal;
  private etagCounter = Date.now();

  /** Document changes replayed at start-up: when they far outnumber the live documents, the journal is compacted. */
  private replayedChanges = 0;

  constructor(dataDir: string) {
    this.journal = Journal.open(dataDir, (record) => this.replay(record));
    let live = 0;
    for (const index of this.indexes.values()) live += index.documents.size;
    if (this.replayedChanges > 2 * live + 10_000) this.compact();
  }

  /** Builds the text indexes of replayed indexes between requests; resolves when all are built. */
  async warmUp(): Promise<void> {
    for (const index of [...this.indexes.values()]) {
      if (index.documents.size > 0 && this.indexes.get(index.definition.name) === index)
        await index.buildInBackground();
    }
  }

  /** Rewrites the journal as the live state: each index's definition, then its documents in chunks. */
  compact(): void {
    const { indexes, synonymMaps } = this;
    function* records(): Generator<JournalRecord> {
      for (const map of synonymMaps.values()) yield { t: 'synonyms', definition: { ...map.definition } };
      for (const index of indexes.values()) {
        yield { t: 'index', definition: index.definition };
        let chunk: StoredChange[] = [];
        for (const key of index.documents.keys()) {
          chunk.push({ put: index.fullDocument(key)! });
          if (chunk.length === 1000) {
            yield { t: 'docs', index: index.definition.name, changes: chunk };
            chunk = [];
          }
        }
        if (chunk.length > 0) yield { t: 'docs', index: index.definition.name, changes: chunk };
      }
    }
    this.journal.compact(records());
    this.replayedChanges = 0;
  }

  private replay(record: JournalRecord): void {
    switch (record.t) {
      case 'index': {
        const definition = completed(record.definition as IndexDefinition);
        const existing = this.indexes.get(definition.name);
        if (existing) existing.redefine(definition);
        else this.indexes.set(definition.name, new SearchIndex(definition, this.synonymMaps));
        break;
      }
      case 'synonyms': {
        const definition = record.definition as unknown as SynonymMapDefinition;
        this.synonymMaps.set(definition.name, compileSynonymMap(definition));
        break;
      }
      case 'dropSynonyms':
        this.synonymMaps.delete(record.name);
        break;
      case 'drop':
        this.indexes.delete(record.name);
        break;
      case 'docs':
        this.indexes.get(record.index)?.apply(record.changes as StoredChange[]);
        this.replayedChanges += record.changes.length;
        break;
    }
  }

  private nextEtag(): string {
    return `"0x${(++this.etagCounter).toString(16).toUpperCase()}"`;
  }

  get(name: string): SearchIndex {
    const index = this.indexes.get(name);
    if (!index) throw notFound(`No index with the name '${name}' was found in the service.`);
    return index;
  }

  create(body: unknown): IndexDefinition {
    const definition = normalizeIndex(body);
    if (this.indexes.has(definition.name)) {
      throw new SearchRequestError(
        409,
        'ResourceNameAlreadyInUse',
        `Cannot create index '${definition.name}' because it already exists.`,
      );
    }
    return this.save(definition, undefined);
  }

  /** PUT semantics: create when absent (201), update compatible changes when present (200). */
  createOrUpdate(
    name: string,
    body: unknown,
    ifMatch?: string,
    ifNoneMatch?: string,
  ): { definition: IndexDefinition; created: boolean } {
    const existing = this.indexes.get(name);
    if (ifNoneMatch === '*' && existing) throw preconditionFailed(name);
    if (ifMatch && (!existing || (ifMatch !== '*' && ifMatch !== existing.definition['@odata.etag'])))
      throw preconditionFailed(name);
    const definition = normalizeIndex(body, name);
    if (!existing && this.indexes.size >= maxIndexes)
      throw badRequest(`The service allows at most ${maxIndexes} indexes.`, 'QuotaExceeded');
    if (existing) checkIndexUpdate(existing.definition, definition);
    return { definition: this.save(definition, existing), created: !existing };
  }

  private save(definition: IndexDefinition, existing: SearchIndex | undefined): IndexDefinition {
    if (!existing && this.indexes.size >= maxIndexes)
      throw badRequest(`The service allows at most ${maxIndexes} indexes.`, 'QuotaExceeded');
    definition['@odata.etag'] = this.nextEtag();
    this.journal.append({ t: 'index', definition });
    if (existing) existing.redefine(definition);
    else this.indexes.set(definition.name, new SearchIndex(definition, this.synonymMaps));
    return definition;
  }

  delete(name: string, ifMatch?: string): boolean {
    const existing = this.indexes.get(name);
    if (!existing) return false;
    if (ifMatch && ifMatch !== '*' && ifMatch !== existing.definition['@odata.etag'])
      throw preconditionFailed(name);
    this.journal.append({ t: 'drop', name });
    this.indexes.delete(name);
    return true;
  }

  /** Journals the batch's effect before applying it, so what the response acknowledges is on disk. */
  indexDocuments(name: string, body: unknown): IndexingResult[] {
    const index = this.get(name);
    const { results, changes } = index.planBatch(body);
    if (changes.length > 0) {
      this.journal.append({ t: 'docs', index: name, changes });
      index.apply(changes);
    }
    return results;
  }

  getSynonymMap(name: string): SynonymMapDefinition {
    const map = this.synonymMaps.get(name);
    if (!map) throw notFound(`No synonym map with the name '${name}' was found in the service.`);
    return map.definition;
  }

  createSynonymMap(body: unknown): SynonymMapDefinition {
    const definition = normalizeSynonymMap(body);
    if (this.synonymMaps.has(definition.name)) {
      throw new SearchRequestError(
        409,
        'ResourceNameAlreadyInUse',
        `Cannot create synonym map '${definition.name}' because it already exists.`,
      );
    }
    return this.saveSynonymMap(definition);
  }

  createOrUpdateSynonymMap(
    name: string,
    body: unknown,
    ifMatch?: string,
    ifNoneMatch?: string,
  ): { definition: SynonymMapDefinition; created: boolean } {
    const existing = this.synonymMaps.get(name)?.definition;
    if (ifNoneMatch === '*' && existing) throw preconditionFailed(name, 'synonym map');
    if (ifMatch && (!existing || (ifMatch !== '*' && ifMatch !== existing['@odata.etag'])))
      throw preconditionFailed(name, 'synonym map');
    return { definition: this.saveSynonymMap(normalizeSynonymMap(body, name)), created: !existing };
  }

  private saveSynonymMap(definition: SynonymMapDefinition): SynonymMapDefinition {
    if (!this.synonymMaps.has(definition.name) && this.synonymMaps.size >= maxSynonymMaps) {
      throw badRequest(`The service allows at most ${maxSynonymMaps} synonym maps.`, 'QuotaExceeded');
    }
    definition['@odata.etag'] = this.nextEtag();
    this.journal.append({ t: 'synonyms', definition: { ...definition } });
    this.synonymMaps.set(definition.name, compileSynonymMap(definition));
    this.invalidateQueries();
    return definition;
  }

  deleteSynonymMap(name: string, ifMatch?: string): boolean {
    const existing = this.synonymMaps.get(name)?.definition;
    if (!existing) return false;
    if (ifMatch && ifMatch !== '*' && ifMatch !== existing['@odata.etag'])
      throw preconditionFailed(name, 'synonym map');
    this.journal.append({ t: 'dropSynonyms', name });
    this.synonymMaps.delete(name);
    this.invalidateQueries();
    return true;
  }

  /** Query results are cached per index version: a synonym map change alters what queries match. */
  private invalidateQueries(): void {
    for (const index of this.indexes.values()) index.version++;
  }

  close(): void {
    for (const index of this.indexes.values()) index.abandonBuild();
    this.journal.close();
  }
}

function preconditionFailed(name: string, what = 'index'): SearchRequestError {
  return new SearchRequestError(
    412,
    'PreconditionFailed',
    `The ${what} '${name}' has changed (its ETag does not match).`,
  );
}

/** A definition journaled by an older emulator, completed to the service's full shape (its ETag kept). */
function completed(definition: IndexDefinition): IndexDefinition {
  try {
    return normalizeIndex(definition);
  } catch {
    return definition;
  }
}
