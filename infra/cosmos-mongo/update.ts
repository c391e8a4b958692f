import type { Document, ObjectId } from 'bson';
import { MongoError, badValue, failedToParse } from './errors.ts';
import { matchesFilter, structuredCopy } from './query.ts';
import { compareValues, getPath, isNumeric, isPlainObject, toNumber, valuesEqual } from './values.ts';

/** MongoDB's update documents: operators (`$set`, `$inc`, …) or a replacement. */

export function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys[0]!.startsWith('$');
}

/** The document after `update`; `inserting` applies `$setOnInsert` too. `_id` never changes. */
export function applyUpdate(doc: Document, update: unknown, inserting: boolean): Document {
  if (Array.isArray(update)) throw badValue('Update pipelines are not supported by this emulator.');
  if (!isPlainObject(update)) throw failedToParse('Update must be a document');
  if (!isOperatorUpdate(update)) {
    if (Object.keys(update).some((key) => key.startsWith('$')))
      throw badValue('The replacement document must not contain update operators.');
    if (update._id !== undefined && doc._id !== undefined && !valuesEqual(update._id, doc._id)) {
      throw immutableId();
    }
    return { _id: doc._id ?? update._id, ...update };
  }
  const result = structuredCopy(doc);
  for (const [operator, fields] of Object.entries(update)) {
    if (!isPlainObject(fields))
      throw badValue(`Modifiers operate on fields but we found type ${typeof fields} instead.`);
    for (const [path, operand] of Object.entries(fields)) {
      if (path === '_id' || path.startsWith('_id.')) {
        if (operator === '$setOnInsert' || (operator === '$set' && valuesEqual(operand, doc._id))) {
          if (inserting) setPath(result, path, operand);
          continue;
        }
        throw immutableId();
      }
      applyOperator(result, operator, path, operand, inserting);
    }
  }
  return result;
}

function immutableId(): MongoError {
  return new MongoError(
    66,
    "Performing an update on the path '_id' would modify the immutable field '_id'",
    'ImmutableField',
  );
}

function applyOperator(
  doc: Document,
  operator: string,
  path: string,
  operand: unknown,
  inserting: boolean,
): void {
  const current = getPath(doc, path);
  switch (operator) {
    case '$set':
      return setPath(doc, path, operand);
    case '$setOnInsert':
      if (inserting) setPath(doc, path, operand);
      return;
    case '$unset':
      return unsetPath(doc, path);
    case '$inc':
    case '$mul': {
      if (!isNumeric(operand))
        throw badValue(
          `Cannot ${operator === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${String(operand)}}`,
        );
      if (current !== undefined && !isNumeric(current)) {
        throw new MongoError(
          14,
          `Cannot apply ${operator} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path}' of non-numeric type ${typeof current}`,
          'TypeMismatch',
        );
      }
      const base = current === undefined ? 0 : toNumber(current);
      return setPath(doc, path, operator === '$inc' ? base + toNumber(operand) : base * toNumber(operand));
    }
    case '$min':
    case '$max':
      if (
        current === undefined ||
        (operator === '$min' ? compareValues(operand, current) < 0 : compareValues(operand, current) > 0)
      ) {
        setPath(doc, path, operand);
      }
      return;
    case '$rename':
      if (current !== undefined) {
        unsetPath(doc, path);
        setPath(doc, String(operand), current);
      }
      return;
    case '$currentDate':
      return setPath(doc, path, new Date());
    case '$push':
    case '$addToSet': {
      const array = arrayAt(doc, path, current, operator);
      const each =
        isPlainObject(operand) && Array.isArray(operand.$each) ? (operand.$each as unknown[]) : [operand];
      for (const value of each) {
        if (operator === '$push' || !array.some((existing) => valuesEqual(existing, value)))
          array.push(value);
      }
      return;
    }
    case '$pull': {
      if (current === undefined) return;
      const array = arrayAt(doc, path, current, operator);
      const keep = array.filter((element) =>
        isPlainObject(operand) && !Object.keys(operand).some((key) => key.startsWith('$'))
          ? !(isPlainObject(element) && matchesFilter(element, operand))
          : isPlainObject(operand)
            ? !matchesFilter({ v: element }, { v: operand })
            : !valuesEqual(element, operand),
      );
      return setPath(doc, path, keep);
    }
    case '$pop': {
      if (current === undefined) return;
      const array = arrayAt(doc, path, current, operator);
      if (toNumber(operand) < 0) array.shift();
      else array.pop();
      return;
    }
    default:
      throw badValue(
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
  }
}

function arrayAt(doc: Document, path: string, current: unknown, operator: string): unknown[] {
  if (current === undefined) {
    const array: unknown[] = [];
    setPath(doc, path, array);
    return array;
  }
  if (!Array.isArray(current)) {
    throw new MongoError(
      2,
      `The field '${path}' must be an array but is of type ${typeof current} in document {_id: ${String(doc._id)}} (${operator})`,
      'BadValue',
    );
  }
  return current;
}

export function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let current: Record<string, unknown> = doc;
  for (const part of parts.slice(0, -1)) {
    let next = current[part];
    if (next === undefined || next === null) {
      next = {};
      current[part] = next;
    }
    if (typeof next !== 'object') {
      throw new MongoError(
        28,
        `Cannot create field '${part}' in element {${part}: ${String(next)}}`,
        'PathNotViable',
      );
    }
    current = next as Record<string, unknown>;
  }
  current[parts[parts.length - 1]!] = value;
}

function unsetPath(doc: Document, path: string): void {
  const parts = path.split('.');
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string, unknown>)[part];
  }
  if (current && typeof current === 'object') {
    const last = parts[parts.length - 1]!;
    if (Array.isArray(current)) current[Number(last)] = null;
    else delete (current as Record<string, unknown>)[last];
  }
}

/** The document an upsert inserts: the filter's equality fields, then the update, and an ObjectId `_id`. */
export function upsertDocument(filter: Document, update: Document, newId: ObjectId): Document {
  const base: Document = {};
  if (isOperatorUpdate(update) || Array.isArray(update)) {
    for (const [key, value] of Object.entries(filter)) {
      if (key.startsWith('$')) continue;
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        if ('$eq' in value) setPath(base, key, value.$eq);
        continue;
      }
      setPath(base, key, value);
    }
  }
  const result = applyUpdate(base, update, true);
  if (result._id === undefined)
    return { _id: filter._id !== undefined && !isPlainObject(filter._id) ? filter._id : newId, ...result };
  return result;
}
