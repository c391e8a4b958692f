import { invalidSchema, type Incompatibility } from './errors.ts';

/**
 * JSON Schema documents: validity of the schema itself and compatibility as Confluent's JSON Schema diff decides
 * it. The question is always: is every document valid under the *writer* schema also valid under the *reader*
 * schema? Confluent answers it keyword by keyword with named differences (TYPE_NARROWED, PROPERTY_ADDED_TO_OPEN_
 * CONTENT_MODEL, REQUIRED_ATTRIBUTE_ADDED, …); the incompatible ones are reported here under the same names.
 * The content model matters as in Confluent: adding a property to an open object (no `additionalProperties:
 * false`) is incompatible, removing one from a closed object is incompatible.
 */

type Schema = boolean | Record<string, unknown>;

const jsonTypes = new Set(['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']);

export function parseJsonSchema(text: string): Schema {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`Invalid schema ${text}: not JSON (${(error as Error).message})`);
  }
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema)))
    throw invalidSchema(`Invalid schema ${text}: a JSON Schema is an object or a boolean`);
  checkKeywords(schema as Schema, '#', text);
  return schema as Schema;
}

function checkKeywords(schema: Schema, path: string, text: string): void {
  if (typeof schema === 'boolean') return;
  const fail = (what: string): never => {
    throw invalidSchema(`Invalid schema ${text}: ${what} at ${path}`);
  };
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const type of types) if (!jsonTypes.has(type as string)) fail(`unknown type ${JSON.stringify(type)}`);
  if (schema.properties !== undefined) {
    if (
      typeof schema.properties !== 'object' ||
      schema.properties === null ||
      Array.isArray(schema.properties)
    )
      fail('"properties" must be an object');
    for (const [name, property] of Object.entries(schema.properties as object)) {
      if (typeof property !== 'boolean' && (typeof property !== 'object' || property === null))
        fail(`property "${name}" must be a schema`);
      checkKeywords(property as Schema, `${path}/properties/${name}`, text);
    }
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || schema.required.some((name) => typeof name !== 'string'))
      fail('"required" must be an array of strings');
  }
  if (schema.items !== undefined && !Array.isArray(schema.items))
    checkKeywords(schema.items as Schema, `${path}/items`, text);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'])
    if (schema[keyword] !== undefined && !Array.isArray(schema[keyword]))
      fail(`"${keyword}" must be an array`);
}

/** Differences that make `reader` reject documents `writer` accepts; empty when the reader accepts them all. */
export function jsonIncompatibilities(reader: Schema, writer: Schema): Incompatibility[] {
  const found: Incompatibility[] = [];
  const seen = new Set<string>();
  const add = (errorType: string, path: string, additionalInfo = ''): void => {
    found.push({
      errorType,
      description: `Found incompatible change: Difference{jsonPath='${path}', type=${errorType}}`,
      additionalInfo,
    });
  };

  const compare = (original: Schema, update: Schema, path: string): void => {
    const key = `${path}|${JSON.stringify(original)}|${JSON.stringify(update)}`;
    if (seen.has(key)) return; // recursive $refs
    seen.add(key);
    original = dereference(writer, original);
    update = dereference(reader, update);
    if (isEmpty(update) || original === false) return; // the reader accepts everything, or nothing was written
    if (update === false) return add('TYPE_CHANGED', path, 'the new schema is false: it accepts no document');
    if (isEmpty(original)) return add('SCHEMA_ADDED', path);
    const o = original as Record<string, unknown>;
    const u = update as Record<string, unknown>;
    compareTypes(o, u, path);
    compareEnum(o, u, path);
    compareBounds(o, u, path);
    if (o.pattern !== u.pattern && u.pattern !== undefined)
      add(o.pattern === undefined ? 'PATTERN_ADDED' : 'PATTERN_CHANGED', `${path}/pattern`);
    if (u.uniqueItems === true && o.uniqueItems !== true) add('UNIQUE_ITEMS_ADDED', `${path}/uniqueItems`);
    if (o.items !== undefined || u.items !== undefined) {
      if (!Array.isArray(o.items) && !Array.isArray(u.items))
        compare((o.items as Schema) ?? true, (u.items as Schema) ?? true, `${path}/items`);
    }
    compareObject(o, u, path);
    for (const keyword of ['oneOf', 'anyOf'] as const) compareAlternatives(o, u, keyword, path);
    compareAllOf(o, u, path);
  };

  const compareTypes = (o: Record<string, unknown>, u: Record<string, unknown>, path: string): void => {
    const originalTypes = typesOf(o);
    const updateTypes = typesOf(u);
    if (updateTypes === undefined) return; // any type
    if (originalTypes === undefined) return add('TYPE_NARROWED', `${path}/type`);
    const covered = (type: string): boolean =>
      updateTypes.includes(type) || (type === 'integer' && updateTypes.includes('number'));
    if (originalTypes.every(covered)) return;
    const narrowed = updateTypes.every(
      (type) => originalTypes.includes(type) || (type === 'integer' && originalTypes.includes('number')),
    );
    add(
      narrowed ? 'TYPE_NARROWED' : 'TYPE_CHANGED',
      `${path}/type`,
      `${JSON.stringify(o.type)} → ${JSON.stringify(u.type)}`,
    );
  };

  const compareEnum = (o: Record<string, unknown>, u: Record<string, unknown>, path: string): void => {
    if (!Array.isArray(u.enum)) return;
    if (!Array.isArray(o.enum)) return add('ENUM_ARRAY_NARROWED', `${path}/enum`);
    const updateValues = u.enum.map((value) => JSON.stringify(value));
    const missing = o.enum.filter((value) => !updateValues.includes(JSON.stringify(value)));
    if (missing.length === 0) return;
    const extended = updateValues.length > o.enum.length;
    add(extended ? 'ENUM_ARRAY_CHANGED' : 'ENUM_ARRAY_NARROWED', `${path}/enum`, JSON.stringify(missing));
  };

  /** Upper bounds may grow and lower bounds shrink; the reverse (or a new bound) rejects written documents. */
  const compareBounds = (o: Record<string, unknown>, u: Record<string, unknown>, path: string): void => {
    const bounds: [keyword: string, upper: boolean, name: string][] = [
      ['maxLength', true, 'MAX_LENGTH'],
      ['minLength', false, 'MIN_LENGTH'],
      ['maximum', true, 'MAXIMUM'],
      ['minimum', false, 'MINIMUM'],
      ['exclusiveMaximum', true, 'EXCLUSIVE_MAXIMUM'],
      ['exclusiveMinimum', false, 'EXCLUSIVE_MINIMUM'],
      ['maxItems', true, 'MAX_ITEMS'],
      ['minItems', false, 'MIN_ITEMS'],
      ['maxProperties', true, 'MAX_PROPERTIES'],
      ['minProperties', false, 'MIN_PROPERTIES'],
    ];
    for (const [keyword, upper, name] of bounds) {
      const before = o[keyword];
      const after = u[keyword];
      if (typeof after !== 'number') continue;
      if (typeof before !== 'number') add(`${name}_ADDED`, `${path}/${keyword}`);
      else if (upper ? after < before : after > before)
        add(`${name}_${upper ? 'DECREASED' : 'INCREASED'}`, `${path}/${keyword}`, `${before} → ${after}`);
    }
    if (typeof u.multipleOf === 'number') {
      if (typeof o.multipleOf !== 'number') add('MULTIPLE_OF_ADDED', `${path}/multipleOf`);
      else if (o.multipleOf % u.multipleOf !== 0)
        add(
          u.multipleOf > o.multipleOf ? 'MULTIPLE_OF_EXPANDED' : 'MULTIPLE_OF_CHANGED',
          `${path}/multipleOf`,
        );
    }
  };

  const compareObject = (o: Record<string, unknown>, u: Record<string, unknown>, path: string): void => {
    const originalProperties = (o.properties ?? {}) as Record<string, Schema>;
    const updateProperties = (u.properties ?? {}) as Record<string, Schema>;
    const originalRequired = (o.required ?? []) as string[];
    const updateRequired = (u.required ?? []) as string[];
    const originalAdditional = (o.additionalProperties ?? true) as Schema;
    const updateAdditional = (u.additionalProperties ?? true) as Schema;
    for (const [name, schema] of Object.entries(updateProperties)) {
      const at = `${path}/properties/${name}`;
      if (Object.hasOwn(originalProperties, name)) {
        compare(originalProperties[name]!, schema, at);
      } else if (originalAdditional === false) {
        if (updateRequired.includes(name) && !hasDefault(schema))
          add('REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', at, name);
      } else if (isEmpty(originalAdditional)) {
        if (!isEmpty(dereference(reader, schema))) add('PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at, name);
      } else if (jsonIncompatibilities(schema, originalAdditional).length > 0) {
        add('PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at, name);
      }
    }
    for (const [name, schema] of Object.entries(originalProperties)) {
      if (Object.hasOwn(updateProperties, name)) continue;
      const at = `${path}/properties/${name}`;
      if (updateAdditional === false) add('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at, name);
      else if (!isEmpty(updateAdditional) && jsonIncompatibilities(updateAdditional, schema).length > 0)
        add('PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', at, name);
    }
    for (const name of updateRequired) {
      if (originalRequired.includes(name)) continue;
      const schema = updateProperties[name];
      if (schema === undefined || !hasDefault(schema))
        add('REQUIRED_ATTRIBUTE_ADDED', `${path}/required`, name);
    }
    if (originalAdditional !== updateAdditional) {
      if (updateAdditional === false && originalAdditional !== false)
        add('ADDITIONAL_PROPERTIES_REMOVED', `${path}/additionalProperties`);
      else if (typeof updateAdditional === 'object' && originalAdditional !== false)
        compare(originalAdditional, updateAdditional, `${path}/additionalProperties`);
    }
  };

  /** oneOf/anyOf: every alternative the writer allowed must still be allowed by one of the reader's. */
  const compareAlternatives = (
    o: Record<string, unknown>,
    u: Record<string, unknown>,
    keyword: 'oneOf' | 'anyOf',
    path: string,
  ): void => {
    if (!Array.isArray(u[keyword])) return;
    const updateAlternatives = u[keyword] as Schema[];
    const originalAlternatives = Array.isArray(o[keyword]) ? (o[keyword] as Schema[]) : [o];
    const uncovered = originalAlternatives.filter(
      (alternative) =>
        !updateAlternatives.some((candidate) => jsonIncompatibilities(candidate, alternative).length === 0),
    );
    if (uncovered.length > 0)
      add(
        Array.isArray(o[keyword]) ? 'COMBINED_TYPE_SUBSCHEMAS_CHANGED' : 'SUM_TYPE_NARROWED',
        `${path}/${keyword}`,
      );
  };

  /** allOf: each constraint the reader adds must already hold for the writer's documents. */
  const compareAllOf = (o: Record<string, unknown>, u: Record<string, unknown>, path: string): void => {
    if (!Array.isArray(u.allOf)) return;
    const originalParts = Array.isArray(o.allOf) ? (o.allOf as Schema[]) : [o];
    (u.allOf as Schema[]).forEach((part, index) => {
      if (!originalParts.some((candidate) => jsonIncompatibilities(part, candidate).length === 0))
        add('PRODUCT_TYPE_EXTENDED', `${path}/allOf/${index}`);
    });
  };

  compare(writer, reader, '#');
  return found;
}

function typesOf(schema: Record<string, unknown>): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
}

function hasDefault(schema: Schema): boolean {
  return typeof schema === 'object' && Object.hasOwn(schema, 'default');
}

/** True for a schema that accepts every document: `true`, `{}` or one with annotations only. */
function isEmpty(schema: Schema): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  const annotations = new Set([
    '$schema',
    '$id',
    'id',
    'title',
    'description',
    'default',
    'examples',
    '$comment',
    'definitions',
    '$defs',
  ]);
  return Object.keys(schema).every((key) => annotations.has(key));
}

/** Follows a local `$ref` ("#/definitions/x", "#/$defs/x", "#") inside the root document; other refs stay. */
function dereference(root: Schema, schema: Schema): Schema {
  for (let hops = 0; typeof schema === 'object' && typeof schema.$ref === 'string' && hops < 32; hops++) {
    const ref = schema.$ref;
    if (!ref.startsWith('#')) return schema;
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean))
      target = (target as Record<string, unknown> | undefined)?.[
        decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))
      ];
    if (target === undefined) return schema;
    schema = target as Schema;
  }
  return schema;
}
