import { SearchRequestError, badRequest, notFound } from './errors.ts';
import { Journal, type JournalRecord } from './journal.ts';
import { checkIndexUpdate, normalizeIndex, type IndexDefinition } from './schema.ts';
import { SearchIndex, type IndexingResult, type StoredChange } from './search-index.ts';

export const maxIndexes = 50;

/** The service's state: its indexes, kept in memory and journaled to the data dir. */
export class SearchStore {
  readonly indexes = new Map<string, SearchIndex>();
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
    const indexes = this.indexes;
    function* records(): Generator<JournalRecord> {
      for (const index of indexes.values()) {
        yield { t: 'index', definition: index.definition };
        let chunk: StoredChange[] = [];
        for (const document of index.documents.values()) {
          chunk.push({ put: document });
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
        const definition = record.definition as IndexDefinition;
        const existing = this.indexes.get(definition.name);
        if (existing) existing.redefine(definition);
        else this.indexes.set(definition.name, new SearchIndex(definition));
        break;
      }
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
    else this.indexes.set(definition.name, new SearchIndex(definition));
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

  close(): void {
    for (const index of this.indexes.values()) index.abandonBuild();
    this.journal.close();
  }
}

function preconditionFailed(name: string): SearchRequestError {
  return new SearchRequestError(
    412,
    'PreconditionFailed',
    `The index '${name}' has changed (its ETag does not match).`,
  );
}
