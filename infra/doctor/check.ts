/** One line of `hack doctor`: its own module so that each service's doctor checks can use it (a leaf). */
export interface Check {
  name: string;
  /** `fail` blocks the local stack; `warn` is worth knowing; `ok` is fine. */
  level: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}
