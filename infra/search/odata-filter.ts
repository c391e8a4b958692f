import { badRequest, unsupported } from './errors.ts';
import { valuesAt, type Document } from './documents.ts';
import { tokenizeOData, TokenStream } from './odata-lexer.ts';
import type { ResolvedField } from './schema.ts';

/**
 * OData `$filter` as Azure AI Search defines it: comparisons, and/or/not, `search.in`, `search.ismatch`
 * (and `search.ismatchscoring`), `any`/`all` lambdas over collections and `geo.distance`. Parsed once, checked
 * against the index (unknown or non-filterable fields are a 400, as on the service), then evaluated per document.
 */
export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type ValueNode =
  | {
      kind: 'literal';
      value: unknown;
      literalType: 'string' | 'number' | 'datetime' | 'boolean' | 'null' | 'geography';
    }
  /** `variable` set when the path starts at a lambda's range variable (`r/price` in `rooms/any(r: …)`). */
  | { kind: 'field'; path: string; schemaPath: string; variable?: string }
  | { kind: 'distance'; field: ValueNode; point: { lon: number; lat: number } }
  | { kind: 'score' };

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: Comparison; left: ValueNode; right: ValueNode }
  | { kind: 'value'; value: ValueNode }
  | {
      kind: 'lambda';
      quantifier: 'any' | 'all';
      collection: ValueNode & { kind: 'field' };
      variable?: string;
      body?: FilterNode;
    }
  | { kind: 'in'; field: ValueNode; values: Set<string> }
  | { kind: 'intersects'; field: ValueNode; polygon: [number, number][] }
  | {
      kind: 'ismatch';
      id: number;
      search: string;
      searchFields?: string;
      queryType?: string;
      searchMode?: string;
    };

const comparisons = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export interface FilterContext {
  fields: Map<string, ResolvedField>;
  /** Which fields a path may name: `filterable` for $filter, `sortable` for $orderby. */
  attribute: 'filterable' | 'sortable';
}

export function parseFilter(text: string, context: FilterContext): FilterNode {
  const stream = new TokenStream(tokenizeOData(text, '$filter'), '$filter');
  const parser = new FilterParser(stream, context);
  const node = parser.parseOr(new Map());
  if (stream.peek().type !== 'end') throw stream.error('unexpected token');
  return node;
}

export class FilterParser {
  private matchIds = 0;
  constructor(
    readonly stream: TokenStream,
    private readonly context: FilterContext,
  ) {}

  parseOr(scope: Map<string, string>): FilterNode {
    let left = this.parseAnd(scope);
    while (this.stream.isKeyword('or')) {
      this.stream.next();
      left = { kind: 'or', left, right: this.parseAnd(scope) };
    }
    return left;
  }

  private parseAnd(scope: Map<string, string>): FilterNode {
    let left = this.parseUnary(scope);
    while (this.stream.isKeyword('and')) {
      this.stream.next();
      left = { kind: 'and', left, right: this.parseUnary(scope) };
    }
    return left;
  }

  private parseUnary(scope: Map<string, string>): FilterNode {
    if (this.stream.isKeyword('not')) {
      this.stream.next();
      return { kind: 'not', operand: this.parseUnary(scope) };
    }
    if (this.stream.isPunctuation('(')) {
      this.stream.next();
      const inner = this.parseOr(scope);
      this.stream.expectPunctuation(')');
      return inner;
    }
    const token = this.stream.peek();
    if (token.type === 'identifier' && /^search\.ismatch(scoring)?$/.test(token.value))
      return this.parseIsMatch();
    if (token.type === 'identifier' && token.value === 'search.in') return this.parseIn(scope);
    if (token.type === 'identifier' && token.value === 'geo.intersects') return this.parseIntersects(scope);
    if (token.type === 'identifier' && /\/(any|all)$/.test(token.value) && this.peekIsCall()) {
      return this.parseLambda(scope);
    }
    const left = this.parseValue(scope);
    const op = this.stream.peek();
    if (op.type === 'identifier' && comparisons.has(op.value)) {
      this.stream.next();
      const right = this.parseValue(scope);
      return { kind: 'compare', op: op.value as Comparison, left, right };
    }
    return { kind: 'value', value: left };
  }

  private peekIsCall(): boolean {
    const next = this.stream.peek(1);
    return next.type === 'punctuation' && next.value === '(';
  }

  parseValue(scope: Map<string, string>): ValueNode {
    const token = this.stream.next();
    switch (token.type) {
      case 'string':
        return { kind: 'literal', value: token.value, literalType: 'string' };
      case 'number':
        return { kind: 'literal', value: token.value, literalType: 'number' };
      case 'datetime':
        return { kind: 'literal', value: token.value, literalType: 'datetime' };
      case 'geography':
        return { kind: 'literal', value: token.value, literalType: 'geography' };
      case 'identifier': {
        if (token.value === 'true' || token.value === 'false') {
          return { kind: 'literal', value: token.value === 'true', literalType: 'boolean' };
        }
        if (token.value === 'null') return { kind: 'literal', value: null, literalType: 'null' };
        if (token.value === 'INF' || token.value === 'NaN') {
          return { kind: 'literal', value: token.value === 'INF' ? Infinity : NaN, literalType: 'number' };
        }
        if (token.value === 'geo.distance') return this.parseDistance(scope);
        if (token.value === 'search.score') {
          this.stream.expectPunctuation('(');
          this.stream.expectPunctuation(')');
          return { kind: 'score' };
        }
        if (this.stream.isPunctuation('('))
          throw unsupported(this.stream.parameter, `the function ${token.value}()`);
        return this.fieldNode(token.value, scope);
      }
      default:
        throw this.stream.error('expected a field, a literal or a function', token);
    }
  }

  private fieldNode(path: string, scope: Map<string, string>): ValueNode & { kind: 'field' } {
    const [first, ...rest] = path.split('/');
    const variablePath = scope.get(first!);
    if (variablePath !== undefined) {
      const schemaPath = [variablePath, ...rest].join('/');
      if (rest.length > 0) this.requireField(schemaPath);
      return { kind: 'field', path: rest.join('/'), schemaPath, variable: first };
    }
    this.requireField(path);
    return { kind: 'field', path, schemaPath: path };
  }

  private requireField(path: string): ResolvedField {
    const field = this.context.fields.get(path);
    if (!field) {
      throw badRequest(
        `Invalid expression in ${this.stream.parameter}: Could not find a property named '${path}'.`,
      );
    }
    if (field.elementType !== 'Edm.ComplexType' && field.definition[this.context.attribute] === false) {
      throw badRequest(
        `Invalid expression in ${this.stream.parameter}: The field '${path}' is not ${this.context.attribute}. Only ${this.context.attribute} fields can be used there.`,
      );
    }
    return field;
  }

  private parseDistance(scope: Map<string, string>): ValueNode {
    this.stream.expectPunctuation('(');
    const first = this.parseValue(scope);
    this.stream.expectPunctuation(',');
    const second = this.parseValue(scope);
    this.stream.expectPunctuation(')');
    const [field, point] = first.kind === 'field' ? [first, second] : [second, first];
    if (field.kind !== 'field' || point.kind !== 'literal' || point.literalType !== 'geography') {
      throw this.stream.error("geo.distance needs a field and a geography'POINT(lon lat)' literal");
    }
    return { kind: 'distance', field, point: point.value as { lon: number; lat: number } };
  }

  private parseIntersects(scope: Map<string, string>): FilterNode {
    this.stream.next();
    this.stream.expectPunctuation('(');
    const field = this.parseValue(scope);
    this.stream.expectPunctuation(',');
    const polygon = this.stream.next();
    if (field.kind !== 'field' || polygon.type !== 'polygon')
      throw this.stream.error("geo.intersects needs a field and a geography'POLYGON((…))' literal", polygon);
    this.stream.expectPunctuation(')');
    return { kind: 'intersects', field, polygon: polygon.value };
  }

  private parseIn(scope: Map<string, string>): FilterNode {
    this.stream.next();
    this.stream.expectPunctuation('(');
    const field = this.parseValue(scope);
    this.stream.expectPunctuation(',');
    const list = this.stream.next();
    if (list.type !== 'string') throw this.stream.error('search.in expects a string of values', list);
    let delimiters = ' ,';
    if (this.stream.isPunctuation(',')) {
      this.stream.next();
      const given = this.stream.next();
      if (given.type !== 'string') throw this.stream.error('search.in delimiters must be a string', given);
      delimiters = given.value;
    }
    this.stream.expectPunctuation(')');
    const values = new Set<string>();
    let current = '';
    for (const ch of list.value) {
      if (delimiters.includes(ch)) {
        if (current) values.add(current);
        current = '';
      } else current += ch;
    }
    if (current) values.add(current);
    return { kind: 'in', field, values };
  }

  private parseIsMatch(): FilterNode {
    this.stream.next();
    this.stream.expectPunctuation('(');
    const args: string[] = [];
    for (;;) {
      const token = this.stream.next();
      if (token.type !== 'string') throw this.stream.error('search.ismatch expects string arguments', token);
      args.push(token.value);
      if (!this.stream.isPunctuation(',')) break;
      this.stream.next();
    }
    this.stream.expectPunctuation(')');
    return {
      kind: 'ismatch',
      id: this.matchIds++,
      search: args[0]!,
      searchFields: args[1] || undefined,
      queryType: args[2],
      searchMode: args[3],
    };
  }

  private parseLambda(scope: Map<string, string>): FilterNode {
    const token = this.stream.next() as { value: string };
    const quantifier = token.value.endsWith('/any') ? 'any' : 'all';
    const collection = this.fieldNode(token.value.slice(0, -4), scope);
    const field = this.context.fields.get(collection.schemaPath);
    if (!field?.isCollection) {
      throw this.stream.error(
        `'${collection.schemaPath}' is not a collection, so ${quantifier}() cannot be used on it`,
      );
    }
    this.stream.expectPunctuation('(');
    if (this.stream.isPunctuation(')')) {
      this.stream.next();
      if (quantifier === 'all') throw this.stream.error('all() needs a lambda expression');
      return { kind: 'lambda', quantifier, collection };
    }
    const variable = this.stream.next();
    if (variable.type !== 'identifier') throw this.stream.error('expected a range variable', variable);
    this.stream.expectPunctuation(':');
    const inner = new Map(scope).set(variable.value, collection.schemaPath);
    const body = this.parseOr(inner);
    this.stream.expectPunctuation(')');
    return { kind: 'lambda', quantifier, collection, variable: variable.value, body };
  }
}

/** What evaluation needs besides the document: range-variable bindings and `search.ismatch` results. */
export interface EvaluationScope {
  key: string;
  bindings: Map<string, unknown>;
  fields: Map<string, ResolvedField>;
  matches(node: FilterNode & { kind: 'ismatch' }): Set<string>;
  score?: number;
}

export function evaluateFilter(node: FilterNode, document: Document, scope: EvaluationScope): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, document, scope) && evaluateFilter(node.right, document, scope);
    case 'or':
      return evaluateFilter(node.left, document, scope) || evaluateFilter(node.right, document, scope);
    case 'not':
      return !evaluateFilter(node.operand, document, scope);
    case 'value':
      return resolveValue(node.value, document, scope) === true;
    case 'compare':
      return compareValues(
        node.op,
        resolveValue(node.left, document, scope),
        resolveValue(node.right, document, scope),
        typeOf(node.left, scope) ?? typeOf(node.right, scope),
      );
    case 'in': {
      const value = resolveValue(node.field, document, scope);
      return typeof value === 'string' && node.values.has(value);
    }
    case 'ismatch':
      return scope.matches(node).has(scope.key);
    case 'intersects': {
      const point = resolveValue(node.field, document, scope) as { coordinates: [number, number] } | null;
      return point !== null && insideRing(point.coordinates, node.polygon);
    }
    case 'lambda': {
      const items = fieldValues(node.collection, document, scope);
      if (!node.body) return items.length > 0;
      // The range variable is bound in place and unbound after: no scope copies per collection element.
      const variable = node.variable!;
      const had = scope.bindings.has(variable);
      const previous = scope.bindings.get(variable);
      const test = (item: unknown): boolean => {
        scope.bindings.set(variable, item);
        return evaluateFilter(node.body!, document, scope);
      };
      try {
        return node.quantifier === 'any' ? items.some(test) : items.every(test);
      } finally {
        if (had) scope.bindings.set(variable, previous);
        else scope.bindings.delete(variable);
      }
    }
  }
}

function typeOf(node: ValueNode, scope: EvaluationScope): string | undefined {
  return node.kind === 'field' ? scope.fields.get(node.schemaPath)?.elementType : undefined;
}

function fieldValues(
  node: ValueNode & { kind: 'field' },
  document: Document,
  scope: EvaluationScope,
): unknown[] {
  if (node.variable !== undefined) {
    const bound = scope.bindings.get(node.variable);
    if (node.path === '') return bound === undefined || bound === null ? [] : [bound];
    return valuesAt(bound as Document, node.path);
  }
  return valuesAt(document, node.path);
}

export function resolveValue(node: ValueNode, document: Document, scope: EvaluationScope): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'score':
      return scope.score ?? 1;
    case 'field': {
      const values = fieldValues(node, document, scope);
      return values.length === 0 ? null : values[0];
    }
    case 'distance': {
      const point = resolveValue(node.field, document, scope) as { coordinates: [number, number] } | null;
      return point
        ? haversineKm(point.coordinates[1], point.coordinates[0], node.point.lat, node.point.lon)
        : null;
    }
  }
}

/** Comparable form of a stored value: dates as epoch ms, the service's "INF"/"NaN" strings as numbers. */
export function comparable(value: unknown, fieldType?: string): unknown {
  if (fieldType === 'Edm.DateTimeOffset' && typeof value === 'string') return Date.parse(value);
  if (value === 'INF') return Infinity;
  if (value === '-INF') return -Infinity;
  if (value === 'NaN') return NaN;
  return value;
}

export function compareValues(
  op: Comparison,
  rawLeft: unknown,
  rawRight: unknown,
  fieldType?: string,
): boolean {
  const left = comparable(rawLeft, fieldType);
  const right = comparable(rawRight, fieldType);
  if (left === null || right === null) {
    if (op === 'eq') return left === right;
    if (op === 'ne') return left !== right;
    return false;
  }
  if (typeof left !== typeof right) {
    if (op === 'ne') return true;
    if (op === 'eq') return false;
    throw badRequest(
      `Invalid expression in $filter: cannot compare a ${typeof left} with a ${typeof right}.`,
    );
  }
  const order = (left as number | string) < (right as number | string) ? -1 : left === right ? 0 : 1;
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
  }
}

/** Even-odd ray casting in longitude/latitude: exact for the small polygons filters use, planar at large scale. */
function insideRing([lon, lat]: [number, number], ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 6371.0088 * 2 * Math.asin(Math.min(1, Math.sqrt(a)));
}
