import type { Document } from 'bson';
import { MongoError, badValue } from './errors.ts';
import { matchesFilter, project, sortDocuments } from './query.ts';
import { setPath } from './update.ts';
import { compareValues, getPath, isNumeric, isPlainObject, toNumber, valuesEqual } from './values.ts';

/** Aggregation pipelines over documents: the stages and expressions the emulator evaluates. */
export function runPipeline(input: Document[], pipeline: Document[]): Document[] {
  let docs = input;
  for (const stage of pipeline) {
    const [name, spec] = singleEntry(stage);
    docs = runStage(docs, name, spec);
  }
  return docs;
}

function singleEntry(stage: Document): [string, unknown] {
  const entries = Object.entries(stage);
  if (entries.length !== 1)
    throw new MongoError(
      40323,
      'A pipeline stage specification object must contain exactly one field.',
      'Location40323',
    );
  return entries[0]!;
}

function runStage(docs: Document[], name: string, spec: unknown): Document[] {
  switch (name) {
    case '$match':
      return docs.filter((doc) => matchesFilter(doc, spec as Document));
    case '$project':
      return docs.map((doc) => projectStage(doc, spec as Document));
    case '$addFields':
    case '$set':
      return docs.map((doc) => {
        const result = { ...doc };
        for (const [path, expression] of Object.entries(spec as Document))
          setPath(result, path, evaluate(expression, doc));
        return result;
      });
    case '$unset':
      return docs.map((doc) =>
        project(doc, Object.fromEntries((Array.isArray(spec) ? spec : [spec]).map((f) => [f, 0]))),
      );
    case '$replaceRoot':
    case '$replaceWith': {
      const expression = name === '$replaceRoot' ? (spec as Document).newRoot : spec;
      return docs.map((doc) => {
        const root = evaluate(expression, doc);
        if (!isPlainObject(root))
          throw new MongoError(
            40228,
            `'newRoot' expression must evaluate to an object, but resulting value was: ${String(root)}`,
            'Location40228',
          );
        return root;
      });
    }
    case '$sort':
      return sortDocuments(docs, spec as Document);
    case '$limit':
      return docs.slice(0, toNumber(spec));
    case '$skip':
      return docs.slice(toNumber(spec));
    case '$count':
      return docs.length === 0 ? [] : [{ [String(spec)]: docs.length }];
    case '$group':
      return group(docs, spec as Document);
    case '$unwind': {
      const path = String(isPlainObject(spec) ? spec.path : spec).replace(/^\$/, '');
      return docs.flatMap((doc) => {
        const value = getPath(doc, path);
        if (!Array.isArray(value)) return value === undefined ? [] : [doc];
        return value.map((element) => {
          const copy = structuredClone(doc) as Document;
          setPath(copy, path, element);
          return copy;
        });
      });
    }
    case '$changeStream':
      throw badValue('$changeStream is only valid as the first stage in a pipeline.');
    default:
      throw new MongoError(40324, `Unrecognized pipeline stage name: '${name}'`, 'Location40324');
  }
}

function projectStage(doc: Document, spec: Document): Document {
  const computed = Object.entries(spec).filter(
    ([, value]) => !(value === 0 || value === 1 || value === true || value === false),
  );
  if (computed.length === 0) return project(doc, spec);
  const plain = Object.fromEntries(
    Object.entries(spec).filter(([, value]) => !computed.some(([, c]) => c === value)),
  );
  const result = project(doc, Object.keys(plain).length === 0 ? { _id: 1 } : plain);
  for (const [path, expression] of computed) setPath(result, path, evaluate(expression, doc));
  return result;
}

function group(docs: Document[], spec: Document): Document[] {
  const groups = new Map<string, { key: unknown; docs: Document[] }>();
  for (const doc of docs) {
    const key = evaluate(spec._id, doc) ?? null;
    const id = JSON.stringify(key);
    const entry = groups.get(id) ?? { key, docs: [] };
    entry.docs.push(doc);
    groups.set(id, entry);
  }
  return [...groups.values()].map(({ key, docs: members }) => {
    const result: Document = { _id: key };
    for (const [field, accumulator] of Object.entries(spec)) {
      if (field === '_id') continue;
      const [operator, expression] = singleEntry(accumulator as Document);
      const values = members.map((doc) => evaluate(expression, doc));
      result[field] = accumulate(operator, values);
    }
    return result;
  });
}

function accumulate(operator: string, values: unknown[]): unknown {
  const numbers = values.filter(isNumeric).map(toNumber);
  switch (operator) {
    case '$sum':
      return numbers.reduce((a, b) => a + b, 0);
    case '$avg':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case '$min':
    case '$max': {
      const present = values.filter((v) => v !== undefined && v !== null);
      const sign = operator === '$min' ? 1 : -1;
      return present.length === 0
        ? null
        : present.reduce((a, b) => (sign * compareValues(a, b) <= 0 ? a : b));
    }
    case '$first':
      return values[0] ?? null;
    case '$last':
      return values[values.length - 1] ?? null;
    case '$push':
      return values.filter((v) => v !== undefined);
    case '$addToSet':
      return values.filter((v, i) => v !== undefined && values.findIndex((w) => valuesEqual(v, w)) === i);
    case '$count':
      return values.length;
    default:
      throw new MongoError(15952, `unknown group operator '${operator}'`, 'Location15952');
  }
}

/** An aggregation expression: `$field.path`, a literal, an object of expressions, or an operator. */
export function evaluate(expression: unknown, doc: Document): unknown {
  if (typeof expression === 'string' && expression.startsWith('$$ROOT'))
    return expression === '$$ROOT' ? doc : getPath(doc, expression.slice(7));
  if (typeof expression === 'string' && expression.startsWith('$')) return getPath(doc, expression.slice(1));
  if (Array.isArray(expression)) return expression.map((e) => evaluate(e, doc));
  if (!isPlainObject(expression)) return expression;
  const keys = Object.keys(expression);
  if (keys.length === 1 && keys[0]!.startsWith('$')) return operator(keys[0]!, expression[keys[0]!], doc);
  return Object.fromEntries(Object.entries(expression).map(([key, value]) => [key, evaluate(value, doc)]));
}

function operator(name: string, operand: unknown, doc: Document): unknown {
  if (name === '$literal') return operand;
  const args = (Array.isArray(operand) ? operand : [operand]).map((arg) => evaluate(arg, doc));
  const nums = args.map(toNumber);
  switch (name) {
    case '$add':
      return nums.reduce((a, b) => a + b, 0);
    case '$subtract':
      return nums[0]! - nums[1]!;
    case '$multiply':
      return nums.reduce((a, b) => a * b, 1);
    case '$divide':
      return nums[0]! / nums[1]!;
    case '$mod':
      return nums[0]! % nums[1]!;
    case '$concat':
      return args.some((a) => a === null || a === undefined) ? null : args.join('');
    case '$toUpper':
      return String(args[0] ?? '').toUpperCase();
    case '$toLower':
      return String(args[0] ?? '').toLowerCase();
    case '$toString':
      return args[0] === null || args[0] === undefined ? null : String(args[0]);
    case '$eq':
      return valuesEqual(args[0], args[1]);
    case '$ne':
      return !valuesEqual(args[0], args[1]);
    case '$gt':
      return compareValues(args[0], args[1]) > 0;
    case '$gte':
      return compareValues(args[0], args[1]) >= 0;
    case '$lt':
      return compareValues(args[0], args[1]) < 0;
    case '$lte':
      return compareValues(args[0], args[1]) <= 0;
    case '$and':
      return args.every(Boolean);
    case '$or':
      return args.some(Boolean);
    case '$not':
      return !args[0];
    case '$ifNull':
      return args.find((a) => a !== null && a !== undefined) ?? null;
    case '$cond': {
      const [test, then, otherwise] = isPlainObject(operand)
        ? [evaluate(operand.if, doc), operand.then, operand.else]
        : [args[0], (operand as unknown[])[1], (operand as unknown[])[2]];
      return evaluate(test ? then : otherwise, doc);
    }
    case '$size':
      return Array.isArray(args[0]) ? args[0].length : null;
    case '$in':
      return Array.isArray(args[1]) && args[1].some((v) => valuesEqual(v, args[0]));
    default:
      throw new MongoError(168, `Unrecognized expression '${name}'`, 'InvalidPipelineOperator');
  }
}
