export type { Query, Expr } from './ast.ts';
export { parseQuery, parseCondition } from './parser.ts';
export { executeQuery, matches } from './evaluator.ts';
export { formatDateTime } from './functions.ts';
export { orderCompare, canonicalKey, deepEqual } from './values.ts';
