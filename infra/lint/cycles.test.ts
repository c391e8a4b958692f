import { describe, expect, it } from 'vitest';
import { cycles, moduleOf } from './cycles.ts';

describe('the module cycle check', () => {
  it('groups files into modules: connectors/<x>, infra/<x>, the plugin API, top-level folders', () => {
    expect(moduleOf('connectors/runtime/worker/sink-runner.ts')).toBe('connectors/runtime');
    expect(moduleOf('connectors/runtime/api/errors.ts')).toBe('connectors/runtime/api+data');
    expect(moduleOf('connectors/runtime/data/schema.ts')).toBe('connectors/runtime/api+data');
    expect(moduleOf('infra/stack/stack-file.ts')).toBe('infra/stack');
    expect(moduleOf('verify/reporters/console.ts')).toBe('verify');
  });

  it('finds every circle and nothing else', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set<string>()],
      ['e', new Set(['e', 'd'])],
    ]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c']]);
  });
});
