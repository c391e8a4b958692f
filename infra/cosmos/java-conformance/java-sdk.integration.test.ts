import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../test-support.ts';
import { installCosmosJavaSdk, runJavaConformance, trustStoreFor, type CheckResult } from './java-sdk.ts';

/**
 * The official Java SDK (azure-cosmos, gateway mode, over TLS with the emulator's certificate in a trust store and
 * the emulator's key) against the emulator: every check of Conformance.java must pass. The emulator restarts in
 * the middle, and the driver resumes the change feed from a token saved before.
 */
const checks = [
  'database and containers',
  'create, read, replace, upsert, delete',
  'queries: filter, parameters, ORDER BY, paging',
  'queries: SELECT VALUE, COUNT, DISTINCT VALUE, TOP, OFFSET LIMIT, aggregates',
  'queries: GROUP BY aggregates over a field missing in some items',
  'patch',
  'transactional batch',
  'bulk',
  "bulk: patch, replace if the etag matches, delete (the Kafka sink's write strategies)",
  'feed ranges: a 25,000 RU/s container has three',
  'change feed: latest version from Beginning, Now, a point in time',
  'change feed: all versions and deletes',
  'change feed: per feed range, each change once',
  'split: raising throughput splits a live range, a saved token resumes',
  'change feed: continuation saved',
  'change feed: continuation resumes after a restart',
];

describe('the official Java SDK against the emulator', () => {
  let cosmos: TestEmulator;
  let run: { results: CheckResult[]; stderr: string; exitCode: number | null };

  beforeAll(async () => {
    const classpath = await installCosmosJavaSdk();
    cosmos = await startTestEmulator();
    const certificateFile = cosmos.emulator.certificateFile!;
    run = await runJavaConformance({
      classpath,
      endpoint: cosmos.emulator.endpoint,
      key: cosmos.emulator.key,
      trustStore: await trustStoreFor(certificateFile),
      restart: () => cosmos.restart(),
    });
  }, 300_000);

  afterAll(async () => {
    await cosmos?.close();
  });

  it.each(checks)('%s', (name) => {
    const result = run.results.find((r) => r.check === name);
    expect(result, `the driver never ran "${name}"; its stderr:\n${run.stderr}`).toBeDefined();
    expect(result).toEqual({ check: name, ok: true });
  });

  it('runs nothing the test does not know about, and exits 0', () => {
    expect(run.results.map((r) => r.check)).toEqual(checks);
    expect(run.exitCode).toBe(0);
  });
});
