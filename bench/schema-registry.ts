/**
 * `npm run bench:schema-registry` — the Schema Registry as `hack up` runs it (its own process), driven through
 * Confluent's official client: registrations/s (each fsynced, each checked BACKWARD against the latest version),
 * uncached lookups by id, serializations through JsonSerializer with validation, and the restart time on the
 * resulting journal. Not a test: it prints figures for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { renderTable } from '../infra/console/table.ts';
import {
  freePort,
  spawnDetached,
  stopProcess,
  typescriptServiceCommand,
  waitUntil,
} from '../infra/process/index.ts';

const subjects = Number(process.env.BENCH_REGISTRY_SUBJECTS ?? 50);
const versionsPerSubject = Number(process.env.BENCH_REGISTRY_VERSIONS ?? 10);
const lookups = Number(process.env.BENCH_REGISTRY_LOOKUPS ?? 2000);
const records = Number(process.env.BENCH_REGISTRY_RECORDS ?? 20_000);

const dataDir = mkdtempSync(join(tmpdir(), 'bench-registry-'));

async function start(): Promise<{ pid: number; url: string; startMs: number }> {
  const port = await freePort();
  const started = Date.now();
  const { command, args } = typescriptServiceCommand(
    join(import.meta.dirname, '..', 'infra', 'schema-registry', 'main.ts'),
    ['--data-dir', dataDir, '--port', String(port)],
  );
  const child = spawnDetached(command, args, { logFile: join(dataDir, 'registry.log') });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(() => fetch(`${url}/config`).then((response) => response.ok), {
    timeoutMs: 60_000,
    intervalMs: 20,
    what: 'The registry',
  });
  return { pid: child.pid, url, startMs: Date.now() - started };
}

/** Version n of a subject's schema: n optional properties on a closed object, each BACKWARD-compatible with the last. */
const schemaVersion = (n: number): string =>
  JSON.stringify({
    type: 'object',
    properties: Object.fromEntries([
      ['id', { type: 'string' }],
      ...Array.from({ length: n }, (_, i) => [`field${i}`, { type: 'integer', minimum: 0 }]),
    ]),
    required: ['id'],
    additionalProperties: false,
  });

const rate = (count: number, ms: number): string => `${Math.round((count / ms) * 1000)}/s`;

const first = await start();
const client = new SchemaRegistryClient({ baseURLs: [first.url], maxRetries: 0 });
let started = Date.now();
const ids: number[] = [];
for (let version = 0; version < versionsPerSubject; version++)
  for (let subject = 0; subject < subjects; subject++)
    ids.push(
      await client.register(`subject-${subject}-value`, {
        schemaType: 'JSON',
        schema: schemaVersion(version),
      }),
    );
const registerMs = Date.now() - started;

started = Date.now();
for (let i = 0; i < lookups; i++) {
  const response = await fetch(`${first.url}/schemas/ids/${ids[i % ids.length]}`);
  await response.json();
}
const lookupMs = Date.now() - started;

const serializer = new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true, validate: true });
started = Date.now();
for (let i = 0; i < records; i++) await serializer.serialize('subject-0', { id: `r${i}`, field0: i });
const serializeMs = Date.now() - started;
await stopProcess(first.pid);

const second = await start();
await stopProcess(second.pid);
rmSync(dataDir, { recursive: true, force: true });

const rows: string[][] = [
  ['cold start, empty data dir', '', `${first.startMs} ms`, ''],
  [
    `register (${subjects} subjects × ${versionsPerSubject} versions, BACKWARD)`,
    String(ids.length),
    `${registerMs} ms`,
    rate(ids.length, registerMs),
  ],
  ['GET /schemas/ids/{id} (uncached)', String(lookups), `${lookupMs} ms`, rate(lookups, lookupMs)],
  ['JsonSerializer.serialize, validate on', String(records), `${serializeMs} ms`, rate(records, serializeMs)],
  [`restart, journal of ${ids.length} versions`, '', `${second.startMs} ms`, ''],
];
const columns = ['measure', 'count', 'time', 'rate'].map((header, i) => ({
  header,
  value: (row: string[]) => row[i]!,
}));
process.stdout.write(`${renderTable(columns, rows)}\n`);
