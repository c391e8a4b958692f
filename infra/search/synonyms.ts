import { terms } from './analyzer.ts';
import { invalidDefinition } from './errors.ts';

/**
 * Synonym maps in the Solr format, the only one the service has: one rule per line, either equivalent terms
 * (`usa, united states, america`: each one finds all) or an explicit mapping (`wifi, wlan => wireless`: the
 * left-hand terms are replaced by the right-hand ones). Rules are analyzed like query text (lower-cased words), so a
 * multi-word entry becomes a phrase. Applied at query time to fields that name the map.
 */
export interface SynonymMap {
  definition: SynonymMapDefinition;
  /** An analyzed input (its words joined by a space) → the token sequences it expands to. */
  rules: Map<string, string[][]>;
}

export interface SynonymMapDefinition {
  '@odata.etag'?: string;
  name: string;
  format: 'solr';
  synonyms: string;
  encryptionKey: unknown;
}

export type SynonymMaps = Map<string, SynonymMap>;

const namePattern = /^[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?$/;
/** The service's limit for the Standard tiers. */
export const maxSynonymRules = 20_000;

/** Checks a synonym map definition the way the service does and returns it in the service's shape. */
export function normalizeSynonymMap(input: unknown, nameFromPath?: string): SynonymMapDefinition {
  if (typeof input !== 'object' || input === null)
    throw invalidDefinition('The request body must be a synonym map definition.', 'InvalidSynonymMap');
  const given = input as Partial<SynonymMapDefinition>;
  const name = given.name ?? nameFromPath;
  if (nameFromPath !== undefined && name !== nameFromPath) {
    throw invalidDefinition(
      `The synonym map name '${String(name)}' does not match the name in the URL ('${nameFromPath}').`,
      'InvalidSynonymMap',
    );
  }
  if (typeof name !== 'string' || !namePattern.test(name)) {
    throw invalidDefinition(
      `Invalid synonym map name '${String(name)}': use lower-case letters, digits and dashes, starting and ending with a letter or digit.`,
      'InvalidName',
    );
  }
  if (given.format !== 'solr') {
    throw invalidDefinition(
      `The synonym map format '${String(given.format)}' is not supported; the only format is 'solr'.`,
      'InvalidSynonymMap',
    );
  }
  if (typeof given.synonyms !== 'string') {
    throw invalidDefinition(
      "The synonym map needs 'synonyms': rules in the Solr format, one per line.",
      'InvalidSynonymMap',
    );
  }
  const definition: SynonymMapDefinition = {
    name,
    format: 'solr',
    synonyms: given.synonyms,
    encryptionKey: given.encryptionKey ?? null,
  };
  parseSolrRules(definition.synonyms);
  return definition;
}

/** Parses Solr rules; a malformed line is a 400 naming it. */
export function parseSolrRules(text: string): Map<string, string[][]> {
  const rules = new Map<string, string[][]>();
  const add = (input: string[], outputs: string[][]): void => {
    const key = input.join(' ');
    const existing = rules.get(key) ?? [];
    for (const output of outputs)
      if (!existing.some((known) => known.join(' ') === output.join(' '))) existing.push(output);
    rules.set(key, existing);
  };
  const lines = text.split(/\r?\n/);
  let count = 0;
  lines.forEach((raw, number) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (++count > maxSynonymRules)
      throw invalidDefinition(`A synonym map holds at most ${maxSynonymRules} rules.`, 'InvalidSynonymMap');
    const sides = line.split('=>');
    const entries = (side: string): string[][] =>
      side
        .split(',')
        .map((entry) => terms(entry))
        .filter((words) => words.length > 0);
    if (sides.length > 2 || sides.some((side) => entries(side).length === 0)) {
      throw invalidDefinition(
        `Synonym rule on line ${number + 1} ('${line}') is not valid Solr syntax: use 'a, b, c' or 'a, b => c'.`,
        'InvalidSynonymMap',
      );
    }
    if (sides.length === 2) {
      const outputs = entries(sides[1]!);
      for (const input of entries(sides[0]!)) add(input, outputs);
    } else {
      const equivalent = entries(sides[0]!);
      for (const input of equivalent) add(input, equivalent);
    }
  });
  return rules;
}

export function compileSynonymMap(definition: SynonymMapDefinition): SynonymMap {
  return { definition, rules: parseSolrRules(definition.synonyms) };
}
