/**
 * `npm run bench:smt` — cost per record of a typical SMT chain (ValueToKey → ExtractField$Key → MaskField$Value →
 * InsertField$Value) including the JsonConverter on both sides, ours against Apache Kafka Connect's own classes
 * (connect-transforms / connect-json 4.1.2 via the conformance driver's bench mode) in the same run, with and
 * without schemas. Not a test: it prints figures for the report. BENCH_ROUNDS (default 3) rounds, who goes first
 * alternating; BENCH_BUSY=1 keeps the other core busy meanwhile (bench/busy.ts). The ratio is a speed ratio, as in
 * bench:connect: Apache's time per record ÷ ours (above 1: ours is faster).
 */
import { cpus } from 'node:os';
import { startBusy } from './busy.ts';
import { renderTable } from '../infra/console/table.ts';
import { buildPipeline } from '../connectors/runtime/transforms/pipeline.ts';
import type { SerializedRecord } from '../connectors/runtime/transforms/pipeline.ts';
import {
  benchApache,
  conformanceClasspath,
  type ConformanceCase,
} from '../connectors/runtime/transforms/conformance/jvm.ts';

const records = Number(process.env.BENCH_RECORDS ?? 200_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const chain: Record<string, string> = {
  transforms: 'createKey,extractKey,mask,insert',
  'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey',
  'transforms.createKey.fields': 'id',
  'transforms.extractKey.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
  'transforms.extractKey.field': 'id',
  'transforms.mask.type': 'org.apache.kafka.connect.transforms.MaskField$Value',
  'transforms.mask.fields': 'card',
  'transforms.mask.replacement': '****',
  'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.insert.topic.field': 'source_topic',
  'transforms.insert.timestamp.field': 'ingested_at',
};

const schema =
  '{"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},{"type":"string","optional":true,"field":"user"},' +
  '{"type":"string","optional":true,"field":"card"},{"type":"double","optional":false,"field":"amount"},' +
  '{"type":"int32","optional":false,"field":"qty"},{"type":"string","optional":true,"field":"currency"}],' +
  '"optional":false,"name":"com.acme.Purchase"}';
const payload =
  '{"id":"p-00042","user":"u-17","card":"4111-1111-1111-1111","amount":129.95,"qty":3,"currency":"EUR"}';

const scenarios: ConformanceCase[] = [
  {
    id: 'with schemas',
    config: chain,
    record: bench({ key: null, value: `{"schema":${schema},"payload":${payload}}` }),
  },
  {
    id: 'schemaless',
    config: { ...chain, 'key.converter.schemas.enable': 'false', 'value.converter.schemas.enable': 'false' },
    record: bench({ key: null, value: payload }),
  },
];

function bench(partial: Pick<SerializedRecord, 'key' | 'value'>): SerializedRecord {
  return { topic: 'purchases', partition: 0, offset: 0, timestamp: 1_700_000_000_000, ...partial };
}

interface PerRecord {
  /** wall-clock ns per record */
  nsPerRecord: number;
  /** process CPU ns per record (every thread: GC and JIT included on both sides) */
  cpuNsPerRecord: number;
}

function oursNsPerRecord(testCase: ConformanceCase): PerRecord {
  const pipeline = buildPipeline(testCase.config);
  const check = pipeline.run(testCase.record);
  if (!('record' in check))
    throw new Error(`the bench chain does not produce a record: ${JSON.stringify(check)}`);
  for (let i = 0; i < Math.min(records, 20_000); i++) pipeline.run(testCase.record);
  const cpuAtStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < records; i++) pipeline.run(testCase.record);
  const nsPerRecord = Number(process.hrtime.bigint() - started) / records;
  const cpu = process.cpuUsage(cpuAtStart);
  return { nsPerRecord, cpuNsPerRecord: ((cpu.user + cpu.system) * 1000) / records };
}

async function main(): Promise<void> {
  const classpath = await conformanceClasspath((message) => process.stderr.write(`${message}\n`));
  const rows: Array<{ scenario: string; round: number; ours: PerRecord; apache: PerRecord }> = [];
  const busy = startBusy();
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        let ours: PerRecord, apache: PerRecord;
        if (round % 2 === 1) {
          ours = oursNsPerRecord(scenario);
          apache = await benchApache(scenario, records, classpath);
        } else {
          apache = await benchApache(scenario, records, classpath);
          ours = oursNsPerRecord(scenario);
        }
        rows.push({ scenario: scenario.id, round, ours, apache });
      }
    }
  } finally {
    busy.stop();
  }
  const micros = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
  type Row = (typeof rows)[number];
  const speed = (row: Row, key: keyof PerRecord) => row.apache[key] / row.ours[key];
  process.stdout.write(
    `SMT chain ValueToKey → ExtractField$Key → MaskField$Value → InsertField$Value with JsonConverter in and out\n` +
      `${records} records per run after warm-up; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}; ${new Date().toISOString()}\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'scenario', value: (row: Row) => row.scenario },
        { header: 'round', value: (row: Row) => row.round, align: 'right' },
        { header: 'ours / record', value: (row: Row) => micros(row.ours.nsPerRecord), align: 'right' },
        { header: 'Apache / record', value: (row: Row) => micros(row.apache.nsPerRecord), align: 'right' },
        {
          header: 'ours ÷ Apache (speed)',
          value: (row: Row) => `${speed(row, 'nsPerRecord').toFixed(2)}×`,
          align: 'right',
        },
        {
          header: 'CPU / record ours, Apache',
          value: (row: Row) => `${micros(row.ours.cpuNsPerRecord)}, ${micros(row.apache.cpuNsPerRecord)}`,
          align: 'right',
        },
        {
          header: 'ours ÷ Apache (per CPU s)',
          value: (row: Row) => `${speed(row, 'cpuNsPerRecord').toFixed(2)}×`,
          align: 'right',
        },
      ],
      rows,
    )}\n`,
  );
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const medianOf = (id: string, key: keyof PerRecord) =>
    median(rows.filter((row) => row.scenario === id).map((row) => speed(row, key))).toFixed(2);
  process.stdout.write(
    `\n${busy.describe()}\n${scenarios
      .map(
        (scenario) =>
          `median ours ÷ Apache, ${scenario.id}: ${medianOf(scenario.id, 'nsPerRecord')}× (wall), ${medianOf(scenario.id, 'cpuNsPerRecord')}× (per CPU second)`,
      )
      .join('\n')}\n`,
  );
}

await main();
