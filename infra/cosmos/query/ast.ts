/** The syntax tree of Cosmos DB's SQL dialect, as produced by `parseQuery` and read by the evaluator. */

export type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'param'; name: string; start: number }
  | { kind: 'ident'; name: string; start: number }
  | { kind: 'member'; object: Expr; property: Expr; computed: boolean; name?: string }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'object'; props: { key: string; value: Expr }[] }
  | { kind: 'unary'; op: string; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'between'; value: Expr; low: Expr; high: Expr; not: boolean }
  | { kind: 'in'; value: Expr; list: Expr[]; not: boolean }
  | { kind: 'like'; value: Expr; pattern: Expr; escape?: Expr; not: boolean }
  | { kind: 'ternary'; condition: Expr; then: Expr; otherwise: Expr }
  | { kind: 'call'; name: string; args: Expr[]; udf: boolean; start: number }
  | { kind: 'subquery'; query: Query; mode: 'scalar' | 'exists' | 'array' };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export interface SelectClause {
  distinct: boolean;
  top?: Expr;
  /** `SELECT VALUE expr` */
  value?: Expr;
  /** `SELECT *` */
  star: boolean;
  items: SelectItem[];
}

/**
 * One source of the FROM clause. `alias` form binds a value (`FROM c`, `FROM c.children ch`); `iterate` form
 * binds each element of an array (`FROM ch IN c.children`, `JOIN t IN c.tags`).
 */
export interface FromSource {
  kind: 'alias' | 'iterate';
  alias: string;
  expr: Expr;
}

export interface OrderByItem {
  expr: Expr;
  descending: boolean;
}

export interface Query {
  select: SelectClause;
  from: FromSource[];
  where?: Expr;
  groupBy?: Expr[];
  orderBy?: OrderByItem[];
  offset?: Expr;
  limit?: Expr;
}
