/**
 * `npm run bench:kafka` — how fast the local stack's Kafka starts (jars cached) and what kafkajs moves through it:
 * 1 KB records produced (acks=all, batches of 500) and consumed, as records/s and MB/s. Not a test: it prints
 * figures for BENCHMARKS.md. BENCH_RECORDS, BENCH_STARTS, BENCH_KAFKA_JVM (more broker JVM options).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { startLocalBroker } from '../infra/kafka/broker.ts';
import { installKafka } from '../infra/kafka/install.ts';
import { kafkaClient } from '../infra/kafka/connection.ts';
import { stopProcess } from '../infra/process/index.ts';
import { renderTable } from '../infra/console/table.ts';
import { progressBar } from '../infra/console/progress.ts';

const records = Number(process.env.BENCH_RECORDS ?? 100_000);
const recordBytes = 1024;
const batch = 500;
const starts = Number(process.env.BENCH_STARTS ?? 3);
// More broker JVM options, after brokerJvmOptions' (a later option wins): `-XX:TieredStopAtLevel=4` measures the
// broker with C2 as well.
const extraJvmOptions = (process.env.BENCH_KAFKA_JVM ?? '').split(/\s+/).filter(Boolean);

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  await installKafka({ onProgress: (message) => process.stderr.write(`${message}\n`) });
  const home = mkdtempSync(join(tmpdir(), 'bench-kafka-'));
  const rows: Array<{ what: string; value: string }> = [];
  try {
    const fresh: number[] = [];
    const restart: number[] = [];
    let broker = { pid: 0, bootstrapServers: '' };
    for (let i = 0; i < starts; i++) {
      const dataDir = join(home, `fresh-${i}`);
      let started = performance.now();
      broker = await startLocalBroker({
        dataDir,
        logFile: join(home, `fresh-${i}.log`),
        port: 0,
        jvmArgs: extraJvmOptions,
      });
      fresh.push(performance.now() - started);
      await stopProcess(broker.pid);
      started = performance.now();
      broker = await startLocalBroker({
        dataDir,
        logFile: join(home, `fresh-${i}.log`),
        port: 0,
        jvmArgs: extraJvmOptions,
      });
      restart.push(performance.now() - started);
      if (i < starts - 1) await stopProcess(broker.pid);
    }
    rows.push({
      what: `broker start, new data dir (format + start), median of ${starts}`,
      value: `${(median(fresh) / 1000).toFixed(2)} s`,
    });
    rows.push({
      what: `broker start, existing data dir, median of ${starts}`,
      value: `${(median(restart) / 1000).toFixed(2)} s`,
    });

    const kafka = kafkaClient({ bootstrapServers: broker.bootstrapServers }, 'bench');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench', numPartitions: 4 }], waitForLeaders: true });
    await admin.disconnect();

    const payload = Buffer.alloc(recordBytes, 'x');
    const producer = kafka.producer();
    await producer.connect();
    const bar = progressBar('produce', records);
    let started = performance.now();
    for (let sent = 0; sent < records; sent += batch) {
      const messages = Array.from({ length: Math.min(batch, records - sent) }, (_, i) => ({
        key: String(sent + i),
        value: payload,
      }));
      await producer.send({ topic: 'bench', messages, acks: -1 });
      bar.update(sent + messages.length);
    }
    bar.finish();
    const produceSeconds = (performance.now() - started) / 1000;
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'bench', maxBytesPerPartition: 4 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'bench', fromBeginning: true });
    let received = 0;
    const readBar = progressBar('consume', records);
    started = performance.now();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch: fetched }) => {
          received += fetched.messages.length;
          readBar.update(received);
          if (received >= records) resolve();
        },
      });
    });
    readBar.finish();
    const consumeSeconds = (performance.now() - started) / 1000;
    await consumer.disconnect();
    await stopProcess(broker.pid);

    const rate = (seconds: number): string =>
      `${Math.round(records / seconds).toLocaleString('en-US')} records/s (${((records * recordBytes) / seconds / 1024 / 1024).toFixed(1)} MB/s)`;
    rows.push({
      what: `kafkajs produce, ${records} × 1 KB, acks=all, batches of ${batch}`,
      value: rate(produceSeconds),
    });
    rows.push({ what: `kafkajs consume, ${records} × 1 KB, eachBatch`, value: rate(consumeSeconds) });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nApache Kafka (local KRaft broker) on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}\n\n`,
  );
  process.stdout.write(
    `${renderTable(
      [
        { header: 'measure', value: (row) => row.what },
        { header: 'result', value: (row) => row.value, align: 'right' },
      ],
      rows,
    )}\n`,
  );
}

await main();
