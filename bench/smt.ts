/**
 * `npm run bench:smt` — cost per record of a typical SMT chain (ValueToKey → ExtractField$Key → MaskField$Value →
 * InsertField$Value) including the JsonConverter on both sides, ours against Apache Kafka Connect's own classes
 * (connect-transforms / connect-json 4.1.2 via the conformance driver's bench mode) in the same run, with and
 * without schemas. Not a test: it prints figures for the report.
 */
import { cpus } from 'node:os';
import { renderTable } from '../infra/console/table.ts';
import { buildPipeline } from '../connectors/runtime/transforms/pipeline.ts';
import type { SerializedRecord } from '../connectors/runtime/transforms/pipeline.ts';
import {
  benchApache,
  conformanceClasspath,
  type ConformanceCase,
} from '../connectors/runtime/transforms/conformance/jvm.ts';

const records = Number(process.env.BENCH_RECORDS ?? 200_000);

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

function oursNsPerRecord(testCase: ConformanceCase): number {
  const pipeline = buildPipeline(testCase.config);
  const check = pipeline.run(testCase.record);
  if (!('record' in check))
    throw new Error(`the bench chain does not produce a record: ${JSON.stringify(check)}`);
  for (let i = 0; i < Math.min(records, 20_000); i++) pipeline.run(testCase.record);
  const started = process.hrtime.bigint();
  for (let i = 0; i < records; i++) pipeline.run(testCase.record);
  return Number(process.hrtime.bigint() - started) / records;
}

async function main(): Promise<void> {
  const classpath = await conformanceClasspath((message) => process.stderr.write(`${message}\n`));
  const rows: Array<{ scenario: string; ours: string; apache: string; ratio: string }> = [];
  for (const scenario of scenarios) {
    const ours = oursNsPerRecord(scenario);
    const apache = await benchApache(scenario, records, classpath);
    rows.push({
      scenario: scenario.id,
      ours: `${(ours / 1000).toFixed(2)} µs`,
      apache: `${(apache / 1000).toFixed(2)} µs`,
      ratio: `${(ours / apache).toFixed(2)}×`,
    });
  }
  process.stdout.write(
    `SMT chain ValueToKey → ExtractField$Key → MaskField$Value → InsertField$Value with JsonConverter in and out\n` +
      `${records} records per run after warm-up; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; Node ${process.version}\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'scenario', value: (row: (typeof rows)[number]) => row.scenario },
        { header: 'ours / record', value: (row: (typeof rows)[number]) => row.ours, align: 'right' },
        { header: 'Apache / record', value: (row: (typeof rows)[number]) => row.apache, align: 'right' },
        { header: 'ours ÷ Apache', value: (row: (typeof rows)[number]) => row.ratio, align: 'right' },
      ],
      rows,
    )}\n`,
  );
}

await main();
