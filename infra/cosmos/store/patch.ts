import { badRequest } from '../errors.ts';
import { isObject } from '../query/values.ts';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove' | 'set' | 'incr' | 'move';
  path: string;
  value?: unknown;
  from?: string;
}

const maxOperations = 10;

/** `/a/0/b` → ["a", "0", "b"], with JSON Pointer's `~1` and `~0` escapes. */
function segments(path: unknown): string[] {
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw badRequest(`Invalid patch path ${String(path)}.`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  document: Record<string, unknown>,
  path: string[],
  create: boolean,
): { parent: unknown; key: string } {
  let node: unknown = document;
  for (const segment of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) {
      if (node[segment] === undefined && create) node[segment] = {};
      node = node[segment];
    } else node = undefined;
    if (node === undefined) throw badRequest(`Patch path /${path.join('/')} does not exist in the document.`);
  }
  return { parent: node, key: path[path.length - 1] ?? '' };
}

function arrayIndex(array: unknown[], key: string, forInsert: boolean): number {
  if (key === '-' && forInsert) return array.length;
  const index = Number(key);
  if (!Number.isInteger(index) || index < 0 || index > array.length - (forInsert ? 0 : 1)) {
    throw badRequest(`Patch path index ${key} is out of range.`);
  }
  return index;
}

function read(document: Record<string, unknown>, path: string[]): unknown {
  const { parent, key } = parentOf(document, path, false);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false)];
  return isObject(parent) ? parent[key] : undefined;
}

function remove(document: Record<string, unknown>, path: string[]): unknown {
  const { parent, key } = parentOf(document, path, false);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false), 1)[0];
  if (!isObject(parent) || !(key in parent))
    throw badRequest(`Patch path /${path.join('/')} does not exist in the document.`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function write(
  document: Record<string, unknown>,
  path: string[],
  value: unknown,
  mode: 'add' | 'set' | 'replace',
): void {
  const { parent, key } = parentOf(document, path, mode === 'set');
  if (Array.isArray(parent)) {
    if (mode === 'add') parent.splice(arrayIndex(parent, key, true), 0, value);
    else parent[arrayIndex(parent, key, mode === 'set')] = value;
    return;
  }
  if (!isObject(parent)) throw badRequest(`Patch path /${path.join('/')} has no parent object.`);
  if (mode === 'replace' && !(key in parent))
    throw badRequest(`Patch path /${path.join('/')} does not exist in the document.`);
  parent[key] = value;
}

/**
 * Applies Cosmos DB's patch operations to a copy of the document. `forbidden` are paths that may not change
 * (the id and the partition key paths).
 */
export function applyPatch(
  document: Record<string, unknown>,
  operations: unknown,
  forbidden: string[],
): Record<string, unknown> {
  if (!Array.isArray(operations) || operations.length === 0)
    throw badRequest('A patch request needs a non-empty operations array.');
  if (operations.length > maxOperations)
    throw badRequest(`A patch request supports at most ${maxOperations} operations.`);
  const copy = structuredClone(document);
  for (const raw of operations as PatchOperation[]) {
    const path = segments(raw.path);
    if (forbidden.includes(raw.path) || (raw.from !== undefined && forbidden.includes(raw.from))) {
      throw badRequest(`Patch cannot change ${raw.path}: it is the id or part of the partition key.`);
    }
    switch (raw.op) {
      case 'add':
      case 'set':
      case 'replace':
        write(copy, path, raw.value, raw.op);
        break;
      case 'remove':
        remove(copy, path);
        break;
      case 'incr': {
        if (typeof raw.value !== 'number')
          throw badRequest('The value of an incr operation must be a number.');
        const current = read(copy, path);
        if (current !== undefined && typeof current !== 'number')
          throw badRequest(`Patch incr target ${raw.path} is not a number.`);
        write(copy, path, (current ?? 0) + raw.value, 'set');
        break;
      }
      case 'move': {
        const value = remove(copy, segments(raw.from));
        write(copy, path, value, 'set');
        break;
      }
      default:
        throw badRequest(`Unknown patch operation ${String((raw as { op?: unknown }).op)}.`);
    }
  }
  return copy;
}
