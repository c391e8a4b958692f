import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintConnectorConfigs } from './lint.ts';

const solution = join(import.meta.dirname, '../../challenges/03-kafka-connect/solution');

function configs(): Array<{ file: string; config: Record<string, string> }> {
  return readdirSync(solution)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = JSON.parse(readFileSync(join(solution, file), 'utf8')) as {
        config?: Record<string, string>;
      } & Record<string, string>;
      return { file, config: parsed.config ?? parsed };
    });
}

describe('challenge 03 reference connector configs', () => {
  it("pass the Azure connectors' specs with no errors, together", () => {
    const found = configs();
    const results = lintConnectorConfigs(found.map((entry) => entry.config));
    expect(results.map((result) => result.connector).sort()).toEqual([
      'azure-search-sink',
      'cosmos-sink',
      'cosmos-source',
    ]);
    const errors = Object.fromEntries(found.map((entry, index) => [entry.file, results[index]!.errors]));
    expect(errors).toEqual(Object.fromEntries(found.map((entry) => [entry.file, {}])));
  });

  it('use no unknown keys (only our documented extensions are flagged)', () => {
    const found = configs();
    const results = lintConnectorConfigs(found.map((entry) => entry.config));
    const warned = results.flatMap((result) => Object.keys(result.warnings));
    expect(
      warned.every((key) =>
        ['azure.search.endpoint', 'azure.cosmos.sink.tombstone.delete.enabled'].includes(key),
      ),
    ).toBe(true);
  });
});
