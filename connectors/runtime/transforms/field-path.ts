import type { Field, Schema, Struct } from '../data/schema.ts';
import { ConfigException } from './errors.ts';
import { requireMapOrNull, requireStructOrNull } from './support.ts';

/**
 * KIP-821's `SingleFieldPath`: `V1` takes the path as one field name; `V2` splits on dots, with backticks
 * quoting names that contain dots (and `\`` escaping a backtick inside them).
 */
export class SingleFieldPath {
  readonly steps: string[];

  constructor(path: string, version: 'V1' | 'V2') {
    this.steps = version === 'V1' ? [path] : parseV2(path);
  }

  fieldFrom(schema: Schema | null): Field | undefined {
    if (!schema) return undefined;
    let current = schema;
    for (const step of this.steps.slice(0, -1)) {
      const field = current.fields?.find((f) => f.name === step);
      if (!field) return undefined;
      current = field.schema;
    }
    return current.fields?.find((f) => f.name === this.steps[this.steps.length - 1]);
  }

  valueFromStruct(struct: Struct | null, withDefault = true): unknown {
    let current = struct;
    if (!current) return null;
    for (const step of this.steps.slice(0, -1)) {
      if (!current.field(step)) return null;
      current = requireStructOrNull(current.get(step), 'nested field access');
      if (!current) return null;
    }
    const last = this.steps[this.steps.length - 1]!;
    if (!current.field(last)) return null;
    return withDefault ? current.get(last) : current.getWithoutDefault(last);
  }

  valueFromMap(map: Map<string, unknown> | null): unknown {
    let current = map;
    if (!current) return null;
    for (const step of this.steps.slice(0, -1)) {
      current = requireMapOrNull(current.get(step), 'nested field access');
      if (!current) return null;
    }
    return current.get(this.steps[this.steps.length - 1]!) ?? null;
  }
}

function incomplete(path: string, at: number): never {
  throw new ConfigException(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
  );
}

function parseV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== '`') {
      const start = idx;
      idx = path.indexOf('.', idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else {
        steps.push(path.slice(start));
      }
    } else {
      const backtickAt = idx;
      idx++;
      let field = '';
      let start = idx;
      for (;;) {
        idx = path.indexOf('`', idx);
        if (idx === -1) incomplete(path, backtickAt);
        const escaped = path[idx - 1] === '\\';
        if (idx >= path.length - 1) {
          if (escaped) incomplete(path, backtickAt);
          field += path.slice(start, idx);
          steps.push(field);
          idx++;
          break;
        }
        if (path[idx + 1] !== '.') {
          idx++;
          continue;
        }
        if (escaped) {
          field += path.slice(start, idx - 1) + '`';
          idx++;
          start = idx;
          continue;
        }
        field += path.slice(start, idx);
        steps.push(field);
        idx += 2;
        break;
      }
    }
  }
  if (path.length > 0 && path[path.length - 1] === '.') steps.push('');
  return steps;
}
