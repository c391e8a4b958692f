import { badRequest } from './errors.ts';
import { isValidKey, normalizeDocument, type Document } from './documents.ts';
import { projectDocument } from './documents.ts';
import { resolveFields, type IndexDefinition, type ResolvedField } from './schema.ts';
import type { SynonymMaps } from './synonyms.ts';
import { isVectorType } from './vector-schema.ts';
import { TextIndex, defaultBm25 } from './text-index.ts';

export type IndexAction = 'upload' | 'merge' | 'mergeOrUpload' | 'delete';

export interface IndexingResult {
  key: string;
  status: boolean;
  errorMessage: string | null;
  statusCode: number;
}

/** What the log records for a batch: the resulting documents and deletions, in order, so replay needs no merging. */
export type StoredChange = { put: Document } | { delete: string };

export const maxActionsPerBatch = 1000;

/** One index: its definition, its documents (the source of truth) and the full-text index over them. */
export class SearchIndex {
  definition: IndexDefinition;
  fields: Map<string, ResolvedField>;
  keyField: string;
  /** Documents without their vector fields: those live in `vectors`, as float32 like the service keeps them. */
  readonly documents = new Map<string, Document>();
  /** Per top-level vector field, per document key: its vector. */
  readonly vectors = new Map<string, Map<string, Float32Array>>();
  /**
   * Built on the first full-text query, not at start-up: replaying 100k documents into MiniSearch takes seconds,
   * while lookups, counts, indexing and `*` queries with filters (most of what the harness asks) never need it.
   */
  private textIndex: TextIndex | undefined;

  constructor(
    definition: IndexDefinition,
    /** The service's synonym maps, which a field may name (applied at query time). */
    readonly synonymMaps: SynonymMaps = new Map(),
  ) {
    this.definition = definition;
    this.fields = resolveFields(definition);
    this.keyField = definition.fields.find((field) => field.key)!.name;
    this.defineVectorFields();
  }

  private defineVectorFields(): void {
    for (const field of this.definition.fields) {
      const resolved = this.fields.get(field.name)!;
      if (isVectorType(resolved.elementType, resolved.isCollection) && !this.vectors.has(field.name))
        this.vectors.set(field.name, new Map());
    }
  }

  /** A stored document with its vectors, as numbers that read back as the same float32 values. */
  fullDocument(key: string): Document | undefined {
    const document = this.documents.get(key);
    if (!document || this.vectors.size === 0) return document;
    const full = { ...document };
    for (const [field, byKey] of this.vectors) {
      const vector = byKey.get(key);
      if (vector) full[field] = Array.from(vector, shortestFloat32);
    }
    return full;
  }

  /** A document as a search result or lookup returns it: retrievable fields only, `select` applied. */
  project(key: string, select?: string[]): Document {
    const wantsVectors =
      this.vectors.size > 0 &&
      [...this.vectors.keys()].some(
        (field) =>
          this.fields.get(field)!.definition.retrievable !== false &&
          (!select || select.includes(field) || select.includes('*')),
      );
    const document = wantsVectors ? this.fullDocument(key)! : this.documents.get(key)!;
    return projectDocument(this.definition, document, select);
  }

  /** Moves a document's vectors into `vectors`; returns the document without them. */
  private storeVectors(key: string, document: Document): Document {
    if (this.vectors.size === 0) return document;
    let stripped: Document | undefined;
    for (const [field, byKey] of this.vectors) {
      const value = document[field];
      if (Array.isArray(value)) byKey.set(key, Float32Array.from(value as number[]));
      else byKey.delete(key);
      if (field in document) {
        stripped ??= { ...document };
        delete stripped[field];
      }
    }
    return stripped ?? document;
  }

  /** Documents not yet fed to a text index under construction (see `buildInBackground`). */
  private pending: Iterator<Document> | undefined;

  get text(): TextIndex {
    if (!this.textIndex) {
      this.textIndex = this.buildTextIndex();
      this.pending = this.documents.values();
    }
    this.feed(Infinity);
    return this.textIndex;
  }

  /** Adds up to `limit` pending documents; true when none are left. */
  private feed(limit: number): boolean {
    if (!this.pending || !this.textIndex) return true;
    for (let i = 0; i < limit; i++) {
      const next = this.pending.next();
      if (next.done) {
        this.pending = undefined;
        return true;
      }
      // A document changed since the build began is already in the text index (apply() keeps it current).
      if (!this.textIndex.has(next.value[this.keyField] as string)) this.textIndex.add(next.value);
    }
    return false;
  }

  /** Drops a text index still under construction (the store is closing). */
  abandonBuild(): void {
    if (this.pending) {
      this.pending = undefined;
      this.textIndex = undefined;
    }
  }

  /**
   * Builds the text index in slices between requests, so that after a restart the first full-text query does
   * not wait for all of it, while lookups and indexing keep being answered in between. A query that arrives
   * first finishes the build itself.
   */
  buildInBackground(sliceSize = 1000): Promise<void> {
    if (!this.textIndex) {
      this.textIndex = this.buildTextIndex();
      this.pending = this.documents.values();
    }
    return new Promise((resolve) => {
      const step = (): void => {
        if (this.feed(sliceSize)) resolve();
        else setImmediate(step);
      };
      setImmediate(step);
    });
  }

  get searchableFields(): string[] {
    return [...this.fields.values()]
      .filter((field) => field.elementType === 'Edm.String' && field.definition.searchable)
      .map((field) => field.path);
  }

  /** A definition update (new fields, attributes): the text index is rebuilt over the same documents. */
  redefine(definition: IndexDefinition): void {
    this.definition = definition;
    this.fields = resolveFields(definition);
    this.defineVectorFields();
    this.textIndex = undefined;
    this.pending = undefined;
    this.version++;
  }

  private buildTextIndex(): TextIndex {
    return new TextIndex(
      this.searchableFields,
      this.keyField,
      (key) => this.documents.get(key),
      () => this.documents.keys(),
      bm25Parameters(this.definition),
      (field) => {
        const names = this.fields.get(field)?.definition.synonymMaps as string[] | undefined;
        return names?.length ? this.synonymMaps.get(names[0]!) : undefined;
      },
    );
  }

  /**
   * Validates a whole batch first (a malformed document fails the request with 400, as on the service), then
   * applies each action and reports per item; merge of a missing document and a bad key fail only that item.
   */
  planBatch(body: unknown): { results: IndexingResult[]; changes: StoredChange[] } {
    const actions = (body as { value?: unknown })?.value;
    if (!Array.isArray(actions))
      throw badRequest("The request body must be an object with a 'value' array of actions.");
    if (actions.length === 0) throw badRequest('The batch must contain at least one action.');
    if (actions.length > maxActionsPerBatch) {
      throw badRequest(
        `The batch has ${actions.length} actions; the limit is ${maxActionsPerBatch}. Split it into smaller batches.`,
        'RequestTooLarge',
      );
    }
    const prepared = actions.map((raw, position) => {
      if (typeof raw !== 'object' || raw === null) throw badRequest(`Action ${position} is not an object.`);
      const action = ((raw as Document)['@search.action'] ?? 'upload') as IndexAction;
      if (!['upload', 'merge', 'mergeOrUpload', 'delete'].includes(action)) {
        throw badRequest(`Action ${position}: unknown @search.action '${String(action)}'.`);
      }
      const key = (raw as Document)[this.keyField];
      if (key === undefined || key === null) {
        throw badRequest(
          `Action ${position}: the key field '${this.keyField}' is missing. Every action needs the document key.`,
        );
      }
      const document =
        action === 'delete' ? { [this.keyField]: key } : normalizeDocument(this.definition, raw as Document);
      return { action, key, document };
    });
    // Applied to a scratch view so that later actions in the batch see earlier ones, without touching state yet.
    const view = new Map<string, Document | null>();
    const current = (key: string): Document | undefined =>
      view.has(key) ? (view.get(key) ?? undefined) : this.fullDocument(key);
    const results: IndexingResult[] = [];
    const changes: StoredChange[] = [];
    for (const { action, key, document } of prepared) {
      if (!isValidKey(key)) {
        results.push(
          failure(
            String(key),
            400,
            `Invalid document key: '${String(key)}'. Keys can only contain letters, digits, underscore (_), dash (-), or equal sign (=).`,
          ),
        );
        continue;
      }
      const existing = current(key);
      if (action === 'delete') {
        view.set(key, null);
        changes.push({ delete: key });
        results.push(success(key, 200));
        continue;
      }
      if (action === 'merge' && !existing) {
        results.push(failure(key, 404, 'Document not found.'));
        continue;
      }
      const next = action === 'upload' || !existing ? document : { ...existing, ...document };
      view.set(key, next);
      changes.push({ put: next });
      results.push(success(key, existing ? 200 : 201));
    }
    return { results, changes };
  }

  private cachedSize: number | undefined;
  /** Changes with every definition or document change: the key of caches derived from the index. */
  version = 0;

  apply(changes: StoredChange[]): void {
    this.cachedSize = undefined;
    this.version++;
    for (const change of changes) {
      if ('delete' in change) {
        this.documents.delete(change.delete);
        for (const byKey of this.vectors.values()) byKey.delete(change.delete);
        this.textIndex?.remove(change.delete);
      } else {
        const key = change.put[this.keyField] as string;
        const stored = this.storeVectors(key, change.put);
        this.documents.set(key, stored);
        if (this.textIndex) {
          this.textIndex.remove(key);
          this.textIndex.add(stored);
        }
      }
    }
  }

  /** Bytes of the stored vectors (float32): the service's `vectorIndexSize`. */
  vectorIndexSize(): number {
    let bytes = 0;
    for (const byKey of this.vectors.values())
      for (const vector of byKey.values()) bytes += vector.byteLength;
    return bytes;
  }

  /** Bytes of the documents as JSON; computed on demand (statistics are rare) and cached until the next change. */
  storageSize(): number {
    if (this.cachedSize === undefined) {
      this.cachedSize = 0;
      for (const document of this.documents.values()) this.cachedSize += JSON.stringify(document).length;
      for (const byKey of this.vectors.values())
        for (const vector of byKey.values()) this.cachedSize += vector.byteLength;
    }
    return this.cachedSize;
  }
}

function success(key: string, statusCode: number): IndexingResult {
  return { key, status: true, errorMessage: null, statusCode };
}

function failure(key: string, statusCode: number, errorMessage: string): IndexingResult {
  return { key, status: false, errorMessage, statusCode };
}

/** An index's `similarity` (BM25 `k1`/`b`) when it sets them; classic TF-IDF similarity is scored as BM25. */
function bm25Parameters(definition: IndexDefinition): { k1: number; b: number } {
  const similarity = definition.similarity as { k1?: number | null; b?: number | null } | undefined;
  return { k1: similarity?.k1 ?? defaultBm25.k1, b: similarity?.b ?? defaultBm25.b };
}

/** The shortest decimal that reads back as the same float32: how the service prints an `Edm.Single`. */
export function shortestFloat32(value: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
