import avro from 'avsc';
import { invalidSchema, type Incompatibility } from './errors.ts';

/**
 * Avro schemas: validity (avsc parses them as Avro's own parser would) and compatibility by Avro's schema
 * resolution rules, as Confluent checks it (org.apache.avro.SchemaCompatibility): a reader can read a writer's
 * data when every reader field is in the writer or has a default, types match or promote (int→long→float→double,
 * string↔bytes), enum symbols and union branches of the writer are known to the reader, names and fixed sizes match.
 */

export type AvroNode = Node;

type Node =
  | { kind: 'primitive'; type: string }
  | { kind: 'record'; name: string; fullName: string; aliases: string[]; fields: Field[] }
  | { kind: 'enum'; name: string; fullName: string; aliases: string[]; symbols: string[]; default?: string }
  | { kind: 'fixed'; name: string; fullName: string; aliases: string[]; size: number }
  | { kind: 'array'; items: Node }
  | { kind: 'map'; values: Node }
  | { kind: 'union'; branches: Node[] };

interface Field {
  name: string;
  aliases: string[];
  type: Node;
  hasDefault: boolean;
}

const primitives = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Parses a schema (with the texts of the schemas it references, in dependency order); throws 42201 if invalid. */
export function parseAvro(text: string, referenced: string[] = []): Node {
  const registry: Record<string, avro.Type> = {};
  try {
    for (const reference of referenced) avro.Type.forSchema(JSON.parse(reference), { registry });
    avro.Type.forSchema(JSON.parse(text), { registry: { ...registry } });
  } catch (error) {
    throw invalidSchema(`Invalid schema ${text}: ${(error as Error).message}`);
  }
  const named = new Map<string, Node>();
  for (const reference of referenced) resolve(JSON.parse(reference), undefined, named);
  return resolve(JSON.parse(text), undefined, named);
}

function fullNameOf(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function resolve(schema: unknown, namespace: string | undefined, named: Map<string, Node>): Node {
  if (typeof schema === 'string') {
    if (primitives.has(schema)) return { kind: 'primitive', type: schema };
    const found = named.get(fullNameOf(schema, namespace)) ?? named.get(schema);
    if (!found) throw invalidSchema(`Invalid schema: unknown type ${schema}`);
    return found;
  }
  if (Array.isArray(schema)) {
    return { kind: 'union', branches: schema.map((branch) => resolve(branch, namespace, named)) };
  }
  const object = schema as Record<string, unknown>;
  const type = object.type;
  if (type === 'array') return { kind: 'array', items: resolve(object.items, namespace, named) };
  if (type === 'map') return { kind: 'map', values: resolve(object.values, namespace, named) };
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const name = String(object.name);
    const fullName = fullNameOf(name, (object.namespace as string | undefined) ?? namespace);
    const ownNamespace = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : undefined;
    const shortName = fullName.slice(fullName.lastIndexOf('.') + 1);
    const aliases = ((object.aliases as string[] | undefined) ?? []).map((alias) =>
      fullNameOf(alias, ownNamespace),
    );
    if (type === 'enum') {
      const node: Node = {
        kind: 'enum',
        name: shortName,
        fullName,
        aliases,
        symbols: object.symbols as string[],
        ...(typeof object.default === 'string' ? { default: object.default } : {}),
      };
      named.set(fullName, node);
      return node;
    }
    if (type === 'fixed') {
      const node: Node = { kind: 'fixed', name: shortName, fullName, aliases, size: Number(object.size) };
      named.set(fullName, node);
      return node;
    }
    const node: Node & { kind: 'record' } = {
      kind: 'record',
      name: shortName,
      fullName,
      aliases,
      fields: [],
    };
    named.set(fullName, node); // before the fields: a record may refer to itself
    for (const field of object.fields as Record<string, unknown>[]) {
      node.fields.push({
        name: String(field.name),
        aliases: (field.aliases as string[] | undefined) ?? [],
        type: resolve(field.type, ownNamespace, named),
        hasDefault: Object.hasOwn(field, 'default'),
      });
    }
    return node;
  }
  return resolve(type, namespace, named); // {"type": "string", "logicalType": …} and the like
}

const promotions: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/**
 * What keeps `reader` from reading data written with `writer`; empty when it can.
 * `roles` name the schemas in messages ("new", "old").
 */
export function avroIncompatibilities(
  reader: Node,
  writer: Node,
  roles: { reader: string; writer: string },
  /** Record pairs being compared further up: a recursive type is taken as compatible with itself. */
  inProgress = new Set<string>(),
): Incompatibility[] {
  const found: Incompatibility[] = [];

  const check = (r: Node, w: Node, path: string): void => {
    if (r.kind === 'record' && w.kind === 'record') {
      const key = `${r.fullName}|${w.fullName}`;
      if (inProgress.has(key)) return; // recursive types: assume compatible while comparing
      inProgress.add(key);
    }
    if (w.kind === 'union') {
      w.branches.forEach((branch, index) => {
        if (
          r.kind === 'union'
            ? !r.branches.some((candidate) => readable(candidate, branch))
            : !readable(r, branch)
        )
          found.push({
            errorType: 'MISSING_UNION_BRANCH',
            description: `The ${roles.reader} schema is missing a type inside a union field at path '${path}/${index}' in the ${roles.writer} schema`,
            additionalInfo: `reader union lacking writer type: ${describe(branch)}`,
          });
      });
      return;
    }
    if (r.kind === 'union') {
      const match = r.branches.find((branch) => readable(branch, w));
      if (!match)
        found.push({
          errorType: 'MISSING_UNION_BRANCH',
          description: `The ${roles.reader} schema is missing a type inside a union field at path '${path}' in the ${roles.writer} schema`,
          additionalInfo: `reader union lacking writer type: ${describe(w)}`,
        });
      else check(match, w, path);
      return;
    }
    if (r.kind === 'primitive' && w.kind === 'primitive') {
      if (r.type !== w.type && !(promotions[w.type] ?? []).includes(r.type)) typeMismatch(r, w, path);
      return;
    }
    if (r.kind !== w.kind) return typeMismatch(r, w, path);
    switch (r.kind) {
      case 'array':
        return check(r.items, (w as typeof r).items, `${path}/items`);
      case 'map':
        return check(r.values, (w as typeof r).values, `${path}/values`);
      case 'fixed': {
        const writerFixed = w as typeof r;
        if (!namesMatch(r, writerFixed)) return nameMismatch(writerFixed, path);
        if (r.size !== writerFixed.size)
          found.push({
            errorType: 'FIXED_SIZE_MISMATCH',
            description: `The size of FIXED type field at path '${path}/size' in the ${roles.reader} schema does not match with the ${roles.writer} schema`,
            additionalInfo: `expected: ${writerFixed.size}, found: ${r.size}`,
          });
        return;
      }
      case 'enum': {
        const writerEnum = w as typeof r;
        if (!namesMatch(r, writerEnum)) return nameMismatch(writerEnum, path);
        const missing = writerEnum.symbols.filter((symbol) => !r.symbols.includes(symbol));
        if (missing.length > 0 && r.default === undefined)
          found.push({
            errorType: 'MISSING_ENUM_SYMBOLS',
            description: `The ${roles.reader} schema is missing enum symbols '${missing.join(', ')}' at path '${path}/symbols' in the ${roles.writer} schema`,
            additionalInfo: `[${missing.join(', ')}]`,
          });
        return;
      }
      case 'record': {
        const writerRecord = w as typeof r;
        if (!namesMatch(r, writerRecord)) return nameMismatch(writerRecord, path);
        r.fields.forEach((field, index) => {
          const writerField = writerRecord.fields.find(
            (candidate) => candidate.name === field.name || field.aliases.includes(candidate.name),
          );
          if (writerField) check(field.type, writerField.type, `${path}/fields/${index}/type`);
          else if (!field.hasDefault)
            found.push({
              errorType: 'READER_FIELD_MISSING_DEFAULT_VALUE',
              description: `The field '${field.name}' at path '${path}/fields/${index}' in the ${roles.reader} schema has no default value and is missing in the ${roles.writer} schema`,
              additionalInfo: field.name,
            });
        });
        return;
      }
    }
  };

  const readable = (r: Node, w: Node): boolean => avroIncompatibilities(r, w, roles, inProgress).length === 0;

  const typeMismatch = (r: Node, w: Node, path: string): void => {
    found.push({
      errorType: 'TYPE_MISMATCH',
      description: `The type (path '${path}') of a field in the ${roles.reader} schema does not match with the ${roles.writer} schema`,
      additionalInfo: `reader type: ${describe(r)} not compatible with writer type: ${describe(w)}`,
    });
  };
  const nameMismatch = (w: { fullName: string }, path: string): void => {
    found.push({
      errorType: 'NAME_MISMATCH',
      description: `The name of the schema has changed (path '${path}/name')`,
      additionalInfo: `expected: ${w.fullName}`,
    });
  };

  check(reader, writer, '');
  return found;
}

function namesMatch(r: { name: string; aliases: string[] }, w: { name: string; fullName: string }): boolean {
  return r.name === w.name || r.aliases.includes(w.fullName);
}

function describe(node: Node): string {
  return (node.kind === 'primitive' ? node.type : node.kind).toUpperCase();
}
