import { badRequest } from './errors.ts';
import { elementTypeOf, type FieldDefinition, type IndexDefinition } from './schema.ts';
import { isVectorType, vectorElementTypes } from './vector-schema.ts';

export type Document = Record<string, unknown>;

/** Keys the service accepts: letters, digits, dash, underscore and equals (base64url with padding). */
const keyPattern = /^[A-Za-z0-9_\-=]{1,1024}$/;

export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && keyPattern.test(key);
}

/** ISO-8601 in UTC with at most three fractional digits and none when zero: what the SDK turns back into a Date. */
export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/**
 * Checks a document's values against the index's field types and brings them to the form we store and return
 * (dates in UTC). Throws a 400 naming the field, as the service does for the whole request.
 */
export function normalizeDocument(index: IndexDefinition, input: Document): Document {
  return normalizeObject(index.fields, input, '');
}

function normalizeObject(fields: FieldDefinition[], input: Document, prefix: string): Document {
  const out: Document = {};
  for (const [name, value] of Object.entries(input)) {
    if (name === '@search.action') continue;
    const field = fields.find((candidate) => candidate.name === name);
    if (!field) {
      throw badRequest(
        `The request is invalid. Details: The property '${prefix}${name}' does not exist on type 'search.documentFields'. Make sure to only use property names that are defined by the type.`,
      );
    }
    out[name] = normalizeValue(field, value, `${prefix}${name}`);
  }
  return out;
}

function normalizeValue(field: FieldDefinition, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return null;
  const { elementType, isCollection } = elementTypeOf(field.type);
  if (isVectorType(elementType, isCollection)) return normalizeVector(field, elementType, value, path);
  if (isCollection) {
    if (!Array.isArray(value)) throw typeError(path, field.type, value);
    return value.map((element) => {
      if (element === null) throw badRequest(`Field '${path}' is a collection; its elements cannot be null.`);
      return normalizeScalar(field, elementType, element, path);
    });
  }
  return normalizeScalar(field, elementType, value, path);
}

function normalizeScalar(field: FieldDefinition, type: string, value: unknown, path: string): unknown {
  switch (type) {
    case 'Edm.String':
      if (typeof value !== 'string') throw typeError(path, type, value);
      return value;
    case 'Edm.Int32':
    case 'Edm.Int64': {
      const number = typeof value === 'string' && type === 'Edm.Int64' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number)) throw typeError(path, type, value);
      if (type === 'Edm.Int32' && (number < -2147483648 || number > 2147483647))
        throw typeError(path, type, value);
      return number;
    }
    case 'Edm.Double':
      if (typeof value === 'number') return value;
      if (value === 'NaN' || value === 'INF' || value === '-INF') return value;
      throw typeError(path, type, value);
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') throw typeError(path, type, value);
      return value;
    case 'Edm.DateTimeOffset': {
      const epoch = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(epoch) || !/^\d{4}-\d{2}-\d{2}(T|$)/.test(value as string))
        throw typeError(path, type, value);
      return formatDate(epoch);
    }
    case 'Edm.GeographyPoint': {
      const point = value as { type?: unknown; coordinates?: unknown };
      const coordinates = point?.coordinates;
      if (
        point?.type !== 'Point' ||
        !Array.isArray(coordinates) ||
        coordinates.length !== 2 ||
        !coordinates.every((c) => typeof c === 'number')
      ) {
        throw typeError(path, type, value);
      }
      const crs = (point as { crs?: { type?: unknown; properties?: { name?: unknown } } }).crs;
      if (crs !== undefined && crs !== null && (crs.type !== 'name' || crs.properties?.name !== wgs84)) {
        throw badRequest(
          `The request is invalid. Details: The coordinate reference system of field '${path}' must be ${wgs84} (crs {"type":"name","properties":{"name":"${wgs84}"}}).`,
        );
      }
      // The service keeps points in WGS 84 and always returns them with that crs.
      return {
        type: 'Point',
        coordinates: [coordinates[0], coordinates[1]],
        crs: { type: 'name', properties: { name: wgs84 } },
      };
    }
    case 'Edm.ComplexType':
      if (typeof value !== 'object' || Array.isArray(value)) throw typeError(path, type, value);
      return normalizeObject(field.fields ?? [], value as Document, `${path}/`);
    default:
      throw typeError(path, type, value);
  }
}

const wgs84 = 'EPSG:4326';

/**
 * A vector: `dimensions` numbers of the element type (for `packedBit`, `dimensions / 8` bytes). The service
 * refuses a wrong length or an element outside the type's range for the whole batch.
 */
function normalizeVector(
  field: FieldDefinition,
  elementType: string,
  value: unknown,
  path: string,
): number[] {
  if (!Array.isArray(value)) throw typeError(path, field.type, value);
  const dimensions = field.dimensions as number;
  const length = field.vectorEncoding === 'packedBit' ? dimensions / 8 : dimensions;
  if (value.length !== length) {
    throw badRequest(
      `The request is invalid. Details: The vector field '${path}' has ${length} ${field.vectorEncoding === 'packedBit' ? 'bytes (packedBit)' : 'dimensions'}, but the value has ${value.length} elements.`,
    );
  }
  const range = vectorElementTypes[elementType]!;
  for (const element of value) {
    if (
      typeof element !== 'number' ||
      !Number.isFinite(element) ||
      element < range.min ||
      element > range.max ||
      (range.integer && !Number.isInteger(element))
    ) {
      throw typeError(path, elementType, element);
    }
  }
  return value as number[];
}

function typeError(path: string, type: string, value: unknown): Error {
  return badRequest(
    `The request is invalid. Details: Cannot convert the literal '${JSON.stringify(value)?.slice(0, 100)}' to the expected type '${type}' for field '${path}'.`,
  );
}

/** A field's value at a path (`a/b`); through collections of complex types this is the flattened list. */
export function valuesAt(document: Document, path: string): unknown[] {
  if (!path.includes('/')) {
    const value = document?.[path];
    return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  }
  let current: unknown[] = [document];
  for (const step of path.split('/')) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const value = (item as Document)[step];
      if (Array.isArray(value)) next.push(...value);
      else if (value !== undefined && value !== null) next.push(value);
    }
    current = next;
  }
  return current;
}

/**
 * A document as the service returns it: fields in index order, only retrievable ones, absent values as `null`
 * (`[]` for collections), restricted to `select` paths when given.
 */
export function projectDocument(index: IndexDefinition, document: Document, select?: string[]): Document {
  const selected = select && !(select.length === 1 && select[0] === '*') ? select : undefined;
  return projectObject(index.fields, document, '', selected);
}

function projectObject(
  fields: FieldDefinition[],
  document: Document,
  prefix: string,
  select?: string[],
): Document {
  const out: Document = {};
  for (const field of fields) {
    if (field.retrievable === false) continue;
    const path = `${prefix}${field.name}`;
    const wholeField = !select || select.includes(path) || select.some((p) => path.startsWith(`${p}/`));
    const someChild = select?.some((p) => p.startsWith(`${path}/`)) ?? false;
    if (!wholeField && !someChild) continue;
    const value = document[field.name];
    const { elementType, isCollection } = elementTypeOf(field.type);
    if (value === undefined || value === null) {
      out[field.name] = isCollection ? [] : null;
    } else if (elementType === 'Edm.ComplexType') {
      const childSelect = wholeField ? undefined : select;
      const sub = field.fields ?? [];
      out[field.name] = isCollection
        ? (value as Document[]).map((item) => projectObject(sub, item, `${path}/`, childSelect))
        : projectObject(sub, value as Document, `${path}/`, childSelect);
    } else {
      out[field.name] = value;
    }
  }
  return out;
}
