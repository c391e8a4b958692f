import { randomUUID } from 'node:crypto';
import { Journal } from '../search/journal.ts';
import {
  checkCompatibility,
  defaultCompatibility,
  parseSchema,
  type CompatibilityLevel,
  type ParsedSchema,
  type SchemaType,
} from './compatibility.ts';
import {
  RegistryError,
  errorCodes,
  invalidSchema,
  invalidVersion,
  schemaNotFound,
  subjectNotFound,
  versionNotFound,
} from './errors.ts';

export interface Reference {
  name: string;
  subject: string;
  version: number;
}

/** A schema under its global id: the same type, text and references always get the same id. */
export interface StoredSchema {
  id: number;
  guid: string;
  type: SchemaType;
  schema: string;
  references: Reference[];
}

export interface SubjectVersion {
  version: number;
  id: number;
  deleted: boolean;
}

type RegistryRecord =
  | { t: 'schema'; id: number; guid: string; type: SchemaType; schema: string; references: Reference[] }
  | { t: 'version'; subject: string; version: number; id: number }
  | { t: 'delete'; subject: string; version: number; permanent: boolean }
  | { t: 'config'; subject: string | null; level: CompatibilityLevel | null };

/**
 * The registry's state — schemas by id, subjects' versions, compatibility configs — in memory and journaled to
 * the data dir (fsynced before a request is answered), so every acknowledged registration survives `kill -9`.
 */
export class RegistryStore {
  private readonly schemas = new Map<number, StoredSchema>();
  private readonly idsByIdentity = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectVersion[]>();
  private readonly configs = new Map<string, CompatibilityLevel>();
  private readonly parsed = new Map<number, ParsedSchema>();
  private globalLevel: CompatibilityLevel = defaultCompatibility;
  private readonly journal: Journal<RegistryRecord>;

  constructor(dataDir: string) {
    this.journal = Journal.open<RegistryRecord>(dataDir, (record) => this.apply(record));
  }

  close(): void {
    this.journal.close();
  }

  private commit(record: RegistryRecord): void {
    this.journal.append(record);
    this.apply(record);
  }

  private apply(record: RegistryRecord): void {
    switch (record.t) {
      case 'schema': {
        const { t: _, ...schema } = record;
        this.schemas.set(schema.id, schema);
        this.idsByIdentity.set(identity(schema.type, schema.schema, schema.references), schema.id);
        break;
      }
      case 'version': {
        const versions = this.subjects.get(record.subject) ?? [];
        versions.push({ version: record.version, id: record.id, deleted: false });
        this.subjects.set(record.subject, versions);
        break;
      }
      case 'delete': {
        const versions = this.subjects.get(record.subject) ?? [];
        const index = versions.findIndex((entry) => entry.version === record.version);
        if (index < 0) break;
        if (record.permanent) versions.splice(index, 1);
        else versions[index]!.deleted = true;
        if (versions.length === 0) this.subjects.delete(record.subject);
        break;
      }
      case 'config':
        if (record.subject === null) this.globalLevel = record.level ?? defaultCompatibility;
        else if (record.level === null) this.configs.delete(record.subject);
        else this.configs.set(record.subject, record.level);
        break;
    }
  }

  // --- schemas ---

  schemaById(id: number): StoredSchema {
    const schema = this.schemas.get(id);
    if (!schema) throw schemaNotFound(`Schema ${id} not found`);
    return schema;
  }

  schemaByGuid(guid: string): StoredSchema {
    for (const schema of this.schemas.values()) if (schema.guid === guid) return schema;
    throw schemaNotFound(`Schema ${guid} not found`);
  }

  /** Every subject version that holds schema `id`. */
  usesOf(id: number, deleted = false): { subject: string; version: number }[] {
    const uses: { subject: string; version: number }[] = [];
    for (const [subject, versions] of this.subjects)
      for (const entry of versions)
        if (entry.id === id && (deleted || !entry.deleted)) uses.push({ subject, version: entry.version });
    return uses;
  }

  // --- subjects ---

  subjectNames(options: { deleted?: boolean; prefix?: string } = {}): string[] {
    return [...this.subjects.keys()]
      .filter((name) => name.startsWith(options.prefix ?? ''))
      .filter((name) => this.versionsOf(name, options.deleted).length > 0)
      .sort();
  }

  /** A subject's versions, oldest first; soft-deleted ones only when asked. */
  versionsOf(subject: string, deleted = false): SubjectVersion[] {
    return (this.subjects.get(subject) ?? []).filter((entry) => deleted || !entry.deleted);
  }

  /** The versions of an existing subject; 40401 when it has none (soft-deleted counts only with `deleted`). */
  requireVersions(subject: string, deleted = false): SubjectVersion[] {
    const versions = this.versionsOf(subject, deleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions;
  }

  /** Resolves "latest", -1 or a number to a version of the subject. */
  version(subject: string, version: string, deleted = false): SubjectVersion {
    const versions = this.requireVersions(subject, deleted);
    if (version === 'latest' || version === '-1') return versions[versions.length - 1]!;
    const number = parseVersion(version);
    const found = versions.find((entry) => entry.version === number);
    if (!found) throw versionNotFound(number);
    return found;
  }

  /** Parses a request's schema, resolving its references to the texts of the schemas they name. */
  parse(type: SchemaType, schema: unknown, references: Reference[]): ParsedSchema {
    const referenced = references.map((reference) => {
      try {
        return this.schemaById(this.version(reference.subject, String(reference.version)).id).schema;
      } catch {
        throw invalidSchema(
          `Invalid schema: reference '${reference.name}' names subject '${reference.subject}' version ${reference.version}, which is not registered.`,
        );
      }
    });
    return parseSchema(type, schema, referenced);
  }

  /** The live version of `subject` holding exactly this schema, if any. */
  lookup(
    subject: string,
    parsed: ParsedSchema,
    references: Reference[],
    deleted = false,
  ): SubjectVersion | undefined {
    const id = this.idsByIdentity.get(identity(parsed.type, parsed.canonical, references));
    if (id === undefined) return undefined;
    return this.versionsOf(subject, deleted).find((entry) => entry.id === id);
  }

  /**
   * Registers a schema under a subject: the existing version when it is already there, otherwise a new version
   * after the compatibility check (409 with Confluent's details when it fails).
   */
  register(subject: string, parsed: ParsedSchema, references: Reference[]): { id: number; version: number } {
    const existing = this.lookup(subject, parsed, references);
    if (existing) return existing;
    const level = this.compatibilityOf(subject);
    const messages = checkCompatibility(parsed, this.liveParsed(subject), level);
    if (messages.length > 0)
      throw new RegistryError(
        409,
        errorCodes.incompatibleSchema,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`,
      );
    const key = identity(parsed.type, parsed.canonical, references);
    let id = this.idsByIdentity.get(key);
    if (id === undefined) {
      id = Math.max(0, ...this.schemas.keys()) + 1;
      this.commit({
        t: 'schema',
        id,
        guid: randomUUID(),
        type: parsed.type,
        schema: parsed.canonical,
        references,
      });
    }
    const version = Math.max(0, ...(this.subjects.get(subject) ?? []).map((entry) => entry.version)) + 1;
    this.commit({ t: 'version', subject, version, id });
    return { id, version };
  }

  /** The subject's live versions parsed, oldest first: what a new schema is checked against. */
  liveParsed(subject: string): { version: number; schema: ParsedSchema }[] {
    return this.versionsOf(subject).map((entry) => ({
      version: entry.version,
      schema: this.parsedById(entry.id),
    }));
  }

  /** A stored schema parsed once: ids never change their schema, so the tree is kept. */
  private parsedById(id: number): ParsedSchema {
    let parsed = this.parsed.get(id);
    if (!parsed) {
      const stored = this.schemaById(id);
      parsed = this.parse(stored.type, stored.schema, stored.references);
      this.parsed.set(id, parsed);
    }
    return parsed;
  }

  /** Soft or permanent delete of a whole subject; returns the versions deleted. */
  deleteSubject(subject: string, permanent: boolean): number[] {
    const all = this.subjects.get(subject) ?? [];
    if (all.length === 0) throw subjectNotFound(subject);
    const live = all.filter((entry) => !entry.deleted);
    if (permanent) {
      if (live.length > 0)
        throw new RegistryError(
          404,
          errorCodes.subjectNotSoftDeleted,
          `Subject '${subject}' was not deleted first before being permanently deleted`,
        );
      const versions = all.map((entry) => entry.version);
      for (const version of versions) this.commit({ t: 'delete', subject, version, permanent: true });
      if (this.configs.has(subject)) this.commit({ t: 'config', subject, level: null });
      return versions;
    }
    if (live.length === 0)
      throw new RegistryError(
        404,
        errorCodes.subjectSoftDeleted,
        `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
      );
    for (const entry of live) this.commit({ t: 'delete', subject, version: entry.version, permanent: false });
    return live.map((entry) => entry.version);
  }

  deleteVersion(subject: string, version: string, permanent: boolean): number {
    // "latest" is the latest live version, or for a permanent delete the latest soft-deleted one too
    const entry =
      version === 'latest' || version === '-1'
        ? this.requireVersions(subject, permanent).at(-1)!
        : this.version(subject, version, true);
    if (permanent && !entry.deleted)
      throw new RegistryError(
        404,
        errorCodes.versionNotSoftDeleted,
        `Subject '${subject}' Version ${entry.version} was not deleted first before being permanently deleted`,
      );
    if (!permanent && entry.deleted)
      throw new RegistryError(
        404,
        errorCodes.versionSoftDeleted,
        `Subject '${subject}' Version ${entry.version} was soft deleted. Set permanent=true to delete permanently`,
      );
    this.commit({ t: 'delete', subject, version: entry.version, permanent });
    return entry.version;
  }

  // --- compatibility config ---

  get globalCompatibility(): CompatibilityLevel {
    return this.globalLevel;
  }

  subjectCompatibility(subject: string): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }

  compatibilityOf(subject: string): CompatibilityLevel {
    return this.configs.get(subject) ?? this.globalLevel;
  }

  setCompatibility(subject: string | null, level: CompatibilityLevel | null): void {
    this.commit({ t: 'config', subject, level });
  }
}

function identity(type: SchemaType, schema: string, references: Reference[]): string {
  return JSON.stringify([type, schema, references.map((r) => [r.name, r.subject, r.version])]);
}

export function parseVersion(version: string): number {
  const number = Number(version);
  if (!/^-?\d+$/.test(version) || !Number.isSafeInteger(number) || number < 1 || number > 2 ** 31 - 1)
    throw invalidVersion(version);
  return number;
}
