import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down, up } from '../stack/lifecycle.ts';
import { readStack } from '../stack/stack-file.ts';
import type { OpenSearchEntry } from './service.ts';

/**
 * A real OpenSearch node for one test file, in a stack of its own (a temporary HACK_HOME, a free port): start it
 * in `beforeAll`, `dispose()` it in `afterAll`.
 */
export async function startTestOpenSearch(): Promise<OpenSearchEntry & { dispose(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'opensearch-test-'));
  const previousHome = process.env.HACK_HOME;
  process.env.HACK_HOME = home;
  const restore = (): void => {
    if (previousHome === undefined) delete process.env.HACK_HOME;
    else process.env.HACK_HOME = previousHome;
  };
  try {
    await up({ only: ['opensearch'], ephemeralPorts: true });
    const entry = readStack()!.services.opensearch as OpenSearchEntry;
    restore();
    return {
      ...entry,
      async dispose() {
        process.env.HACK_HOME = home;
        try {
          await down();
        } finally {
          restore();
          rmSync(home, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await down().catch(() => undefined);
    restore();
    throw error;
  }
}
